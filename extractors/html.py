"""Parsing and reading HTML: the lxml tree, visible text, meta tags, sentences.

Comments and processing instructions are not elements: they are never visited as such,
their own text is never read, and the text after them (their ``tail``) is read in its
place, so ``$<!-- -->12.99`` reads as ``$12.99`` as a browser shows it.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import accumulate
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
# Runs of spaces (not newlines) that are not already one plain space: what clean() turns
# into one space (a lone " " matches nothing, so English text is not rewritten word by word).
_WS = re.compile(r"[\t\r\f\v\u00a0\u3000][ \t\r\f\v\u00a0\u3000]*| [ \t\r\f\v\u00a0\u3000]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def strip_xml_declaration(text: str) -> str:
    return _XML_DECL.sub("", text, count=1)


#: Every element of a parsed page is a plain ``HtmlElement``. lxml.html picks a class per
#: tag (forms, inputs...) in Python each time Python first touches an element, which
#: doubles the cost of every walk; nothing here uses those classes' extra methods.
_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity)


def html_parser(**options: Any) -> lxml.html.HTMLParser:
    parser = lxml.html.HTMLParser(**options)
    parser.set_element_class_lookup(_CLASSES)
    return parser


def _empty() -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring("<html><body></body></html>", parser=html_parser())


class _CappedBuilder:
    """A parser target building an lxml.html tree that stops nesting at ``MAX_DEPTH``."""

    def __init__(self) -> None:
        self._builder = etree.TreeBuilder(parser=html_parser())
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
    # ASCII text is handed over as bytes: libxml2 reads them as they are, where a str is
    # converted first (a quarter of the parse of a 2 MB page); the tree is the same.
    ascii_text = text.isascii()
    parser = html_parser(encoding="utf-8") if ascii_text else html_parser()
    try:
        tree = lxml.html.document_fromstring(text.encode("ascii") if ascii_text else text,
                                             parser=parser)
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
    return clean("".join(walk_text(el)).replace("\n", " "))


def short_text(el: Any, limit: int) -> str | None:
    """:func:`element_text` when it is at most ``limit`` characters, else None.

    Stops reading as soon as the text is too long (or the subtree too big), so that asking
    "is this a short label?" of a huge container costs little.
    """
    if not is_element(el):
        return ""
    parts = walk_text(el, limit)
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


def walk_text(root: etree._Element, limit: int | None = None, *,
          mark: Callable[[Any, str, str, list[str]], str] | None = None,
          flat: bool = False) -> list[str] | None:
    """Text pieces of ``root`` in order, block elements as newlines.

    With ``limit``, None as soon as far more raw text than ``limit`` characters (or a
    subtree far too big for that much text) was seen. ``mark(element, tag, text, parts)``
    may add a piece before an element's own text (the price reader's decimal mark before
    cents); ``flat`` turns newlines inside text into spaces, so that only blocks break lines.
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
            if mark is not None and text and el is not root:
                piece = mark(el, tag, text, parts)
                if piece:
                    parts.append(piece)
        elif event == "end":
            if tag in BLOCK:
                parts.append("\n")
            text = el.tail if el is not root else None
        else:  # a comment's own text is never shown; what follows it is
            text = el.tail
        if text:
            parts.append(text.replace("\n", " ") if flat else text)
            size += len(text)
    return parts


def _text_stylesheet() -> etree.XSLT:
    """What :func:`walk_text` reads of the page's body (else of its root), as XSLT: libxslt
    walks the tree in C, ten times quicker than Python visiting each element."""
    skip = " | ".join(sorted(SKIP))
    block = " | ".join(sorted(BLOCK))
    return etree.XSLT(etree.XML(f"""\
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="/"><xsl:choose>
  <xsl:when test="/*[1]/body"><xsl:apply-templates select="/*[1]/body[1]"/></xsl:when>
  <xsl:otherwise><xsl:apply-templates select="/*[1]"/></xsl:otherwise>
</xsl:choose></xsl:template>
<xsl:template match="{skip}"/>
<xsl:template match="{block}"><xsl:text>&#10;</xsl:text><xsl:apply-templates/>\
<xsl:text>&#10;</xsl:text></xsl:template>
<xsl:template match="comment() | processing-instruction()"/>
</xsl:stylesheet>"""))


