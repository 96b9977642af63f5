"""Parsing and reading HTML: the lxml tree, visible text, meta tags, sentences.

Comments and processing instructions are not elements: they are never visited as such,
their own text is never read, and the text after them (their ``tail``) is read in its
place, so ``$<!-- -->12.99`` reads as ``$12.99`` as a browser shows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml import etree

SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "select"}
BLOCK = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "br",
    "section", "article", "header", "footer", "table", "dt", "dd", "dl", "aside", "nav",
    "main", "form", "button", "label", "option", "blockquote", "pre", "hr", "figcaption",
}
#: Elements nested deeper than this are read as text of the element at this depth
#: (browsers flatten too: Chromium stops nesting at 512).
MAX_DEPTH = 512
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n|(?<=[a-z0-9)][.!?])\s+(?=[A-Z0-9#\"'])")
_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def strip_xml_declaration(text: str) -> str:
    return _XML_DECL.sub("", text, count=1)


def _empty() -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring("<html><body></body></html>")


class _CappedBuilder:
    """A parser target building an lxml.html tree that stops nesting at ``MAX_DEPTH``."""

    def __init__(self) -> None:
        self._builder = etree.TreeBuilder(parser=lxml.html.HTMLParser())
        self._depth = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._depth += 1
        if self._depth <= MAX_DEPTH:
            self._builder.start(tag, attrib)

    def end(self, tag: str) -> None:
        if self._depth <= MAX_DEPTH:
            self._builder.end(tag)
        self._depth = max(0, self._depth - 1)

    def data(self, data: str) -> None:
        self._builder.data(data)

    def comment(self, text: str) -> None:
        if self._depth < MAX_DEPTH:
            self._builder.comment(text)

    def close(self) -> Any:
        return self._builder.close()


def _parse_capped(text: str) -> lxml.html.HtmlElement:
    parser = etree.HTMLParser(target=_CappedBuilder(), huge_tree=True)
    root = etree.fromstring(text, parser)
    if not isinstance(root, lxml.html.HtmlElement) or tag_of(root) != "html":
        return _empty()
    return root


def parse_page(text: str) -> tuple[lxml.html.HtmlElement, list[str]]:
    """A tolerant lxml tree and warnings; never raises on malformed markup.

    libxml2 gives up (and silently drops the rest of the page) on a text node over
    10 MB or nesting deeper than 256; such pages are parsed again through a target that
    takes large text and flattens what is nested deeper than :data:`MAX_DEPTH`.
    """
    text = strip_xml_declaration(text)
    if not text.strip():
        return _empty(), []
    parser = lxml.html.HTMLParser()
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        # "Document is empty": only comments, or a text too big for libxml2's default limits
        try:
            return _parse_capped(text), [f"HTML parser gave up ({exc}); read again"]
        except Exception:
            return _empty(), [f"no HTML elements in the page ({exc}); read as empty"]
    last = parser.error_log.last_error
    if last is None or last.level < etree.ErrorLevels.FATAL:
        return tree, []
    try:
        flat = _parse_capped(text)
    except Exception as exc:  # the fallback must not lose the partial tree we have
        return tree, [f"HTML parser stopped early ({last.message.strip()}); the page was only "
                      f"partly read ({type(exc).__name__})"]
    return flat, [f"HTML parser stopped early ({last.message.strip()}); read again with "
                  f"elements nested deeper than {MAX_DEPTH} flattened"]


def parse(text: str) -> lxml.html.HtmlElement:
    """A tolerant lxml tree; never raises on malformed markup."""
    return parse_page(text)[0]


def readable_markup(text: str) -> tuple[str, list[str]]:
    """The markup other parsers (BeautifulSoup) should read, and warnings.

    The page itself; or, when libxml2 gave up on it (see :func:`parse_page`), the tree
    read again, serialised: nested at most :data:`MAX_DEPTH` deep, so that every reader
    sees the same page (and none walks 10,000 levels once per level).
    """
    tree, notes = parse_page(text)
    if not notes:
        return text, []
    return lxml.html.tostring(tree, encoding="unicode"), notes


def is_element(node: Any) -> bool:
    """True for elements; False for comments, processing instructions and entities."""
    return isinstance(getattr(node, "tag", None), str)


def tag_of(el: Any) -> str:
    tag = getattr(el, "tag", None)
    return tag.lower() if isinstance(tag, str) else ""


def clean(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def element_text(el: Any) -> str:
    """Visible text of one element (scripts and styles skipped), whitespace collapsed.

    A comment or processing instruction has no visible text: ``""``.
    """
    if not is_element(el):
        return ""
    return clean("".join(_walk(el)).replace("\n", " "))


def short_text(el: Any, limit: int) -> str | None:
    """:func:`element_text` when it is at most ``limit`` characters, else None.

    Stops reading as soon as the text is too long (or the subtree too big), so that asking
    "is this a short label?" of a huge container costs little.
    """
    if not is_element(el):
        return ""
    parts = _walk(el, limit)
    if parts is None:
        return None
    text = clean("".join(parts).replace("\n", " "))
    return text if len(text) <= limit else None


def events(root: etree._Element) -> Iterator[tuple[str, Any, str]]:
    """``("start" | "end", element, tag)`` and ``("other", comment or PI, "")`` in
    document order; ``tag`` is lower case.

    The children of :data:`SKIP` elements (scripts, styles...) are not visited. An
    explicit stack, not ``etree.iterwalk``: its comment events take time quadratic in the
    number of sibling comments (server-rendered pages have one per text fragment).
    """
    tag = tag_of(root)
    yield "start", root, tag
    if tag in SKIP:
        yield "end", root, tag
        return
    stack = [(root, iter(root), tag)]
    while stack:
        el, children, tag = stack[-1]
        for child in children:
            ctag = child.tag
            if not isinstance(ctag, str):
                yield "other", child, ""
                continue
            ctag = ctag.lower()
            yield "start", child, ctag
            if ctag in SKIP:
                yield "end", child, ctag
                continue
            stack.append((child, iter(child), ctag))
            break
        else:
            stack.pop()
            yield "end", el, tag


def _walk(root: etree._Element, limit: int | None = None) -> list[str] | None:
    """Text pieces of ``root`` in order, block elements as newlines.

    With ``limit``, None as soon as far more raw text than ``limit`` characters (or a
    subtree far too big for that much text) was seen.
    """
    parts: list[str] = []
    size = 0
    steps = 0
    budget = -1 if limit is None else 20 * limit + 400
    most = -1 if limit is None else 8 * limit + 1000  # indentation counts too
    for event, el, tag in events(root):
        if budget >= 0:
            steps += 1
            if steps > budget or size > most:
                return None
        if event == "start":
            if tag in SKIP:
                continue
            if tag in BLOCK:
                parts.append("\n")
            text = el.text
        elif event == "end":
            if tag in BLOCK:
                parts.append("\n")
            text = el.tail if el is not root else None
        else:  # a comment's own text is never shown; what follows it is
            text = el.tail
        if text:
            parts.append(text)
            size += len(text)
    return parts


def visible_lines(root: etree._Element) -> list[str]:
    """Visible text as lines, one per block element, empty lines dropped."""
    body = root.find("body")
    lines = "".join(_walk(body if body is not None else root) or []).split("\n")
    return [line for line in (clean(x) for x in lines) if line]


def next_element(el: etree._Element) -> etree._Element | None:
    """The next sibling that is an element (comments and PIs skipped)."""
    sib = el.getnext()
    while sib is not None and not is_element(sib):
        sib = sib.getnext()
    return sib


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


def split_selector(spec: str) -> tuple[str, str | None]:
    """A profile's selector spec: ``"css"`` or ``"css @attr"`` (read the attribute instead of
    the text); ``xpath:`` selectors take the same ``@attr`` suffix. The one place this
    syntax is read."""
    spec = spec.strip()
    if " @" in spec:
        sel, attr = spec.rsplit(" @", 1)
        return sel.strip(), attr.strip() or None
    return spec, None
