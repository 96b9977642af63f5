"""The page's text as one string with one numbering, and short texts of elements.

:class:`PageText`: every text node of the page in document order (``//text()``, gathered
in C as plain strings), joined by newlines so that no word or number runs into the next
node's; an offset in it is a position on the page, the same numbering for the title and
for every price (:mod:`extractors.shown_prices`). :func:`read_text`: the visible text of a
small element, cents in their own element joined to their amount.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from lxml import etree

from .html import clean, is_element, walk_text

_LONG = 300  # a longer text node is prose or a script: no price of the product is read there
_TEXT_NODES = etree.XPath("//text()", smart_strings=False)
_COUNT_BEFORE = etree.XPath("count(preceding::text())")
_COUNT_INSIDE = etree.XPath("count(descendant::text())")
_CENTS_CLASS = re.compile(r"fraction|cents?\b|decimal|price-?small|small-?price|price-?dec", re.I)
_TWO_DIGITS = re.compile(r"\s*[.,]?\d{2}\s*")
_HAS_CENTS = re.compile(r"[.,]\d{1,2}\s*$")


class PageText:
    """The page's text nodes in document order, joined by newlines (so that no word or
    number runs into the next node's): one numbering for every position.

    The text is gathered as plain strings (element objects for 10,000 text nodes would
    cost more than all the rest). The element holding a visited position is found from
    the title (``following::text()[n]``, which libxml2 walks only n steps), so a visit
    near the title costs next to nothing.
    """

    def __init__(self, tree: etree._Element, anchor: etree._Element | None) -> None:
        self.tree = tree
        parts = [s if len(s) <= _LONG else "" for s in _TEXT_NODES(tree)]
        self.ends = list(accumulate(len(s) + 1 for s in parts))
        self.text = "\n".join(parts) + "\n"
        self.anchor_el = anchor
        self.first = int(_COUNT_BEFORE(anchor)) if anchor is not None else 0
        self.inside = int(_COUNT_INSIDE(anchor)) if anchor is not None else 0

    def offset(self, index: int) -> int:
        """Offset of the text node ``index`` (the end of the text past the last one)."""
        return self.ends[index - 1] if 0 < index <= len(self.ends) else (
            0 if index <= 0 else len(self.text))

    def anchor(self) -> int:
        """Offset of the title's text, or of the body's when there is no title."""
        if self.anchor_el is not None:
            return self.offset(self.first)
        body = self.tree.find("body")
        return self.offset(int(_COUNT_BEFORE(body))) if body is not None else 0

    def span(self, el: etree._Element) -> tuple[int, int]:
        before = int(_COUNT_BEFORE(el))
        return self.offset(before), self.offset(before + int(_COUNT_INSIDE(el)))

    def element_at(self, pos: int) -> etree._Element | None:
        """The element whose text holds ``pos`` (a tail belongs to its parent)."""
        i = bisect_right(self.ends, pos)
        if i >= len(self.ends):
            return None
        anchor = self.anchor_el
        if anchor is None:
            found = self.tree.xpath(f"/descendant::text()[{i + 1}]")
        elif i < self.first:
            found = anchor.xpath(f"preceding::text()[{self.first - i}]")
        elif i < self.first + self.inside:
            found = anchor.xpath(f"descendant::text()[{i - self.first + 1}]")
        else:
            found = anchor.xpath(f"following::text()[{i - self.first - self.inside + 1}]")
        if not found:
            return None
        node = found[0]
        holder = node.getparent()
        if holder is not None and node.is_tail:
            holder = holder.getparent()
        return holder if is_element(holder) else None


def read_text(root: etree._Element, limit: int) -> str | None:
    """Visible text of ``root`` with block elements as newlines, or None when longer than
    ``limit``. Cents in their own element after a whole amount get their decimal mark:
    ``$129<sup>99</sup>`` reads ``$129.99``."""
    parts = walk_text(root, limit, mark=_mark_cents, flat=True)
    if parts is None:
        return None
    lines = (clean(x) for x in "".join(parts).split("\n"))
    text = "\n".join(x for x in lines if x)
    return text if len(text) <= limit else None


def _mark_cents(el: etree._Element, tag: str, text: str, parts: list[str]) -> str:
    return _cents_mark(parts) if _is_cents(el, tag, text) else ""


def _is_cents(el: etree._Element, tag: str, text: str) -> bool:
    return bool(_TWO_DIGITS.fullmatch(text)) and (
        tag == "sup" or bool(_CENTS_CLASS.search(classes(el))))


def _cents_mark(parts: list[str]) -> str:
    """"." (or "," after a dot-grouped whole) when the text so far ends with a whole
    amount; nothing when it already has cents or a decimal mark."""
    before = "".join(parts[-4:]).rstrip()
    if not before or not before[-1].isdigit() or _HAS_CENTS.search(before):
        return ""
    run = re.search(r"[\d.,]*$", before).group(0)  # type: ignore[union-attr]
    return "," if "." in run else "."


def classes(el: etree._Element) -> str:
    """Class and id, with ``_`` read as ``-`` (``price_old`` is ``price-old``)."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".replace("_", "-")
