"""Bytes to text the way a browser would: BOM, HTTP charset, ``<meta charset>``, detection.

GB2312/GBK declarations are decoded as GB18030 (its superset), as browsers do. Detection
tries strict UTF-8, then strict GB18030 (most undeclared non-UTF-8 pages this project
sees are Chinese), then ``charset_normalizer`` when it is installed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from w3lib.encoding import html_to_unicode, resolve_encoding

from .errors import ExtractError

_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip data"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"), (b"WARC/", "a WARC file, not a page"),
)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# UTF-8 text that was decoded as Latin-1/cp1252: lead bytes of CJK (E4-E9) then continuation.
_MOJIBAKE = re.compile("[\u00e4-\u00e9][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d"
                       "\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]{2}")


@dataclass
class Decoded:
    text: str
    encoding: str | None
    warnings: list[str] = field(default_factory=list)


def _detect(data: bytes) -> str | None:
    for enc in ("utf-8", "gb18030"):
        try:
            data.decode(enc)
        except UnicodeDecodeError:
            continue
        return enc
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: fall back to the default encoding
        return None
    best = from_bytes(data[:200_000]).best()
    return best.encoding if best is not None else None


def sniff_binary(data: bytes) -> str | None:
    """Say what the bytes are when they are clearly not a text document."""
    head = data[:4096]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head.startswith(_BOMS) or head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"):
        return None
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if b"\x00" in head or controls > len(head) * 0.05:
        return "binary data"
    return None


def _bad(text: str) -> int:
    return text.count("\ufffd")


def repair_mojibake(text: str) -> str | None:
    """Undo UTF-8-read-as-cp1252 damage when the round trip is clean; else None."""
    for enc in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(enc).decode("utf-8")
        except UnicodeError:
            continue
        return fixed
    return None


def decode_html(data: bytes | str, content_type: str | None = None) -> Decoded:
    """Decode a page; raise :class:`ExtractError` when it is empty or binary."""
    if isinstance(data, str):
        if not data.strip():
            raise ExtractError("empty input: nothing to extract")
        if "\x00" in data[:4096]:
            raise ExtractError("input looks like binary data, not an HTML page")
        return _check_mojibake(Decoded(data, None))
    if not data.strip():
        raise ExtractError("empty input: nothing to extract")
    what = sniff_binary(data)
    if what:
        raise ExtractError(f"input is {what}, not an HTML page")
    header = f"text/html; charset={content_type}" if content_type and "/" not in content_type \
        else content_type
    enc, text = html_to_unicode(header, data, default_encoding="utf-8", auto_detect_fun=_detect)
    out = Decoded(text, codecs.lookup(enc).name if _known(enc) else enc)
    bad = _bad(text)
    if bad > max(3, len(text) // 1000):
        guess = _detect(data)
        if guess and resolve_encoding(guess) != resolve_encoding(enc):
            alt = data.decode(guess, errors="replace")
            if _bad(alt) < bad:
                out = Decoded(alt, codecs.lookup(guess).name)
                out.warnings.append(
                    f"declared encoding {enc} does not fit the bytes; decoded as {out.encoding}")
                bad = _bad(alt)
        if bad:
            out.warnings.append(f"{bad} undecodable byte sequence(s) replaced (U+FFFD)")
    elif bad:
        out.warnings.append(f"{bad} undecodable byte sequence(s) replaced (U+FFFD)")
    return _check_mojibake(out)


def _known(enc: str) -> bool:
    try:
        codecs.lookup(enc)
    except LookupError:
        return False
    return True


def _check_mojibake(out: Decoded) -> Decoded:
    hits = len(_MOJIBAKE.findall(out.text[:500_000]))
    if hits >= 3:
        fixed = repair_mojibake(out.text)
        if fixed is not None:
            out.text = fixed
            out.warnings.append("text was mojibake (UTF-8 read as Latin-1); repaired")
        else:
            out.warnings.append(f"text looks like mojibake ({hits} suspicious sequences)")
    return out
