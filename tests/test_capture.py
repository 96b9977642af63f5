"""`jianyipai capture` through the real CLI, in real Chromium, against the demo shop."""
from __future__ import annotations

import asyncio
import colorsys
import hashlib
import io
import json
import random
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from agent.capture.browser import (
    DISABLED_FEATURES,
    PLAYWRIGHT_DISABLED_FEATURES,
    launch,
    launch_args,
)
from agent.capture.screenshot import PngSheet, _hold
from agent.settings import load
from storage import Store
from tests.conftest import assert_one_line_error, closed_port, run_async, run_cli

pytestmark = pytest.mark.browser

FAST = """
[capture]
settle = 3.0
quiet_ms = 300
scroll_delay_ms = 40
"""


@pytest.fixture
def fast_config(tmp_path: Path) -> Path:
    path = tmp_path / "fast.toml"
    path.write_text(FAST, "utf-8")
    return path


def capture(store: Path, *urls: str, config: Path | None = None, extra: tuple[str, ...] = ()):
    args = ["capture", *urls, "--json", *extra]
    if config:
        args += ["--config", str(config)]
    return run_cli(*args, store=store)


def warc_responses(data: bytes) -> dict[str, int]:
    out = {}
    for rec in ArchiveIterator(io.BytesIO(data)):
        if rec.rec_type == "response":
            out[rec.rec_headers.get_header("WARC-Target-URI")] = int(rec.http_headers.get_statuscode())
    return out


@pytest.fixture(scope="module")
def listing(shop, tmp_path_factory):
    """One capture of the main Chinese listing, shared by the tests that read it."""
    store = tmp_path_factory.mktemp("listing") / "store"
    result = capture(store, f"{shop.url}/item/1001")
    assert result.code == 0, result.err
    [line] = result.json_lines()
    return store, line, result


def test_listing_snapshot_has_every_artifact_and_manifest_key(listing, shop) -> None:
    store, line, _ = listing
    for key in ("schema", "target", "requested_url", "final_url", "redirects", "status", "headers",
                "server", "tls", "captured_at", "duration_s", "browser", "user_agent", "viewport",
                "locale", "timezone", "options", "warnings", "artifacts", "prev", "id", "record"):
        assert key in line, key
    assert line["target"] == {"url": f"{shop.url}/item/1001", "kind": "listing"}
    assert line["status"] == 200
    assert line["server"]["ip"] == "127.0.0.1"
    assert line["tls"] is None  # plain HTTP
    assert line["captured_at"].endswith("Z")
    assert set(line["artifacts"]) >= {"screenshot", "html", "text", "warc", "record"}
    assert "无线降噪蓝牙耳机" in line["record"]["title"]


def test_stored_bytes_hash_to_the_manifest_and_the_id(listing) -> None:
    store, line, _ = listing
    with Store(store, create=False) as s:
        raw = s.artifact(line["id"], "manifest")
        assert hashlib.sha256(raw).hexdigest() == line["id"]
        for name, art in line["artifacts"].items():
            data = s.artifact(line["id"], name)
            assert hashlib.sha256(data).hexdigest() == art["sha256"]
            assert len(data) == art["size"]


def test_script_set_price_and_lazy_content_are_captured(listing) -> None:
    store, line, _ = listing
    with Store(store, create=False) as s:
        html = s.artifact(line["id"], "html").decode("utf-8")
        text = s.artifact(line["id"], "text").decode("utf-8")
        warc = s.artifact(line["id"], "warc")
    assert "¥199.00" in text  # filled in by script after load
    assert "7天无理由退货" in text and "假一赔十" in text
    # lazy images got their src only when scrolled into view: their bodies are in the WARC
    lazy = [u for u in warc_responses(warc) if "/img/" in u]
    assert len(lazy) >= 3, lazy
    assert 'data-src="' not in html  # every lazy image was scrolled into view
    assert 'class="tile"' in html  # recommendations appended by script near the bottom


