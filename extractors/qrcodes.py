"""QR codes in a capture's screenshot and in a chat's image attachments, and what their
targets say about the transaction (issue 14): a target host that imitates an official
domain (``lookalike_domain``), a payment or messenger code that moves a listing's or a
seller's buyer off the platform (``offplatform_payment``). Pure functions of bytes and
records: no browser, no network, no disk but ``qrcodes.toml``.

:func:`read_qr_codes` decodes with zxing-cpp over horizontal bands of the screenshot that
overlap by :data:`OVERLAP` pixels, so a code up to that tall that one band's edge cuts is
whole in the next; nothing is scaled down before decoding (zxing-cpp tries smaller copies
of each band itself, for codes larger than that). A screenshot of more than
:data:`MAX_PIXELS` is read down to that many pixels and the note says where it stopped.
"""

from __future__ import annotations

import io
import re
import time
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import zxingcpp
from PIL import Image

from .anomalies import (
    HOW_DANGER,
    MAX_PER_CODE,
    anomaly,
    lookalike,
    official_owner,
    steering,
)
from .data import load_toml
from .sites import host_of

BAND = 2048  # rows decoded at a time (about 30 ms for a blank band 1280 wide)
OVERLAP = 768  # a code at most this tall is whole in some band
MAX_PIXELS = 1280 * 60000  # pixels decoded from one image: the default tallest screenshot
MAX_TEXT = 2000  # characters of a code's content kept
MAX_CODES = 100  # codes kept from one image
MAX_ATTACHMENT_BYTES = 8 << 20
_LINK = re.compile(r"https?://\S+|(?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,24}(?::\d{1,5})?(?:[/?#]\S*)?",
                   re.IGNORECASE)


@dataclass
class QrScan:
    """What :func:`read_qr_codes` found: ``codes`` as ``{text, box: [x, y, w, h]}`` (image
    pixels, top to bottom), and ``notes`` on what could not be read."""

    codes: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_qr_codes(data: bytes, *, max_pixels: int = MAX_PIXELS, until: float | None = None) -> QrScan:
    """The QR codes in an image (PNG, JPEG … whatever Pillow opens). Never raises: bytes
    that are no image, or an image too large to open, give no codes and a note.

    ``until`` (``time.monotonic()``): no band is begun after it (a capture's time bound);
    the note says how far down the image was read."""
    scan = QrScan()
    try:
        image = _open(data, max_pixels, scan.notes)
        if image is not None:
            _decode_bands(image, scan, until)
    except Exception as exc:  # the net: a decoder failure leaves what was found so far
        scan.notes.append(f"QR codes: the image could not be read ({type(exc).__name__}: {exc})")
    return scan


def _open(data: bytes, max_pixels: int, notes: list[str]) -> Image.Image | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            notes.append(f"QR codes: not looked for, the image is too large ({exc})")
            return None
        except Exception:
            notes.append("QR codes: not looked for, the data is not an image")
            return None
        width, height = image.size
        if width < 1 or height < 1:
            return None
        if width * height > max_pixels:
            rows = max_pixels // width
            if rows < 1:
                notes.append(f"QR codes: not looked for, the image is {width} px wide")
                return None
            _top_rows(image, rows)
            notes.append(f"QR codes: looked for in the top {rows} of {height} px only "
                         f"(at most {max_pixels} px are read)")
        image.load()
    return image


def _top_rows(image: Image.Image, rows: int) -> None:
    """Make ``image`` decode only its top ``rows`` (Pillow decodes a PNG's single tile in
    order and stops once the tile's extent is full: the rest is never inflated)."""
    if len(image.tile) != 1:
        raise ValueError(f"cannot read part of a {image.format} image")
    tile = image.tile[0]
    image._size = (image.width, rows)
    image.tile = [(tile[0], (0, 0, image.width, rows), tile[2], tile[3])]


