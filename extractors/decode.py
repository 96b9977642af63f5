"""Bytes to text the way a browser would: BOM, HTTP charset, ``<meta charset>``, detection.

GB2312/GBK declarations are decoded as GB18030 (its superset), as browsers do. A declared
charset counts only when it names a text encoding a browser knows (``charset=x-foo``,
``base64`` or ``rot13`` are ignored), and not when the bytes are plainly UTF-8 while it
says otherwise. Detection tries strict UTF-8, then strict GB18030 (most undeclared
non-UTF-8 pages this project sees are Chinese), then ``charset_normalizer`` when it is
installed. NUL characters are dropped (browsers ignore them in text) and lone surrogates
in ``str`` input become U+FFFD, so that no parser downstream chokes on them.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
    to_unicode,
)

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
# The encodings of the WHATWG Encoding Standard (what browsers decode), as Python codecs,
# plus the names w3lib translates labels to.
_BROWSER_CODECS = frozenset(codecs.lookup(name).name for name in (
    "utf-8", "cp866", "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-6",
    "iso8859-7", "iso8859-8", "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15",
    "iso8859-16", "koi8-r", "koi8-u", "mac-roman", "cp874", "cp1250", "cp1251", "cp1252",
    "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "mac-cyrillic", "gbk",
    "gb18030", "gb2312", "big5", "big5hkscs", "euc-jp", "iso2022-jp", "shift-jis", "cp932",
    "euc-kr", "cp949", "utf-16-be", "utf-16-le", "utf-16", "latin-1", "ascii", "iso8859-9",
    "iso8859-11", "tis-620",
))
_UTF16 = frozenset(codecs.lookup(n).name for n in ("utf-16", "utf-16-be", "utf-16-le"))
_UTF8 = codecs.lookup("utf-8").name
# Lead bytes of multi-byte UTF-8 sequences, each with its continuation bytes.
_UTF8_MULTI = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    try:
        best = from_bytes(data[:200_000]).best()
    except Exception:  # a detector's own failure is no reason to lose the page
        return None
    return best.encoding if best is not None and _usable(best.encoding) else None


def _controls(values: list[int]) -> int:
    return sum(1 for b in values if b < 9 or 13 < b < 32)


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` for BOM-less UTF-16 text (every other byte NUL in ASCII runs)."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    zeros_even, zeros_odd = even.count(0), odd.count(0)
    if zeros_odd >= 0.4 * len(odd) and zeros_even <= 0.05 * len(even):
        return "utf-16-le"
    if zeros_even >= 0.4 * len(even) and zeros_odd <= 0.05 * len(odd):
        return "utf-16-be"
    return None


def sniff_binary(data: bytes) -> str | None:
    """Say what the bytes are when they are clearly not a text document.

    A few NUL or control bytes in a page do not make it binary (browsers show the rest);
    more than 5% of the first 4 KB do.
    """
    head = data[:4096]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head.startswith(_BOMS) or _utf16_without_bom(head):
        return None
    if _controls(list(head)) > len(head) * 0.05:
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


def _usable(enc: str | None) -> bool:
    """A text encoding a browser knows (not ``base64``, ``rot13``, ``idna``, ``x-foo``)."""
    if not enc:
        return False
    try:
        return codecs.lookup(enc).name in _BROWSER_CODECS
    except (LookupError, ValueError, TypeError):
        return False


def _name(enc: str) -> str:
    try:
        return codecs.lookup(enc).name
    except (LookupError, ValueError):
        return enc


def _decode(data: bytes, enc: str) -> str | None:
    try:
        return to_unicode(data, enc)
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None


def _declared(data: bytes, content_type: str | None, warnings: list[str]) -> str | None:
    """The charset the HTTP header or the page declares, when a browser would use it."""
    sources = (("HTTP", lambda: http_content_type_encoding(content_type)),
               ("page", lambda: html_body_declared_encoding(data[:16384])))
    for where, read in sources:
        try:
            enc = read()
        except Exception:  # w3lib's parsing of a hostile header or meta tag
            enc = None
        if not enc:
            continue
        if not _usable(enc):
            warnings.append(f"{where} charset {enc!r} is not a text encoding browsers know; "
                            "ignored")
            continue
        if where == "page" and _name(enc) in _UTF16:
            return _UTF8  # a <meta> readable as ASCII cannot be UTF-16 (HTML standard)
        return enc
    return None


def _plainly_utf8(data: bytes) -> bool:
    """Valid UTF-8 with at least two multi-byte characters: almost never anything else."""
    found = _UTF8_MULTI.finditer(data[:200_000])
    if next(found, None) is None or next(found, None) is None:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _scrub(text: str, surrogates: bool = True) -> str:
    """Drop NULs and replace lone surrogates: parsers truncate or raise on them.

    ``surrogates=False`` for text a codec decoded from bytes (with ``errors="replace"``):
    no codec gives a lone surrogate, so the text is not searched for one.
    """
    if "\x00" in text:
        text = text.replace("\x00", "")
    if surrogates and not text.isascii() and _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text


def decode_html(data: bytes | str, content_type: str | None = None) -> Decoded:
    """Decode a page; raise :class:`ExtractError` when it is empty or binary."""
    if isinstance(data, str):
        if not data.strip():
            raise ExtractError("empty input: nothing to extract")
        head = data[:4096]
        if _controls([ord(c) for c in head]) > len(head) * 0.05:
            raise ExtractError("input looks like binary data, not an HTML page")
        return _check_mojibake(Decoded(_scrub(data), None))
    if not data.strip():
        raise ExtractError("empty input: nothing to extract")
    what = sniff_binary(data)
    if what:
        raise ExtractError(f"input is {what}, not an HTML page")
    return _check_mojibake(_from_bytes(data, content_type))


def _from_bytes(data: bytes, content_type: str | None) -> Decoded:
    warnings: list[str] = []
    bom_enc, bom = read_bom(data)
    if bom_enc is not None and bom is not None:
        text = _decode(data[len(bom):], bom_enc)
        if text is not None:
            return Decoded(_scrub(text, surrogates=False), _name(bom_enc))
    header = f"text/html; charset={content_type}" if content_type and "/" not in content_type \
        else content_type
    enc = _declared(data, header, warnings)
    if enc is None:
        enc = _utf16_without_bom(data[:4096]) or _detect(data) or "utf-8"
    elif _name(enc) != _UTF8 and _plainly_utf8(data):
        warnings.append(f"declared encoding {enc} does not fit the bytes (they are UTF-8); "
                        "decoded as utf-8")
        enc = "utf-8"
    text = _decode(data, enc)
    if text is None:
        warnings.append(f"bytes could not be decoded as {enc}; decoded as utf-8")
        enc = "utf-8"
        text = data.decode("utf-8", errors="replace")
    out = Decoded(text, _name(enc), warnings)
    bad = _bad(text)
    if bad > max(3, len(text) // 1000):
        guess = _detect(data)
        if guess and resolve_encoding(guess) != resolve_encoding(enc):
            alt = _decode(data, guess)
            if alt is not None and _bad(alt) < bad:
                out = Decoded(alt, _name(guess), warnings)
                out.warnings.append(
                    f"declared encoding {enc} does not fit the bytes; decoded as {out.encoding}")
                bad = _bad(alt)
    if bad:
        out.warnings.append(f"{bad} undecodable byte sequence(s) replaced (U+FFFD)")
    out.text = _scrub(out.text, surrogates=False)
    return out


def _check_mojibake(out: Decoded) -> Decoded:
    head = out.text[:500_000]
    if head.isascii() or not any(c in head for c in "äåæçèé"):  # (the lead bytes' letters)
        return out
    hits = len(_MOJIBAKE.findall(head))
    if hits >= 3:
        fixed = repair_mojibake(out.text)
        if fixed is not None:
            out.text = fixed
            out.warnings.append("text was mojibake (UTF-8 read as Latin-1); repaired")
        else:
            out.warnings.append(f"text looks like mojibake ({hits} suspicious sequences)")
    return out