_PAGE_TEXT = _text_stylesheet()


def _page_text(root: etree._Element) -> str:
    """The text :func:`walk_text` gives of ``root``'s body (or of ``root``), block elements
    as newlines; by XSLT when ``root`` is a document's root, in Python otherwise."""
    body = root.find("body")
    if root.getroottree().getroot() is root:  # (HTML parsers give names in lower case)
        try:
            return str(_PAGE_TEXT(root.getroottree()))
        except (etree.XSLTError, ValueError):  # a libxslt limit: read it in Python
            pass
    return "".join(walk_text(body if body is not None else root) or [])


def visible_lines(root: etree._Element) -> list[str]:
    """Visible text as lines, one per block element, empty lines dropped (each line as
    :func:`clean` gives it: the runs of spaces, which hold no newline, are collapsed over
    the whole text at once)."""
    return [line for line in map(str.strip, _WS.sub(" ", _page_text(root)).split("\n"))
            if line]


# Letters that re.I and str.lower() read differently (İ lower-cases to two characters;
# re.I takes ı for i and ſ for s): text holding one is searched with re.I itself.
_CASE_ODD = ("\u0130", "\u0131", "\u017f")


def first_line(lines: list[str], pattern: re.Pattern[str], *, max_len: int,
               unless: re.Pattern[str] | None = None) -> tuple[str, str] | None:
    """``(line, match)``: the first line of at most ``max_len`` characters that
    ``pattern`` matches (and ``unless`` does not), or None.

    The lines are searched as one text (``pattern`` must not match across a line
    break), and a case-insensitive pattern whose letters are lower case as its
    case-sensitive self over the lower-cased text: Python's ``re`` tries a ``re.I``
    alternation at every character, several times slower.
    """
    kept = [line for line in lines if len(line) <= max_len]
    text = "\n".join(kept)
    search = pattern
    if pattern.flags & re.I and _lower_case(pattern) and \
            (text.isascii() or not any(c in text for c in _CASE_ODD)):
        search, text = _case_sensitive(pattern), text.lower()
    starts: list[int] | None = None
    at = 0
    while True:
        m = search.search(text, at)
        if m is None:
            return None
        if starts is None:
            starts = list(accumulate((len(x) + 1 for x in kept), initial=0))
        n = bisect_right(starts, m.start()) - 1
        line = kept[n]
        if unless is None or not unless.search(line):
            found = line[m.start() - starts[n]:m.end() - starts[n]]
            return line, found
        at = starts[n + 1]


def _lower_case(pattern: re.Pattern[str]) -> bool:
    bare = _ESCAPES.sub("", pattern.pattern)
    return bare == bare.lower()