def _decode_bands(image: Image.Image, scan: QrScan, until: float | None) -> None:
    width, height = image.size
    step = BAND - OVERLAP
    top = 0
    while True:
        bottom = min(height, top + BAND)
        band = image.crop((0, top, width, bottom)).convert("L")
        for found in zxingcpp.read_barcodes(band, formats=zxingcpp.BarcodeFormat.QRCode):
            _add(scan.codes, found, top)
        if bottom >= height or len(scan.codes) >= MAX_CODES:
            break
        if until is not None and time.monotonic() >= until:
            scan.notes.append(f"QR codes: looked for in the top {bottom} of {height} px only "
                              "(out of time)")
            break
        top += step
    scan.codes.sort(key=lambda code: (code["box"][1], code["box"][0]))


def _add(codes: list[dict[str, Any]], found: Any, top: int) -> None:
    text = found.text[:MAX_TEXT]
    if not text:
        return
    p = found.position
    xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
    ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
    box = [min(xs), min(ys) + top, max(xs) - min(xs) + 1, max(ys) - min(ys) + 1]
    for code in codes:  # a code inside two bands' overlap is read twice
        if code["text"] == text and _overlaps(code["box"], box):
            return
    codes.append({"text": text, "box": box})


def _overlaps(a: list[int], b: list[int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


# --- what a code's content is ------------------------------------------------------------

@lru_cache(maxsize=1)
def _targets() -> list[tuple[re.Pattern[str], dict[str, str]]]:
    out = []
    for item in load_toml("qrcodes.toml")["target"]:
        if item["kind"] not in ("payment", "contact") or item["who"] not in ("personal", "merchant", "any"):
            raise ValueError(f"qrcodes.toml: {item['name']!r}: unknown kind or who")
        if not item.get("source") or not item.get("why"):
            raise ValueError(f"qrcodes.toml: {item['name']!r} needs a source and a why")
        out.append((re.compile(item["re"], re.IGNORECASE),
                    {k: item[k] for k in ("name", "kind", "who")}))
    return out


def payment_target(text: str) -> dict[str, str] | None:
    """``{name, kind: payment|contact, who}`` when a code's content pays someone or adds a
    contact (qrcodes.toml), else None.

    >>> payment_target("wxp://f2f0abc")["kind"]
    'payment'
    >>> payment_target("https://item.jd.com/1.html") is None
    True
    """
    stripped = text.strip()
    for regex, target in _targets():
        if regex.match(stripped):
            return target
    return None


def target_host(text: str) -> str | None:
    """The host a code opens when its content is a web link (``https://…`` or a bare
    domain, which phone scanners open as one).

    >>> target_host("HTTPS://JD.com.pay-secure.top/pay?x=1"), target_host("wxp://f2f0abc")
    ('jd.com.pay-secure.top', None)
    """
    stripped = text.strip()
    return host_of(stripped) if _LINK.fullmatch(stripped) else None


# --- chats: which message sent a code ----------------------------------------------------

def attachment_urls(record: dict[str, Any]) -> list[str]:
    """The image attachments of a chat record's messages, to look for codes in."""
    out: list[str] = []
    for msg in record.get("messages") or []:
        for att in (msg.get("attachments") or []) if isinstance(msg, dict) else []:
            if isinstance(att, dict) and att.get("kind") == "image" \
                    and isinstance(att.get("url"), str) and att["url"] not in out:
                out.append(att["url"])
    return out[:MAX_CODES]


def attribute(codes: list[dict[str, Any]], record: dict[str, Any], images: dict[str, bytes],
              until: float | None = None) -> list[dict[str, Any]]:
    """``codes`` (from the screenshot, ``source: screenshot``) with ``message_id`` and
    ``role`` where the same code is in a message's image attachment (``images``: the
    attachments' bytes by URL, as the browser fetched them), plus the codes of attachments
    that the screenshot does not show (``source: attachment``, no box)."""
    sent: dict[str, dict[str, Any]] = {}
    for msg in record.get("messages") or []:
        if not isinstance(msg, dict):
            continue
        for att in msg.get("attachments") or []:
            data = images.get(att.get("url")) if isinstance(att, dict) else None
            if not data or len(data) > MAX_ATTACHMENT_BYTES:
                continue
            for code in read_qr_codes(data, until=until).codes:
                sent.setdefault(code["text"], {"message_id": msg.get("id"), "role": msg.get("role"),
                                               "attachment": att["url"]})
    out = []
    for code in codes:
        came = sent.get(code["text"])
        out.append({**code, "source": "screenshot",
                    **({"message_id": came["message_id"], "role": came["role"]} if came else {})})
    shown = {code["text"] for code in codes}
    out += [{"text": text, "box": None, "source": "attachment", **came}
            for text, came in sent.items() if text not in shown]
    return out


# --- the findings ------------------------------------------------------------------------

def qr_anomalies(codes: list[dict[str, Any]], kind: str, url: str | None) -> list[dict[str, Any]]:
    """The anomalies of the codes a capture of ``kind`` (listing, chat, checkout) shows:
    a target host that imitates an official domain, anywhere; a payment code on a listing
    or from a seller in a chat (a code on the platform's own checkout page is how it takes
    payment); a messenger code or steering words in a chat, or on a marketplace's listing."""
    host = host_of(url)
    market = host is not None and official_owner(host) is not None
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for code in codes:
        text = code["text"]
        evidence = {"where": "qr", "box": code.get("box"), "target": text,
                    **{k: code[k] for k in ("source", "message_id", "role", "attachment") if k in code}}
        target = target_host(text)
        hit = lookalike(target) if target else None
        if hit is not None and ("lookalike_domain", text) not in seen:
            seen.add(("lookalike_domain", text))
            out.append(anomaly(
                "lookalike_domain", "danger" if hit["how"] in HOW_DANGER else "warning",
                f"二维码指向的域名 {target} 疑似仿冒官方域名 {hit['imitates']}（{hit['how']}），"
                "请勿扫码登录或付款。",
                f"A QR code opens {target}, which imitates the official domain "
                f"{hit['imitates']} ({hit['how']}); do not scan it to log in or pay.",
                {**evidence, "host": target, **hit}))
        if code.get("role") not in (None, "seller") or ("offplatform_payment", text) in seen:
            continue  # a buyer's own code is not the seller steering
        steer = _steer(text, kind, market)
        if steer is not None:
            seen.add(("offplatform_payment", text))
            out.append(steer | {"evidence": {**evidence, **steer["evidence"]}})
    return out[: 2 * MAX_PER_CODE]


def _steer(text: str, kind: str, market: bool) -> dict[str, Any] | None:
    target = payment_target(text)
    if target is not None:
        payment = target["kind"] == "payment"
        if kind == "checkout" and payment or kind == "listing" and not payment and not market:
            return None
        what_zh = "收款/付款码" if payment else "加好友二维码"
        what_en = "payment" if payment else "messenger contact"
        return anomaly(
            "offplatform_payment", "danger" if payment else "warning",
            f"二维码是{target['name']}的{what_zh}：扫码{'付款' if payment else '联系'}在平台之外，不受平台保障。",
            f"The QR code is a {target['name']} {what_en} code: scanning it "
            f"{'pays' if payment else 'contacts'} the seller outside the platform, without its protection.",
            {"provider": target["name"], "kind": target["kind"], "who": target["who"]})
    hits = [h for h in steering(text) if h[0] == "payment" or kind == "chat" or market]
    if not hits or kind == "checkout" and all(h[0] == "payment" for h in hits):
        return None
    payment = any(h[0] == "payment" for h in hits)
    words = [h[1] for h in hits]
    return anomaly(
        "offplatform_payment", "danger" if payment else "warning",
        "二维码内容引导到平台外付款或联系（" + "、".join(words) + "）：平台外付款不受平台保障。",
        "The QR code's content steers payment or contact off the platform (" + ", ".join(words)
        + "); payment outside the platform is not covered by its protection.",
        {"matched": words})
