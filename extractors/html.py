"""Parsing and reading HTML: the lxml tree, visible text, meta tags, sentences."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "select"}
BLOCK = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "br",
    "section", "article", "header", "footer", "table", "dt", "dd", "dl", "aside", "nav",
    "main", "form", "button", "label", "option", "blockquote", "pre", "hr", "figcaption",
}
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n|(?<=[a-z0-9)][.!?])\s+(?=[A-Z0-9#\"'])")
_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def parse(text: str) -> lxml.html.HtmlElement:
    """A tolerant lxml tree; never raises on malformed markup."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


def tag_of(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def clean(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def element_text(el: etree._Element) -> str:
    """Visible text of one element (scripts and styles skipped), whitespace collapsed."""
    return clean("".join(_walk(el)).replace("\n", " "))


def _walk(root: etree._Element) -> list[str]:
    parts: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = tag_of(el)
        if event == "start":
            if not tag or tag in SKIP:
                walker.skip_subtree()
                continue
            if tag in BLOCK:
                parts.append("\n")
            if el.text:
                parts.append(el.text)
        else:
            if tag in BLOCK:
                parts.append("\n")
            if el.tail and el is not root:
                parts.append(el.tail)
    return parts


def visible_lines(root: etree._Element) -> list[str]:
    """Visible text as lines, one per block element, empty lines dropped."""
    body = root.find("body")
    lines = "".join(_walk(body if body is not None else root)).split("\n")
    return [line for line in (clean(x) for x in lines) if line]


def sentences(text: str) -> list[str]:
    """Split into sentences at Chinese and English sentence ends."""
    return [s for s in (clean(x) for x in _SENTENCE_END.split(text)) if s]


def meta(root: etree._Element, *names: str) -> str | None:
    """First non-empty ``<meta name|property|itemprop=...>`` content among ``names``."""
    for name in names:
        for attr in ("property", "name", "itemprop"):
            for el in root.iter("meta"):
                if (el.get(attr) or "").lower() == name and clean(el.get("content")):
                    return clean(el.get("content"))
    return None


def page_lang(root: etree._Element) -> str | None:
    lang = root.get("lang") or root.get("xml:lang") or meta(root, "content-language")
    return lang.strip() if lang else None
