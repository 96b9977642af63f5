"""Apply a site profile (see ``profiles/``) to a page: selectors, URL patterns, state paths."""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from bs4 import BeautifulSoup
from lxml import etree

from .availability import stock_of
from .css import Matcher, attr_value, text_of
from .embedded import path_candidates
from .fields import Candidate, text_value
from .html import clean, element_text, split_selector, tag_of
from .money import parse_price
from .profiles import Profile
from .soup import make_soup

_LIMIT = 5  # matches read per selector


class Selectors:
    """CSS and XPath lookups on the page's lxml tree (CSS: see :mod:`extractors.css`).

    Texts read as soupsieve's did (BeautifulSoup's ``get_text``), so that a profile gives
    what it gave when it was written against BeautifulSoup; a selector cssselect cannot
    translate falls back to soupsieve over a BeautifulSoup tree built on first use.
    """

    def __init__(self, html: str, tree: etree._Element) -> None:
        self._html = html
        self._tree = tree
        self._matcher = Matcher(tree, html)
        self._soup: BeautifulSoup | None = None

    def _css(self, selector: str) -> list[Any]:
        found = self._matcher.select(selector, _LIMIT)
        if found is not None:
            return found
        if self._soup is None:
            self._soup = make_soup(self._html)
        try:
            return list(self._soup.select(selector, limit=_LIMIT))
        except Exception:  # soupsieve raises its own SelectorSyntaxError
            return []

    def values(self, spec: str) -> list[str]:
        """Texts (or attribute values with ``sel @attr``) for one selector spec."""
        spec, attr = split_selector(spec)
        if spec.startswith("xpath:"):
            try:
                found = self._tree.xpath(spec[6:])
            except etree.XPathError:
                return []
            out = []
            for item in found if isinstance(found, list) else [found]:
                if isinstance(item, etree._Element):
                    out.append(item.get(attr) if attr else element_text(item))
                else:
                    out.append(str(item))
            return [clean(v) for v in out if v and clean(v)]
        out = []
        for el in self._css(spec):
            value = _attr(el, attr) if attr else _text(el)
            if value and clean(value):
                out.append(clean(value))
        return out

    def price_values(self, spec: str, exclude: list[str]) -> list[str]:
        """Texts for a price selector, without struck elements or ``exclude`` matches.

        ``[class*=priceText]`` matches the 划线价 as well as the price; the original-price
        selectors and ``<del>``/line-through/``origin`` classes say which one is struck.
        """
        spec = spec.strip()
        if spec.startswith("xpath:") or split_selector(spec)[1]:
            return self.values(spec)
        excluded = [el for other in exclude if not other.startswith("xpath:")
                    and not split_selector(other)[1] for el in self._css(other.strip())]
        out = []
        for el in self._css(spec):
            chain = [el, *islice(_parents(el), 3)]
            if any(_struck_tag(a) or any(a is x for x in excluded) for a in chain) or \
                    any(el is not x and any(a is el for a in _parents(x)) for x in excluded):
                continue
            value = clean(_text(el))
            if value:
                out.append(value)
        return out

    def first(self, specs: list[str]) -> str | None:
        for spec in specs:
            values = self.values(spec)
            if values:
                return values[0]
        return None

    def exists(self, specs: list[str]) -> bool:
        return any(self.values(spec) or self._present(spec) for spec in specs)

    def _present(self, spec: str) -> bool:
        return not spec.startswith("xpath:") and bool(self._css(split_selector(spec)[0]))


_STRUCK = re.compile(r"line-?through|strike|origin|del-?price|old-?price", re.I)


def _struck_tag(el: Any) -> bool:
    if isinstance(el, etree._Element):
        name = tag_of(el)
        classes = el.get("class") or ""
        style = el.get("style") or ""
    else:
        name = getattr(el, "name", None)
        attrs = getattr(el, "attrs", None) or {}
        raw = attrs.get("class") or []
        classes = " ".join(raw) if isinstance(raw, list) else str(raw)
        style = attrs.get("style") or ""
    if name in ("del", "s", "strike"):
        return True
    return bool(_STRUCK.search(f"{classes} {style}"))


def _parents(el: Any) -> Any:
    return el.iterancestors() if isinstance(el, etree._Element) else el.parents


def _attr(el: Any, name: str) -> str | None:
    if isinstance(el, etree._Element):
        return attr_value(el, name)
    value = el.get(name)
    return " ".join(value) if isinstance(value, list) else value  # multi-valued in bs4


def _text(el: Any) -> str:
    return text_of(el) if isinstance(el, etree._Element) else el.get_text("", strip=False)


def profile_candidates(profile: Profile, sel: Selectors, url: str | None,
                       objects: dict[str, Any], currency: str | None
                       ) -> tuple[list[Candidate], bool]:
    """Candidates from one profile, and whether its ``removed`` selectors matched."""
    strategy = f"profile:{profile.name}"
    out: list[Candidate] = []
    s = profile.selectors
    for field in ("title", "sku", "shipping"):
        value = sel.first(s.get(field, []))
        if value:
            out.append(Candidate(field, value, strategy, weight=6.0))
    for field, role in (("price", "price"), ("original_price", "original")):
        for spec in s.get(field, []):
            texts = sel.price_values(spec, s.get("original_price", [])) if field == "price" \
                else sel.values(spec)
            money = next((m for m in (parse_price(v, currency) for v in texts)
                          if m is not None and m.amount > 0), None)
            if money is not None:
                role_here = "range" if money.max_amount is not None and role == "price" else role
                out.append(Candidate(field, money, strategy, role_here, weight=6.0))
                break
    seller = sel.first(s.get("seller", []))
    if seller:
        out.append(Candidate("seller", {"name": seller, "url": sel.first(s.get("seller_url", []))},
                             strategy, weight=6.0))
    avail, count = stock_of(sel.first(s.get("availability", [])))  # 有货, "Only 2 left", 2000
    if avail:
        out.append(Candidate("availability", avail, strategy, weight=6.0))
    if avail and count is not None:
        out.append(Candidate("stock_count", count, strategy, weight=6.0))
    for spec in s.get("images", []):
        for value in sel.values(spec):
            out.append(Candidate("images", value, strategy))
    if profile.sku_from_url and url:
        m = profile.sku_from_url.search(url)
        if m and text_value(m.group(1)):
            out.append(Candidate("sku", m.group(1), strategy, "url", "url", weight=5.0))
    state = path_candidates(objects, profile.embedded, currency, strategy)
    for cand in state:
        cand.family = "state"
    out.extend(state)
    removed = bool(s.get("removed")) and sel.exists(s.get("removed", []))
    return out, removed
