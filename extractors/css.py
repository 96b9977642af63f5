"""CSS selectors over the page's lxml tree, in C, for the site profiles.

A profile's selectors are CSS (``.p-price .price``, ``[class*=priceText]``, ``#ASIN``).
Each is translated once to XPath (cssselect) and run by libxml2; before that, a selector
whose ids, classes or attribute values do not occur in the page is skipped without
walking the tree: a profile has twenty-odd selectors, most of them fallbacks that match
nothing, and each walk of a 2 MB page costs milliseconds. Texts are read as
BeautifulSoup's ``get_text("")`` reads them (what the profiles were written against):
every string in the element except those inside script, style, template, rt and rp, with
no separator between blocks.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import Any

from cssselect import HTMLTranslator, parse
from cssselect import SelectorError as CssSelectorError
from cssselect.parser import Attrib, Class, CombinedSelector, Hash
from cssselect.xpath import ExpressionError
from lxml import etree

from .html import attr_texts, is_element, tag_of

#: Strings that ``get_text`` leaves out: those inside these elements.
_NOT_TEXT = frozenset({"script", "style", "template", "rt", "rp"})
#: Attributes BeautifulSoup reads as lists of words (joined by one space here too).
_WORD_LISTS = frozenset({"class", "rel", "rev", "accept-charset", "headers", "accesskey",
                         "dropzone"})
# Attribute values that, when a selector needs them, must appear in the markup as written
# (a value with other characters may be spelled with character references there).
_PLAIN = re.compile(r"[A-Za-z0-9_-]+")
_IDS = etree.XPath("descendant-or-self::*/@id", smart_strings=False)


@lru_cache(maxsize=512)
def compiled(selector: str) -> etree.XPath | None:
    """The selector as compiled XPath; None when cssselect cannot translate it."""
    try:
        return etree.XPath(HTMLTranslator().css_to_xpath(selector))
    except (CssSelectorError, ExpressionError, etree.XPathError, ValueError, TypeError):
        return None


Needs = tuple[tuple[tuple[str, str], ...], ...]


@lru_cache(maxsize=512)
def anchor_id(selector: str) -> str | None:
    """The id a one-alternative selector's first compound names (``#a .b``: ``a``): the
    matches are inside that element, so only its subtree needs reading."""
    try:
        parsed = parse(selector)
    except (CssSelectorError, ValueError, TypeError):
        return None
    if len(parsed) != 1 or parsed[0].pseudo_element is not None:
        return None
    node: Any = parsed[0].parsed_tree
    while isinstance(node, CombinedSelector):
        node = node.selector
    while node is not None:
        if isinstance(node, Hash):
            return node.id
        node = getattr(node, "selector", None)
    return None


@lru_cache(maxsize=512)
def needs(selector: str) -> Needs | None:
    """For each alternative of the selector list, the ``(where, text)`` pairs a match
    needs: ``("id", x)``/``("class", x)`` must be in some id/class attribute, ``("markup",
    x)`` in the page. None when the selector cannot be parsed (no skipping then)."""
    try:
        trees = [s.parsed_tree for s in parse(selector)]
    except (CssSelectorError, ValueError, TypeError):
        return None
    out = []
    for tree in trees:
        found: list[tuple[str, str]] = []
        _collect(tree, found)
        out.append(tuple(found))
    return tuple(out)


def _collect(node: Any, found: list[tuple[str, str]]) -> None:
    """What the positive parts of one parsed selector need (``:not()``, ``:is()``,
    ``:has()`` and pseudo-classes add nothing: only their base is read)."""
    while node is not None:
        if isinstance(node, CombinedSelector):
            _collect(node.subselector, found)
        elif isinstance(node, Hash):
            found.append(("id", node.id))
        elif isinstance(node, Class):
            found.append(("class", node.class_name))
        elif isinstance(node, Attrib) and node.value is not None and node.namespace is None \
                and node.operator in ("=", "~=", "|=", "^=", "$=", "*=") \
                and getattr(node, "flag", None) is None:
            value = node.value.value or ""
            name = node.attrib.lower()
            if name in ("id", "class") and value:
                found.append((name, value))
            elif _PLAIN.fullmatch(value):
                found.append(("markup", value))
        node = getattr(node, "selector", None)


_VALUE_OPS = ("=", "~=", "|=", "^=", "$=", "*=")  # an attribute test that names a value


class _Plan:
    """A selector as its first compound (an XPath test of one element, and what its class
    must hold) and the rest of its path from there (``/descendant-or-self::*/span``)."""

    def __init__(self, test: str, classes: tuple[str, ...], rest: str) -> None:
        self.classes = classes
        self.pick = etree.XPath(f"$found[{test}]")
        self.rest = etree.XPath(f"$first{rest}") if rest else None


@lru_cache(maxsize=512)
def plan(selector: str) -> _Plan | None:
    """The selector split after its first compound when that names a class (``.x``,
    ``[class*=x]``...); None when it does not, or is not one path starting with a test of
    one element (a selector list, a pseudo-element, a position test)."""
    try:
        parsed = parse(selector)
        if len(parsed) != 1 or parsed[0].pseudo_element is not None:
            return None
        translator = HTMLTranslator()
        whole = translator.css_to_xpath(selector)
        node: Any = parsed[0].parsed_tree
        while isinstance(node, CombinedSelector):
            node = node.selector
        first = translator.xpath(node)
    except (CssSelectorError, ExpressionError, ValueError, TypeError):
        return None
    classes: list[str] = []  # what the class must hold (of the compound itself, not :not's)
    while node is not None:
        if isinstance(node, Class):
            classes.append(node.class_name)
        elif isinstance(node, Attrib) and node.namespace is None and node.value is not None \
                and node.attrib.lower() == "class" and node.operator in _VALUE_OPS \
                and getattr(node, "flag", None) is None and node.value.value:
            classes.append(node.value.value)
        node = getattr(node, "selector", None)
    head = "descendant-or-self::" + str(first)
    rest = whole[len(head):]
    if not classes or first.path or not whole.startswith(head) or \
            (rest and not rest.startswith("/")) or \
            "position()" in first.condition or "last()" in first.condition:
        return None
    test = f"self::{first.element}" + (f" and ({first.condition})" if first.condition else "")
    try:
        return _Plan(test, tuple(classes), rest)
    except etree.XPathError:
        return None


_CLASSED = etree.XPath("descendant-or-self::*[@class]")

_MAX_HITS = 2000  # class values holding one name, above which a selector walks the tree
_CLASSES = etree.XPath("descendant-or-self::*/@class", smart_strings=False)


class Matcher:
    """Runs selectors on one page; results are kept per selector."""

    def __init__(self, tree: etree._Element, markup: str) -> None:
        self._tree = tree
        self._markup = markup
        self._texts: dict[str, str] = {}
        self._seen: dict[tuple[str, str], bool] = {}
        self._memo: dict[str, list[Any]] = {}
        self._classed: tuple[list[Any], str, list[int]] | None = None

    def select(self, selector: str, limit: int) -> list[Any] | None:
        """The first ``limit`` matching elements in document order; None when the
        selector is beyond cssselect (the caller reads it another way)."""
        if selector in self._memo:
            return self._memo[selector][:limit]
        xpath = compiled(selector)
        if xpath is None:
            return None
        found: Any = []
        if self._may_match(selector):
            try:
                found = self._by_class(selector)
                if found is None:
                    found = xpath(self._context(selector))
            except etree.XPathError:
                found = []
        matches = [el for el in found if is_element(el)] if isinstance(found, list) else []
        self._memo[selector] = matches
        return matches[:limit]

    def _by_class(self, selector: str) -> list[Any] | None:
        """A selector whose first compound names a class, read from the elements whose
        class holds those names (found by string search over all class values, read
        once in C) instead of by a walk testing every element; None for others."""
        how = plan(selector)
        if how is None or anchor_id(selector):
            return None
        text = self._haystack("class")
        if any(text.count(name) > _MAX_HITS for name in how.classes):
            return None  # a name in most class values: the walk is as quick
        elements, text, starts = self._class_index()
        if len(starts) != len(elements) + 1:
            return None
        held: set[int] | None = None
        for name in how.classes:
            here = set()
            at = text.find(name)
            while at >= 0:
                here.add(bisect_right(starts, at) - 1)
                at = text.find(name, at + 1)
            held = here if held is None else held & here
        first = how.pick(self._tree, found=[elements[i] for i in sorted(held or ())])
        return first if how.rest is None else how.rest(self._tree, first=first)

    def _class_index(self) -> tuple[list[Any], str, list[int]]:
        """The elements with a class, their class values joined by newlines, and where
        each value starts in that text."""
        if self._classed is None:
            elements = _CLASSED(self._tree)
            if self._tree.getroottree().getroot() is self._tree:
                text = attr_texts(self._tree)["class"]  # (shared with the generic readers)
                values = text.split("\x00") if elements else []
            else:
                values = _CLASSES(self._tree)
                text = "\x00".join(values)
            if len(elements) != len(values):  # (never: one class attribute per element)
                elements = []
            starts = list(accumulate((len(v) + 1 for v in values), initial=0))
            self._classed = (elements, text, starts)
        return self._classed

    def _context(self, selector: str) -> etree._Element:
        """Where the selector's XPath starts: the element with the id its first compound
        names when exactly one element can have that id (libxml2 keeps ids in a table:
        no walk), else the root. A duplicated id, or a tree built without the table (the
        capped re-parse), reads from the root."""
        name = anchor_id(selector)
        if not name or not self._present("id", name) or self._haystack("id").count(name) != 1:
            return self._tree
        try:
            found = self._tree.getroottree().xpath("id($name)", name=name)
        except etree.XPathError:
            return self._tree
        if len(found) == 1 and found[0].get("id") == name:
            return found[0]
        return self._tree

    def _may_match(self, selector: str) -> bool:
        alternatives = needs(selector)
        if alternatives is None:
            return True
        return any(all(self._present(where, text) for where, text in alt)
                   for alt in alternatives)

    def _present(self, where: str, text: str) -> bool:
        key = (where, text)
        if key not in self._seen:
            self._seen[key] = text in self._haystack(where)
        return self._seen[key]

    def _haystack(self, where: str) -> str:
        """The page (``markup``), or all its ``id`` / ``class`` values (joined)."""
        if where == "markup":
            return self._markup
        if where not in self._texts:
            if self._tree.getroottree().getroot() is self._tree:
                self._texts[where] = attr_texts(self._tree)[where]  # (shared, see html)
            elif where == "class":
                self._texts[where] = self._class_index()[1]
            else:
                self._texts[where] = "\x00".join(_IDS(self._tree))
        return self._texts[where]


def attr_value(el: etree._Element, name: str) -> str | None:
    """An attribute as BeautifulSoup gives it (word lists joined by one space)."""
    value = el.get(name)
    if isinstance(value, str) and name.lower() in _WORD_LISTS:
        return " ".join(value.split())
    return value


def text_of(el: etree._Element) -> str:
    """All strings in ``el`` as BeautifulSoup's ``get_text("")`` joins them."""
    parts = [el.text or ""]
    stack: list[tuple[Any, Any]] = [(iter(el), None)]  # children left, whose tail follows
    while stack:
        children, owner = stack[-1]
        for node in children:
            if is_element(node) and tag_of(node) not in _NOT_TEXT:
                if node.text:
                    parts.append(node.text)
                if len(node):
                    stack.append((iter(node), node))
                    break
            if node.tail:
                parts.append(node.tail)
        else:
            stack.pop()
            if owner is not None and owner.tail:
                parts.append(owner.tail)
    return "".join(parts)