@lru_cache(maxsize=64)
def _case_sensitive(pattern: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(pattern.pattern, pattern.flags & ~re.I)


_ATTR_VALUES = {name: etree.XPath(f"descendant-or-self::*/@{name}", smart_strings=False)
                for name in ("class", "id", "style")}
_ESCAPES = re.compile(r"\\.")


class AttrMatch:
    """Elements, in document order, whose ``class``, ``id`` or ``style`` holds a match of
    ``pattern`` (a regex that matches no NUL: it reads one value at a time).

    An XPath with ``translate()`` over every element of a 2 MB page costs tens of
    milliseconds; here the attribute values are read in C, the regex runs over them once,
    and only when it matches does an XPath look for the values holding what it matched.
    """

    def __init__(self, pattern: re.Pattern[str], hints: tuple[str, ...] = ()) -> None:
        self.pattern = pattern
        # For ASCII text, re.I over the text is the case-sensitive regex over its lower case
        # when the pattern's own letters are lower case (much quicker in Python's re).
        self._lower = _case_sensitive(pattern) \
            if pattern.flags & re.I and _lower_case(pattern) else None
        #: lower-case strings one of which every match holds: only the values holding
        #: one are searched (when the text is read in lower case)
        self.hints = hints
        self._last: tuple[dict[str, str], tuple[Any, ...], int] | None = None

    def __call__(self, root: etree._Element) -> list[etree._Element]:
        wanted, values = self._wanted(attr_texts(root))  # (a match outside root: no hit)
        if not wanted:
            return []
        xpath = _holding(wanted, values > 300)
        if xpath is not None:
            return xpath(root)
        return [el for el in root.iter() if isinstance(el.tag, str) and any(
            self.pattern.search(el.get(name) or "") for name in _ATTR_VALUES)]

    def _wanted(self, texts: dict[str, str]) -> tuple[tuple[Any, ...], int]:
        """``((attribute, what matched...)...)`` and how many values matched (at most),
        kept for the document (an element inside it asks again)."""
        last = self._last
        if last is not None and last[0] is texts:
            return last[1], last[2]
        wanted = []
        values = 0
        for name, text in texts.items():
            if self._lower is not None and (text.isascii() or
                                            not any(c in text for c in _CASE_ODD)):
                spans = self._spans(self._lower, text.lower())
            else:
                spans = [m.span() for m in self.pattern.finditer(text)]
            if spans:
                wanted.append((name, tuple(sorted({text[a:b] for a, b in spans}))))
                values += len(spans)
        self._last = (texts, tuple(wanted), values)
        return tuple(wanted), values

    def _spans(self, pattern: re.Pattern[str], low: str) -> list[tuple[int, int]]:
        """Where ``pattern`` matches in ``low``: in the values holding a hint when there
        are a few hundred of those, else over the whole text."""
        if not self.hints or sum(low.count(h) for h in self.hints) > 400:
            return [m.span() for m in pattern.finditer(low)]
        found: set[tuple[int, int]] = set()
        for hint in self.hints:
            at = low.find(hint)
            while at >= 0:
                start = low.rfind("\x00", 0, at) + 1
                end = low.find("\x00", at)
                end = len(low) if end < 0 else end
                if (start, end) not in found:
                    found.add((start, end))
                at = low.find(hint, at + 1)
        return [m.span() for start, end in found for m in pattern.finditer(low, start, end)]


_LAST_TEXTS: tuple[Any, dict[str, str]] | None = None


def attr_texts(el: etree._Element) -> dict[str, str]:
    """The ``class``, ``id`` and ``style`` values of ``el``'s whole document, each
    attribute's in document order joined by NUL (which a parsed page never holds). The
    last document's are kept: the title, the seller and the site profile all read them."""
    global _LAST_TEXTS
    root = el.getroottree().getroot()
    last = _LAST_TEXTS
    if last is not None and last[0]() is root:
        return last[1]
    texts = {name: "\x00".join(values(root)) for name, values in _ATTR_VALUES.items()}
    _LAST_TEXTS = (weakref.ref(root), texts)
    return texts


@lru_cache(maxsize=256)
def _holding(wanted: tuple[tuple[str, tuple[str, ...]], ...], many: bool
             ) -> etree.XPath | None:
    """XPath for elements whose named attribute contains one of the strings; None when
    there are too many strings, or one that an XPath literal cannot hold. ``many``: many
    elements will match (then every element is tested: libxml2 takes time quadratic in
    their number to go from many attributes up to their elements)."""
    if sum(len(texts) for _, texts in wanted) > 40 or \
            any("'" in t and '"' in t for _, texts in wanted for t in texts):
        return None
    tests = []
    for name, texts in wanted:
        inner = " or ".join("contains(., %s)" % (f"'{t}'" if "'" not in t else f'"{t}"')
                            for t in texts)
        tests.append((name, inner))
    if many:
        return etree.XPath("descendant-or-self::*[" + " or ".join(
            f"@{name}[{inner}]" for name, inner in tests) + "]")
    # The attributes, then their elements: libxml2 tests attribute nodes about twice as
    # quickly as it tests every element for an attribute.
    return etree.XPath("(" + " | ".join(f"descendant-or-self::*/@{name}[{inner}]"
                                        for name, inner in tests) + ")/..")


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
    metas = list(root.iter("meta"))  # one walk of the tree, then the few metas
    for name in names:
        for attr in ("property", "name", "itemprop"):
            for el in metas:
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
