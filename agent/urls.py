"""Checking the URLs a user asks us to capture, and finding the link in what they paste.

Users paste marketplace share messages, not URLs: ``【淘宝】https://m.tb.cn/h.5Xyz?tk=AbCd
「无线蓝牙耳机」点击链接直接打开``, ``Check out this item on eBay! https://ebay.us/xyz``. The first
http(s) link in such a text is the page; the whole text is kept with the capture.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from agent.errors import UsageError

WEB_SCHEMES = {"http", "https"}

_LINK_START = re.compile(r"https?://", re.IGNORECASE)
# ASCII that never belongs to a link in running text (RFC 3986 leaves them out too)
_ASCII_STOP = frozenset(' \t\r\n\v\f<>"\'`{}|\\^')
# a link's trailing ASCII punctuation is the sentence's, not the link's
_TRAILING = ".,;:!?*"
_CLOSERS = {")": "(", "]": "["}
# an argument that means to be an address rather than words: a scheme with "//", a scheme
# that never has one, or a bare host name (shop.example/item/1)
_ADDRESS = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://|(?:javascript|data|file|about|mailto|blob|view-source):)"
    r"|^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?$",
    re.IGNORECASE)
# Taobao's app-only share code (淘口令): ￥AbCd1234￥, €AbCd1234€, (AbCd1234) …, no link
_TKL_MARKS = "￥¥€$£₤₳₴¢₰₵₲₪₹₸₭₮₱₣₦₩₫"
_TAOBAO_PASSWORD = re.compile(
    rf"([{re.escape(_TKL_MARKS)}])([A-Za-z0-9]{{8,14}})\1"
    r"|[(（]((?=[A-Za-z0-9]*[A-Za-z])(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{8,14})[)）]")


@dataclass(frozen=True)
class Pasted:
    """One page a user asked for: its URL, and the share message it came in (None when the
    user gave the URL alone)."""

    url: str
    shared_text: str | None = None


def check_url(url: str, *, allow_file: bool = False) -> str:
    """Return the URL to load, or raise UsageError saying why it cannot be captured."""
    raw = url.strip()
    if not raw or any(c.isspace() for c in raw):
        raise UsageError(f"not a URL: {url!r}")
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if not scheme:
        raise UsageError(f"not a URL (no http:// or https://): {url!r}")
    if scheme == "file":
        if not allow_file:
            raise UsageError(f"refusing file:// URL {url!r}; pass --allow-file to capture local files")
        if not Path(parts.path).is_file():
            raise UsageError(f"no such file: {parts.path}")
        return raw
    if scheme not in WEB_SCHEMES:
        raise UsageError(f"unsupported URL scheme {scheme!r} in {url!r}; only http and https")
    if not parts.hostname:
        raise UsageError(f"not a URL (no host): {url!r}")
    try:
        _ = parts.port  # raises on a port that is not a number in range
    except ValueError:
        raise UsageError(f"not a URL (bad port): {url!r}") from None
    return raw


def _ends_link(c: str) -> bool:
    """Whitespace, quotes and brackets end a link; so does any non-ASCII punctuation, symbol
    or space (「」【】，。、“”…、full-width space, emoji), while non-ASCII letters do not
    (https://例子.中国/商品, https://zh.wikipedia.org/wiki/淘宝)."""
    if c in _ASCII_STOP or c.isspace():
        return True
    return ord(c) > 0x7F and unicodedata.category(c)[0] in "PSZC"


def find_link(text: str) -> str | None:
    """The first http(s) link in ``text``, without the punctuation around it, or None."""
    for start in _LINK_START.finditer(text):
        end = start.end()
        while end < len(text) and not _ends_link(text[end]):
            end += 1
        link = _trim(text[start.start():end])
        if len(link) > start.end() - start.start():
            return link
    return None


def _trim(link: str) -> str:
    """Without the sentence's punctuation after it: ``https://a.co/x.`` and the ``)`` of
    ``(see https://a.co/x)``, but a ``)`` the link opened stays (``/wiki/A_(b)``)."""
    while link:
        last = link[-1]
        if last in _TRAILING or (last in _CLOSERS and link.count(last) > link.count(_CLOSERS[last])):
            link = link[:-1]
        else:
            break
    return link


def taobao_password(text: str) -> str | None:
    """The 淘口令 in ``text`` (``￥AbCd1234￥``, ``(AbCd1234)``…), or None."""
    m = _TAOBAO_PASSWORD.search(text)
    return m[0] if m else None


def _is_address(text: str) -> bool:
    return bool(text) and not any(c.isspace() for c in text) and bool(_ADDRESS.match(text))


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def read_share(text: str, *, allow_file: bool = False) -> Pasted:
    """What one pasted text asks for: a URL alone, or a share message (its first link).

    Raises UsageError: a text with no link (saying so for a 淘口令, which only the Taobao
    app opens), a bad URL."""
    raw = text.strip()
    link = find_link(raw)
    if link is None and _is_address(raw):
        return Pasted(check_url(raw, allow_file=allow_file))
    if link is None:
        code = taobao_password(raw)
        if code is not None:
            raise UsageError(f"{code} is a Taobao share code (淘口令) with no link: it opens only in "
                             "the Taobao app; there, share the item with 复制链接 and paste that link")
        raise UsageError(f"not a URL, and no http(s) link in it: {_short(raw)!r}")
    url = check_url(link)
    return Pasted(url, None if raw == link else raw)


def read_targets(args: Sequence[str], *, allow_file: bool = False) -> tuple[list[Pasted], list[str]]:
    """The pages a command line asks for, and one error line for each argument that fails.

    A share message pasted without quotes arrives as several arguments. So an argument
    with no link and that is not an address (``shop.example/x``, ``ftp://…``) is a word
    of the share message of the nearest argument with a link before it (or, before the
    first link, after it); the words are joined with single spaces in ``shared_text``.
    """
    kinds: list[str] = []
    for arg in args:
        raw = arg.strip()
        if find_link(raw) is not None:
            kinds.append("link")
        elif _is_address(raw):
            kinds.append("address")
        else:
            kinds.append("words")
    links = [i for i, k in enumerate(kinds) if k == "link"]
    owner: dict[int, list[int]] = {i: [i] for i, k in enumerate(kinds) if k != "words"}
    lone: list[int] = []  # words with no link to belong to
    for i, k in enumerate(kinds):
        if k != "words":
            continue
        if links:
            before = [j for j in links if j < i]
            owner[before[-1] if before else links[0]].append(i)
        else:
            lone.append(i)
    out: list[Pasted] = []
    errors: list[str] = []
    for i in sorted(owner):
        try:
            out.append(read_share(" ".join(args[j] for j in sorted(owner[i])), allow_file=allow_file))
        except UsageError as exc:
            errors.append(str(exc))
    if lone:
        try:
            read_share(" ".join(args[j] for j in lone))
        except UsageError as exc:
            errors.append(str(exc))
    return out, errors