def test_screenshot_is_a_full_page_png(listing) -> None:
    store, line, _ = listing
    with Store(store, create=False) as s:
        png = s.artifact(line["id"], "screenshot")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width == 1280
    assert image.height > 900  # more than the viewport


def test_warc_is_readable_by_standard_tools_and_holds_the_page(listing, shop) -> None:
    store, line, _ = listing
    with Store(store, create=False) as s:
        warc = s.artifact(line["id"], "warc")
    assert warc[:2] == b"\x1f\x8b"  # gzipped
    responses = warc_responses(warc)
    assert responses[f"{shop.url}/item/1001"] == 200
    for rec in ArchiveIterator(io.BytesIO(warc)):
        if rec.rec_type == "response" and rec.rec_headers.get_header("WARC-Target-URI").endswith("/item/1001"):
            body = rec.content_stream().read().decode("utf-8")
            assert "¥--" in body  # the HTML as served, before the script set the price
            assert rec.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"


def test_progress_goes_to_stderr_and_json_alone_to_stdout(listing) -> None:
    _, _, result = listing
    assert "[1/1]" in result.err
    for line in result.out.splitlines():
        json.loads(line)


def test_batch_reuses_one_browser_and_one_failure_does_not_stop_it(shop, store_dir, fast_config) -> None:
    urls = [f"{shop.url}/item/1002", f"http://127.0.0.1:{closed_port()}/nothing-listens-here", f"{shop.url}/item/1003"]
    result = capture(store_dir, *urls, config=fast_config)
    assert result.code == 1
    lines = result.json_lines()
    assert [x["target"]["url"] for x in lines] == [urls[0], urls[2]]
    assert "connection refused" in result.err
    assert "1 of 3 URLs could not be captured" in result.err
    # committed as each finished: one chain, whichever came first
    first, second = lines if lines[1]["prev"] == lines[0]["id"] else lines[::-1]
    assert second["prev"] == first["id"]
    listed = run_cli("list", "--json", store=store_dir).json_lines()
    assert [x["id"] for x in listed] == [second["id"], first["id"]]


def test_pages_in_parallel_keep_input_order_and_every_artifact(shop, store_dir, tmp_path) -> None:
    cfg = tmp_path / "par.toml"
    cfg.write_text(FAST + "parallel = 3\n", "utf-8")
    urls = [f"{shop.url}/item/tall", f"{shop.url}/item/1001", f"{shop.url}/item/1002",
            f"{shop.url}/item/1001?again", f"{shop.url}/item/1003"]
    result = capture(store_dir, *urls, config=cfg)
    assert result.code == 0, result.err
    lines = result.json_lines()
    assert [x["target"]["url"] for x in lines] == urls  # input order, though /item/tall ends last
    with Store(store_dir, create=False) as s:
        for line in lines:
            assert {"screenshot", "html", "text", "warc", "record"} <= set(line["artifacts"])
            if "/item/1001" in line["target"]["url"]:
                html = s.artifact(line["id"], "html").decode("utf-8")
                assert 'data-src="' not in html and 'class="tile"' in html  # lazy content, as alone
        chain = s.ledger.ids()
    assert sorted(chain) == sorted(x["id"] for x in lines)


