"""QR codes in screenshots (issue 14): the tiled decoder, what a code's content is, the
anomalies it gives in each kind of capture, and real captures of the demo shop's QR pages."""
from __future__ import annotations

import io
import json
import struct
import tomllib
import zlib
from pathlib import Path
from typing import Any

import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from agent.demoshop import qr_pages
from agent.records import add_qr_codes
from extractors.qrcodes import (
    BAND,
    OVERLAP,
    payment_target,
    qr_anomalies,
    read_qr_codes,
    target_host,
)
from storage import Store
from tests.conftest import run_cli

LOOKALIKE = "https://jd.com.pay-secure.top/pay"
OFFICIAL = "https://item.jd.com/100012043978.html"
WXPAY = "wxp://f2f0Hq3kZ8bQ2mV7nR1xLp4sT9yW6cD5eG0aJ"


def code_image(text: str, scale: int = 4) -> Image.Image:
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def screenshot(height: int, codes: list[tuple[Image.Image, int, int]], width: int = 1280) -> bytes:
    """A white page ``width`` × ``height`` with each code pasted at (x, y), as PNG."""
    page = Image.new("RGB", (width, height), "white")
    for img, x, y in codes:
        page.paste(img, (x, y))
    out = io.BytesIO()
    page.save(out, "PNG")
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` × ``height`` and holds one empty row of data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 7))
            + chunk(b"IEND", b""))


# --- the decoder --------------------------------------------------------------------------

def test_a_code_cut_by_a_band_edge_is_found_once_where_it_is():
    img = code_image(LOOKALIKE)  # about 150 px: whole only in the second band
    top = BAND - img.height // 2
    scan = read_qr_codes(screenshot(BAND * 2, [(img, 500, top)]))
    assert [c["text"] for c in scan.codes] == [LOOKALIKE]
    x, y, w, h = scan.codes[0]["box"]
    assert 500 <= x < 500 + img.width and top <= y < top + img.height
    assert img.width * 0.6 < w <= img.width and img.height * 0.6 < h <= img.height
    assert scan.notes == []


def test_a_code_in_two_bands_overlap_is_kept_once():
    img = code_image(OFFICIAL)
    top = BAND - OVERLAP + 40  # inside both the first and the second band
    scan = read_qr_codes(screenshot(BAND * 2, [(img, 100, top)]))
    assert [c["text"] for c in scan.codes] == [OFFICIAL]


def test_several_codes_far_down_a_tall_screenshot():
    texts = [LOOKALIKE, OFFICIAL, WXPAY, "https://u.wechat.com/EFVpLx0ZkQ"]
    placed = [(code_image(t), 100 + 280 * i, 1000 + 4600 * i) for i, t in enumerate(texts)]
    scan = read_qr_codes(screenshot(17000, placed))
    assert [c["text"] for c in scan.codes] == texts  # top to bottom
    for code, (_, x, y) in zip(scan.codes, placed, strict=True):
        assert abs(code["box"][0] - x) < 40 and abs(code["box"][1] - y) < 40


def test_two_codes_with_the_same_text_are_two_codes():
    img = code_image(WXPAY)
    scan = read_qr_codes(screenshot(1200, [(img, 100, 100), (img, 700, 100)]))
    assert [c["text"] for c in scan.codes] == [WXPAY, WXPAY]


def test_a_tiny_code_is_read_at_full_resolution():
    img = code_image("wxp://f2f0tiny", scale=2)  # 2 px a module: about 50 px across
    assert img.width < 60
    scan = read_qr_codes(screenshot(9000, [(img, 1100, 7000)]))
    assert [c["text"] for c in scan.codes] == ["wxp://f2f0tiny"]


@pytest.mark.parametrize("angle", [90, 30, 180])
def test_rotated_codes(angle):
    img = code_image(LOOKALIKE).rotate(angle, expand=True, fillcolor="white")
    scan = read_qr_codes(screenshot(1500, [(img, 300, 400)]))
    assert [c["text"] for c in scan.codes] == [LOOKALIKE]


def test_a_photo_of_nothing_has_no_codes():
    page = Image.effect_noise((1280, 3000), 60).convert("RGB")
    out = io.BytesIO()
    page.save(out, "PNG")
    scan = read_qr_codes(out.getvalue())
    assert scan.codes == [] and scan.notes == []


@pytest.mark.parametrize("data", [
    b"", b"not an image", b"\x89PNG\r\n\x1a\n", b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
    bytes(range(256)) * 40,
])
def test_garbage_bytes_give_nothing_and_a_note(data):
    scan = read_qr_codes(data)
    assert scan.codes == [] and scan.notes


def test_a_truncated_png_gives_a_note():
    data = screenshot(3000, [(code_image(WXPAY), 100, 2500)])
    scan = read_qr_codes(data[: len(data) // 3])
    assert scan.codes == [] and any("could not be read" in n for n in scan.notes)


@pytest.mark.parametrize("width,height", [(100_000, 100_000), (2**31 - 1, 1), (1, 2**31 - 1)])
def test_huge_dimensions_give_nothing_and_a_note(width, height):
    scan = read_qr_codes(png_header(width, height))
    assert scan.codes == [] and scan.notes


def test_work_is_capped_at_max_pixels():
    """Past the cap only the top rows are decoded; the note says how far."""
    data = screenshot(6000, [(code_image(WXPAY), 100, 200), (code_image(LOOKALIKE), 100, 5000)])
    scan = read_qr_codes(data, max_pixels=1280 * 3000)
    assert [c["text"] for c in scan.codes] == [WXPAY]
    assert scan.notes == ["QR codes: looked for in the top 3000 of 6000 px only "
                          f"(at most {1280 * 3000} px are read)"]
    assert [c["text"] for c in read_qr_codes(data).codes] == [WXPAY, LOOKALIKE]


def test_a_spent_time_bound_reads_the_first_band_only():
    data = screenshot(BAND * 3, [(code_image(WXPAY), 100, 200), (code_image(LOOKALIKE), 100, BAND * 2)])
    scan = read_qr_codes(data, until=0.0)
    assert [c["text"] for c in scan.codes] == [WXPAY]
    assert scan.notes == [f"QR codes: looked for in the top {BAND} of {BAND * 3} px only (out of time)"]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.binary(min_size=1, max_size=40))
def test_damaged_pngs_never_raise(at, junk):
    data = screenshot(300, [(code_image(WXPAY, scale=2), 10, 10)], width=300)
    at %= len(data)
    read_qr_codes(data[:at] + junk + data[at + len(junk):])


# --- what a code's content is ------------------------------------------------------------

@pytest.mark.parametrize("text,kind,who", [
    ("wxp://f2f0xFuBE5tqPeKuwZxWkpE0CBf4-GkfwdpN", "payment", "personal"),
    ("weixin://wxpay/bizpayurl?pr=Xy7Qk2Lm", "payment", "merchant"),
    ("HTTPS://QR.ALIPAY.COM/FKX02077PXMEKZPFY2B4E4", "payment", "any"),
    ("https://qr.alipay.com/tsx11609thmpw9odmvdlxd6", "payment", "any"),
    ("https://i.qianbao.qq.com/wallet/sqrcode.htm?m=tenpay&a=1&u=10626296&n=x", "payment", "personal"),
    ("https://qr.95516.com/00010000/01116734923", "payment", "any"),
    ("00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678"
     "52044722530398654041.005802CN5914BEST TRANSPORT6007BEIJING6304A13A", "payment", "any"),
    ("BCD\n002\n1\nSCT\nBHBLDEHHXXX\nFranz Mustermann\nDE71110220330123456789\nEUR12.3", "payment", "any"),
    ("upi://pay?pa=shop@upi&pn=Shop", "payment", "any"),
    ("https://paypal.me/hxco", "payment", "personal"),
    ("https://www.paypal.com/paypalme/someone", "payment", "personal"),
    ("https://cash.app/$someone", "payment", "personal"),
    ("bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.1", "payment", "any"),
    ("TQ5ZkGV3XCsqvmnXbHAn8uUwgHjGeTBxMb", "payment", "any"),
    ("0x52908400098527886E0F7030069857D2E4169EE7", "payment", "any"),
    ("https://u.wechat.com/EFVpLx0ZkQ", "contact", "personal"),
    ("https://qm.qq.com/cgi-bin/qm/qr?k=abc", "contact", "personal"),
    ("https://wa.me/8613800000000", "contact", "personal"),
    ("https://t.me/cheapshop", "contact", "personal"),
])
def test_payment_and_contact_codes(text, kind, who):
    target = payment_target(text)
    assert target is not None and (target["kind"], target["who"]) == (kind, who), target


@pytest.mark.parametrize("text", [
    OFFICIAL, "https://detail.tmall.com/item.htm?id=1", "https://pay.weixin.qq.com/index.php",
    "https://www.alipay.com/", "Product SN 0x1234", "hello", "", "https://example.com/wxp://f2f0",
    "https://t.me.example.com/x",
])
def test_other_codes_are_no_payment(text):
    assert payment_target(text) is None


@pytest.mark.parametrize("text,host", [
    (LOOKALIKE, "jd.com.pay-secure.top"), ("jd.com.pay-secure.top/pay", "jd.com.pay-secure.top"),
    ("HTTP://TMAL1.COM", "tmal1.com"), (WXPAY, None), ("扫码领券 jd.com.pay-secure.top", None),
    ("bitcoin:bc1qxyz", None), ("", None),
])
def test_target_host(text, host):
    assert target_host(text) == host


# --- the findings -------------------------------------------------------------------------

def shown(text: str, **more: Any) -> dict[str, Any]:
    return {"text": text, "box": [10, 20, 150, 150], "source": "screenshot", **more}


def test_lookalike_code_anywhere_official_code_nowhere():
    for kind in ("listing", "chat", "checkout"):
        found = qr_anomalies([shown(LOOKALIKE), shown(OFFICIAL)], kind, "https://item.jd.com/1.html")
        assert [(a["code"], a["severity"]) for a in found] == [("lookalike_domain", "danger")]
        ev = found[0]["evidence"]
        assert (ev["where"], ev["box"], ev["target"], ev["host"], ev["imitates"]) == (
            "qr", [10, 20, 150, 150], LOOKALIKE, "jd.com.pay-secure.top", "jd.com")
        assert "jd.com.pay-secure.top" in found[0]["text"]["zh"]


def test_payment_code_by_page_kind():
    listing = qr_anomalies([shown(WXPAY)], "listing", "http://127.0.0.1:8000/item/1")
    assert [(a["code"], a["severity"]) for a in listing] == [("offplatform_payment", "danger")]
    ev = listing[0]["evidence"]
    assert (ev["where"], ev["box"], ev["target"], ev["source"], ev["kind"], ev["who"]) == (
        "qr", [10, 20, 150, 150], WXPAY, "screenshot", "payment", "personal")
    assert "WeChat Pay" in ev["provider"]
    # the platform's own checkout takes payment by a code: no steering
    assert qr_anomalies([shown("weixin://wxpay/bizpayurl?pr=1"), shown(WXPAY)], "checkout",
                        "https://cart.jd.com/pay") == []


def test_contact_code_in_chats_and_on_marketplace_listings_only():
    card = shown("https://u.wechat.com/EFVpLx0ZkQ")
    assert [a["severity"] for a in qr_anomalies([card], "chat", "https://shop.example/chat")] == ["warning"]
    assert [a["severity"] for a in qr_anomalies([card], "listing", "https://item.jd.com/1.html")] == ["warning"]
    # an independent shop's own WeChat card is its own channel
    assert qr_anomalies([card], "listing", "https://myshop.example/item/1") == []


def test_chat_codes_follow_the_sender():
    seller = qr_anomalies([shown(WXPAY, message_id="m1", role="seller")], "chat", None)
    assert seller[0]["evidence"]["message_id"] == "m1"
    assert qr_anomalies([shown(WXPAY, message_id="m2", role="buyer")], "chat", None) == []
    # a code in the chat screenshot that no message's attachment holds is still named
    unknown = qr_anomalies([shown(WXPAY)], "chat", None)
    assert unknown[0]["evidence"]["source"] == "screenshot" and "message_id" not in unknown[0]["evidence"]


def test_steering_words_in_a_code():
    found = qr_anomalies([shown("加我微信 shop8866521 转账到个人支付宝")], "chat", None)
    assert found[0]["severity"] == "danger" and found[0]["evidence"]["matched"]
    assert qr_anomalies([shown("请勿私下交易")], "chat", None) == []


def test_chat_record_ties_codes_to_the_message_with_the_image():
    pay = screenshot(300, [(code_image(WXPAY), 20, 20)], width=300)
    other = screenshot(300, [(code_image(OFFICIAL), 20, 20)], width=300)
    record = {"kind": "chat", "messages": [
        {"id": "b1", "role": "buyer", "text": "在吗", "attachments": []},
        {"id": "s1", "role": "seller", "text": "[图片]",
         "attachments": [{"kind": "image", "url": "https://im.example/a.png", "alt": None}]},
        {"id": "s2", "role": "seller", "text": "[图片]",
         "attachments": [{"kind": "image", "url": "https://im.example/b.png", "alt": None}]},
    ]}
    asked: list[list[str]] = []

    def fetched(urls: list[str]) -> dict[str, bytes]:
        asked.append(urls)
        return {"https://im.example/a.png": pay, "https://im.example/b.png": other}
    notes = add_qr_codes(record, screenshot(800, [(code_image(WXPAY), 100, 300)]),
                         "https://im.example/chat", fetched)
    assert notes == [] and asked == [["https://im.example/a.png", "https://im.example/b.png"]]
    on_screen, off_screen = record["qr_codes"]
    assert (on_screen["text"], on_screen["message_id"], on_screen["source"]) == (WXPAY, "s1", "screenshot")
    # the second image scrolled out of the screenshot: its code is kept, with no box
    assert (off_screen["text"], off_screen["message_id"], off_screen["box"]) == (OFFICIAL, "s2", None)
    assert off_screen["attachment"] == "https://im.example/b.png"
    assert [(a["code"], a["evidence"]["message_id"]) for a in record["anomalies"]] == [
        ("offplatform_payment", "s1")]


# --- real captures of the demo shop -------------------------------------------------------

@pytest.fixture(scope="module")
def captured(shop: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each QR page captured once by the real CLI, by path: (manifest with record, store)."""
    store = tmp_path_factory.mktemp("qr") / "store"
    out: dict[str, Any] = {}
    for kind, paths in (("listing", ("item/lookalike", "item/official", "item/pay")),
                        ("checkout", ("checkout",)), ("chat", ("chat/pay", "chat/twin"))):
        result = run_cli("capture", *(f"{shop.url}/qr/{p}" for p in paths), "--kind", kind,
                         "--json", store=store)
        assert result.code == 0, result.err
        for line in result.json_lines():
            out[line["target"]["url"].split("/qr/", 1)[1]] = line
    return {"by_path": out, "store": store}


def qr_found(line: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(a["code"], a["evidence"].get("target")) for a in line["record"]["anomalies"]
            if a["evidence"].get("where") == "qr"]


@pytest.mark.browser
def test_capture_finds_a_lookalike_code_far_down_the_listing(captured):
    line = captured["by_path"]["item/lookalike"]
    text = qr_pages.CODES["lookalike"]
    assert [c["text"] for c in line["record"]["qr_codes"]] == [text]
    assert qr_found(line) == [("lookalike_domain", text)]
    found = next(a for a in line["record"]["anomalies"] if a["evidence"].get("where") == "qr")
    assert found["severity"] == "danger" and found["evidence"]["host"] == "jd.com.pay-secure.top"
    # the box is where the stored screenshot shows the code (below the first band)
    x, y, w, h = found["evidence"]["box"]
    assert y > BAND
    with Store(captured["store"], create=False) as store:
        png = store.artifact(line["id"], "screenshot")
    crop = Image.open(io.BytesIO(png)).crop((x - 30, y - 30, x + w + 30, y + h + 30))
    out = io.BytesIO()
    crop.save(out, "PNG")
    assert [c["text"] for c in read_qr_codes(out.getvalue()).codes] == [text]
    assert not any(w.startswith("qr codes") for w in line["warnings"])


@pytest.mark.browser
def test_capture_of_the_official_twin_keeps_the_code_without_a_finding(captured):
    line = captured["by_path"]["item/official"]
    assert [c["text"] for c in line["record"]["qr_codes"]] == [qr_pages.CODES["official"]]
    assert line["record"]["anomalies"] == []


@pytest.mark.browser
def test_capture_finds_a_personal_payment_code_on_a_listing(captured):
    line = captured["by_path"]["item/pay"]
    found = [a for a in line["record"]["anomalies"] if a["evidence"].get("where") == "qr"]
    assert [(a["code"], a["severity"], a["evidence"]["target"], a["evidence"]["who"])
            for a in found] == [("offplatform_payment", "danger", qr_pages.CODES["wxpay"], "personal")]


@pytest.mark.browser
def test_capture_of_the_platform_checkout_code_is_no_steering(captured):
    line = captured["by_path"]["checkout"]
    assert [c["text"] for c in line["record"]["qr_codes"]] == [qr_pages.CODES["checkout"]]
    assert qr_found(line) == []


@pytest.mark.browser
def test_capture_ties_a_chat_payment_code_to_the_sellers_message(captured):
    line = captured["by_path"]["chat/pay"]
    record = line["record"]
    sent = [m for m in record["messages"] if m["role"] == "seller" and m["attachments"]]
    assert len(sent) == 1
    code = next(c for c in record["qr_codes"] if c["text"] == qr_pages.CODES["alipay"])
    assert (code["message_id"], code["role"], code["source"]) == (sent[0]["id"], "seller", "screenshot")
    found = [a for a in record["anomalies"] if a["evidence"].get("where") == "qr"]
    assert [(a["code"], a["severity"], a["evidence"]["message_id"]) for a in found] == [
        ("offplatform_payment", "danger", sent[0]["id"])]
    # the buyer's photo holds no code; the record on disk says the same as --json
    with Store(captured["store"], create=False) as store:
        stored = json.loads(store.artifact(line["id"], "record"))
    assert stored["qr_codes"] == record["qr_codes"]


@pytest.mark.browser
def test_capture_of_the_chat_twin_keeps_the_code_without_a_finding(captured):
    record = captured["by_path"]["chat/twin"]["record"]
    assert [(c["text"], c["role"]) for c in record["qr_codes"]] == [(qr_pages.CODES["official"], "seller")]
    assert record["anomalies"] == []


def test_qr_data_entries_name_their_source():
    path = Path(__file__).resolve().parent.parent / "extractors" / "qrcodes.toml"
    for item in tomllib.loads(path.read_text("utf-8"))["target"]:
        assert item["source"] and item["why"] and item["kind"] in ("payment", "contact"), item["name"]