def test_very_tall_page_is_stitched_and_covers_every_block(shop, store_dir, fast_config) -> None:
    result = capture(store_dir, f"{shop.url}/item/tall", config=fast_config)
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert any("stitched" in w for w in line["warnings"]), line["warnings"]
    with Store(store_dir, create=False) as s:
        image = Image.open(io.BytesIO(s.artifact(line["id"], "screenshot"))).convert("RGB")
        html = s.artifact(line["id"], "html").decode()
    assert image.height >= 30000
    # the 30 detail blocks (第1屏…第30屏) have hues i*37 mod 360: find them in order down the image
    found = []
    for y in range(0, image.height, 250):
        r, g, b = (c / 255 for c in image.getpixel((image.width // 4, y)))
        h, light, s_ = colorsys.rgb_to_hls(r, g, b)
        if s_ > 0.3 and 0.55 < light < 0.85:
            hue = round(h * 360) % 360
            if not found or found[-1] != hue:
                found.append(hue)
    expected = [i * 37 % 360 for i in range(1, 31)]

    def nearest(hue: int) -> int:
        return min(expected, key=lambda e: min(abs(e - hue), 360 - abs(e - hue)))

    seen = []
    for hue in found:
        if not seen or seen[-1] != nearest(hue):
            seen.append(nearest(hue))
    seen = seen[seen.index(expected[0]):] if expected[0] in seen else seen  # skip the header
    assert seen == expected, (found, expected)  # every block, top to bottom, none repeated
    assert "第30屏" in html


def _png(rows: list[bytes], kinds: list[int], bpp: int) -> bytes:
    """A PNG (8-bit RGB or RGBA) whose rows use the given filter types, as Chromium's may."""
    def paeth(a: int, b: int, c: int) -> int:
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        return a if pa <= pb and pa <= pc else b if pb <= pc else c

    out, prior = [], bytes(len(rows[0]))
    for row, kind in zip(rows, kinds, strict=True):
        coded = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b, c = prior[i], prior[i - bpp] if i >= bpp else 0
            pred = (0, a, b, (a + b) // 2, paeth(a, b, c))[kind]
            coded.append((x - pred) & 0xFF)
        out.append(bytes([kind]) + bytes(coded))
        prior = row
    header = struct.pack(">IIBBBBB", len(rows[0]) // bpp, len(rows), 8, 6 if bpp == 4 else 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(out)))
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_parts_are_joined_without_decoding_and_every_pixel_is_kept(mode: str) -> None:
    """Each part's first row in every filter type, and a part PIL wrote (decoded instead)."""
    bpp = len(mode)
    rng = random.Random(13)
    parts, images = [], []
    for first in range(5):
        rows = [bytes(rng.randrange(256) if (y + first) % 3 else (x * 7 + y) % 256
                      for x in range(23 * bpp)) for y in range(9)]
        parts.append(_png(rows, [first, *(rng.randrange(5) for _ in rows[1:])], bpp))
        images.append(Image.frombytes(mode, (23, 9), b"".join(rows)))
    palette = Image.new("P", (23, 4), 3)
    buf = io.BytesIO()
    palette.save(buf, "PNG")
    parts.append(buf.getvalue())
    images.append(palette.convert(mode))
    sheet = PngSheet()
    for part in parts:
        sheet.add(part)
    joined = Image.open(io.BytesIO(sheet.finish()))
    assert joined.mode == mode and joined.size == (23, 49)
    expected = Image.new(mode, (23, 49))
    for i, image in enumerate(images):
        assert Image.open(io.BytesIO(parts[i])).convert(mode).tobytes() == image.tobytes()
        expected.paste(image, (0, 9 * i))
    assert joined.tobytes() == expected.tobytes()


def test_the_tall_shot_gate_is_never_kept_by_a_page_that_stopped_waiting() -> None:
    """A page that waited too long for another's tall shot, or was cancelled while waiting,
    shoots without the gate and leaves it as it found it."""
    async def run() -> list[bool]:
        gate = asyncio.Semaphore(1)
        await gate.acquire()  # another page is shooting
        late = await _hold(gate, 0.05)
        waiting = asyncio.ensure_future(_hold(gate, 5.0))
        await asyncio.sleep(0.01)
        waiting.cancel()
        gate.release()  # the other page is done, as the waiting one is cancelled
        await asyncio.sleep(0.01)
        free = await _hold(gate, 0.05)  # nobody kept it
        gate.release()
        return [late, waiting.cancelled(), free, not gate.locked()]

    assert run_async(run()) == [False, True, True, True]


def test_removed_listing_and_server_error_are_snapshots_with_their_status(shop, store_dir, fast_config) -> None:
    result = capture(store_dir, f"{shop.url}/item/removed", f"{shop.url}/item/error", config=fast_config)
    assert result.code == 0, result.err
    removed, error = result.json_lines()
    assert removed["status"] == 404
    assert error["status"] == 500
    with Store(store_dir, create=False) as s:
        assert "商品已下架" in s.artifact(removed["id"], "text").decode()


def test_redirect_chain_is_kept(shop, store_dir, fast_config) -> None:
    result = capture(store_dir, f"{shop.url}/go/1001", config=fast_config)
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert line["requested_url"] == f"{shop.url}/go/1001"
    assert line["final_url"] == f"{shop.url}/item/1001"
    assert line["redirects"] == [
        {"url": f"{shop.url}/go/1001", "status": 302},
        {"url": f"{shop.url}/r/1001", "status": 301},
    ]
    assert line["status"] == 200


def test_page_that_never_finishes_is_kept_as_rendered(shop, store_dir, fast_config) -> None:
    result = capture(store_dir, f"{shop.url}/item/hang", config=fast_config, extra=("--timeout", "8"))
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert any(w.startswith("load:") for w in line["warnings"]), line["warnings"]
    assert line["duration_s"] < 60  # ended by its own bound, not the test's
    with Store(store_dir, create=False) as s:
        assert "screenshot" in line["artifacts"]
        assert "¥" in s.artifact(line["id"], "text").decode()


def test_slow_page_is_waited_for(shop, store_dir, fast_config) -> None:
    result = capture(store_dir, f"{shop.url}/item/slow", config=fast_config)
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert not any(w.startswith("load:") for w in line["warnings"]), line["warnings"]
    with Store(store_dir, create=False) as s:
        assert "</html>" in s.artifact(line["id"], "html").decode().lower()


def test_busy_and_changing_pages_end_at_the_settle_bound(shop, store_dir, fast_config) -> None:
    result = capture(store_dir, f"{shop.url}/item/busy", f"{shop.url}/item/mutating", config=fast_config)
    assert result.code == 0, result.err
    busy, mutating = result.json_lines()
    assert any("network not quiet" in w for w in busy["warnings"]), busy["warnings"]
    assert any("still changing" in w for w in mutating["warnings"]), mutating["warnings"]


def test_downloads_are_never_saved(shop, store_dir, fast_config, tmp_path) -> None:
    result = capture(store_dir, f"{shop.url}/item/download", config=fast_config)
    assert result.code == 0, result.err
    [line] = result.json_lines()
    with Store(store_dir, create=False) as s:
        sizes = {name: art["size"] for name, art in line["artifacts"].items()}
        assert set(sizes) == {"screenshot", "html", "text", "warc", "record", "layout"}
        pdf_magic = b"%PDF"
        for name in sizes:
            if name != "warc":
                assert pdf_magic not in s.artifact(line["id"], name)[:16]
    assert not list(Path.home().glob("Downloads/manual*.pdf"))


@pytest.mark.parametrize("url, reason", [
    ("not a url", "not a URL"),
    ("shop.example/item/1", "no http"),
    ("ftp://127.0.0.1/file", "unsupported URL scheme"),
    ("javascript:alert(1)", "unsupported URL scheme"),
    ("file:///etc/hostname", "--allow-file"),
    (f"http://127.0.0.1:{closed_port()}/", "connection refused"),
    ("http://no-such-host.invalid/item/1", "cannot resolve host"),
])
def test_bad_input_is_one_line_and_stores_nothing(url, reason, store_dir) -> None:
    result = run_cli("capture", url, store=store_dir)
    assert_one_line_error(result)
    assert reason in result.err
    assert result.out == ""
    if store_dir.exists():
        assert not (store_dir / "ledger").exists() or (store_dir / "ledger").read_bytes() == b""
        assert list((store_dir / "tmp").iterdir()) == []


def test_file_urls_work_with_allow_file(tmp_path, store_dir, fast_config) -> None:
    page = tmp_path / "saved.html"
    page.write_text("<html><head><meta charset='utf-8'><title>本地页面</title></head>"
                    "<body><p>7天无理由退货</p></body></html>", "utf-8")
    result = capture(store_dir, page.as_uri(), config=fast_config, extra=("--allow-file",))
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert line["record"]["title"] == "本地页面"


def test_gbk_page_text_is_decoded(shop, store_dir, fast_config) -> None:
    result = capture(store_dir, f"{shop.url}/item/gbk", config=fast_config)
    assert result.code == 0, result.err
    [line] = result.json_lines()
    with Store(store_dir, create=False) as s:
        text = s.artifact(line["id"], "text").decode("utf-8")
    assert "7天无理由退货" in text


def test_chinese_text_renders_as_glyphs_not_boxes(tmp_path, store_dir, fast_config) -> None:
    """Without CJK fonts every character is the same empty box: two characters would match."""
    page = tmp_path / "glyphs.html"
    page.write_text(
        "<html><head><meta charset='utf-8'><style>body{margin:0} span{position:absolute;top:0;"
        "font-size:200px;line-height:200px;width:200px;height:200px}</style></head><body>"
        "<span style='left:0'>测</span><span style='left:300px'>赔</span></body></html>", "utf-8")
    result = capture(store_dir, page.as_uri(), config=fast_config, extra=("--allow-file",))
    assert result.code == 0, result.err
    [line] = result.json_lines()
    with Store(store_dir, create=False) as s:
        image = Image.open(io.BytesIO(s.artifact(line["id"], "screenshot"))).convert("L")
    first, second = image.crop((0, 0, 200, 200)), image.crop((300, 0, 500, 200))
    ink = [sum(1 for p in g.tobytes() if p < 128) for g in (first, second)]
    assert min(ink) > 500  # something was drawn
    # Characters no font has render as identical boxes (0 differing pixels, checked by hand).
    differing = sum(1 for a, b in zip(first.tobytes(), second.tobytes(), strict=True) if abs(a - b) > 64)
    assert differing > 2000, ink  # two different glyphs, not two identical boxes


def test_feature_switches_are_joined_into_one() -> None:
    """Chromium honours only the last --disable-features: ours carries Playwright's, ours and
    the user's, once each."""
    args = launch_args(["--disable-features=Foo,WebUIOmniboxPopup", "--lang=zh-CN"])
    switches = [a for a in args if a.startswith("--disable-features=")]
    assert len(switches) == 1 and "--lang=zh-CN" in args
    names = switches[0].split("=", 1)[1].split(",")
    assert len(names) == len(set(names))
    assert {*PLAYWRIGHT_DISABLED_FEATURES, *DISABLED_FEATURES, "Foo"} == set(names)
    assert not any(a.startswith("--disable-features=") for a in launch_args(lean=False))


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_the_launched_browser_keeps_every_feature_playwright_switches_off() -> None:
    """Read back from the running browser: the switch that wins (the last) holds every
    feature of Playwright's own list (the first), so a Playwright with a longer list than
    PLAYWRIGHT_DISABLED_FEATURES is noticed here, and holds ours."""
    from playwright.async_api import async_playwright

    async def command_line() -> list[str]:
        async with async_playwright() as pw:
            browser = await launch(pw, load(None, env={}).get("browser", "path"))
            try:
                for pid in Path("/proc").iterdir():
                    try:
                        args = (pid / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
                    except OSError:
                        continue
                    if "--remote-debugging-pipe" in args and not any(a.startswith("--type=") for a in args):
                        return args
            finally:
                await browser.close()
        return []

    args = run_async(command_line())
    switches = [set(a.split("=", 1)[1].split(",")) for a in args if a.startswith("--disable-features=")]
    assert len(switches) >= 2, args  # Playwright's, then ours
    assert switches[0] <= switches[-1], switches[0] - switches[-1]
    assert set(DISABLED_FEATURES) <= switches[-1]
