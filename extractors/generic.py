"""The generic fallback: read what the page displays, without site knowledge.

Title: the first visible ``<h1>`` that is not in a dialog or toast ("Added to your bag")
nor the shop's logo, else a title-like class, else ``<title>`` without the shop suffix.
Prices: :mod:`extractors.shown_prices` (every amount the page shows, with its label; the
best-labelled one nearest the title is the price).
"""

from __future__ import annotations

import re
from itertools import islice

from lxml import etree

from . import blocks, price_words, shown_prices
from .fields import Candidate
from .html import (
    SKIP,
    AttrMatch,
    clean,
    element_text,
    first_line,
    is_element,
    meta,
    next_element,
    short_text,
    tag_of,
)

STRATEGY = "generic"
FINAL = price_words.FINAL
_TITLE_CLASS = re.compile(r"(?:goods|item|product|sku|main)[-_]?(?:title|name)"
                          r"(?![-_]?(?:wrap|box))", re.I)
_TITLE_SPLIT = re.compile(r"(?<!\s)\s*(?:[-_|–—]\s*(?:淘宝|天猫|京东|拼多多|Amazon|tmall|taobao|jd)"
                          r"[^-_|]*|"
                          r"【[^】]*】.*|\s[-|–—]\s.*)$", re.I)
_REMOVED = re.compile(
    r"商品已下架|该商品已下架|此商品已下架|宝贝已下架|已下架|商品不存在|宝贝不存在|商品已失效|"
    r"该商品已下柜|商品已删除|已经下架|listing (?:was |has been )?removed|"
    r"no longer available|this item is no longer|item (?:was |has been )?removed|"
    r"product (?:is )?discontinued", re.I)
_SELLER_CLASS = re.compile(r"(?:shop|store|mall)[\w-]{0,10}name|seller|merchant", re.I)


def _text_words(*words: str) -> etree.XPath:
    """Elements with a text node holding one of ``words`` (as written, or in upper or
    title case), in document order."""
    spellings = {v for w in words for v in (w, w.upper(), w.title())}
    test = " or ".join(f"contains(., '{w}')" for w in sorted(spellings))
    return etree.XPath(f"descendant-or-self::*[text()[{test}]]")


# Elements whose class, id or style match (found in C; see html.AttrMatch).
_SELLERISH = AttrMatch(_SELLER_CLASS, hints=("name", "seller", "merchant"))
_TITLEISH = AttrMatch(_TITLE_CLASS, hints=("title", "name"))
_SPEC_CLASS = re.compile(r"param|spec|attr|attribute|detail-list|parameter|规格", re.I)
_ITEM_LISTS = etree.XPath("descendant::li/..")
_SPEC_ROWS = etree.XPath("$rows | $lists/li")  # in document order


def _classes(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''} {el.get('style') or ''}"


def _ancestors(el: etree._Element, n: int) -> list[etree._Element]:
    out = [el]
    while len(out) <= n and out[-1].getparent() is not None:
        out.append(out[-1].getparent())
    return out


def find_title(tree: etree._Element) -> tuple[str | None, etree._Element | None, str]:
    for h1 in tree.iter("h1"):
        text = short_text(h1, 300) or ""
        if 2 <= len(text) and not _not_the_title(h1):
            return text, h1, "h1"
    body = tree.find("body")
    for el in _TITLEISH(body) if body is not None else []:
        if isinstance(el.tag, str) and tag_of(el) not in ("a", "img", "input") and \
                _TITLE_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            text = short_text(el, 200) or ""
            if 4 <= len(text) and blocks.inside(el, _not_product_block, 8) is None and \
                    not _not_the_title(el):
                return text, el, "class"
    title = tree.find(".//title")
    text = (short_text(title, 2000) or "") if title is not None else ""
    text = _TITLE_SPLIT.sub("", text) or text
    return (text or None), None, "title"


def _not_product_block(el: etree._Element) -> bool:
    """Other products, the page's chrome (by name: an article's ``<header>`` may hold the
    title), a coupon list: a title-classed element there names no product of the page."""
    return blocks.other_products(el) or blocks.chrome(el, tags=False) or blocks.coupons(el)


_LOGO = re.compile(r"logo|site-?(?:title|name|branding)|brand-?name", re.I)
_HOME = re.compile(r"^(?:/|\./|index\.\w+|https?://[^/]+/?)$")


def _not_the_title(heading: etree._Element) -> bool:
    """A heading that names no product: hidden, in a dialog or toast ("Added to your
    bag"), or the shop's logo (an ``<h1>`` whose only link goes to the home page)."""
    links = list(islice(heading.iter("a"), 2))
    if _LOGO.search(_classes(heading)) or (len(links) == 1 and _HOME.match(
            (links[0].get("href") or "").strip()) and
            short_text(links[0], 300) == short_text(heading, 300)):
        return True
    for depth, el in enumerate((heading, *heading.iterancestors())):
        tag = tag_of(el)
        if tag in ("body", "html"):
            return False
        if blocks.hidden(el) or tag == "dialog" or (
                blocks.dialog(el) if depth <= 6 else
                (el.get("role") or "").lower() in blocks.DIALOG_ROLES or
                (el.get("aria-modal") or "").lower() == "true"):
            return True  # (a page-wide wrapper's class says nothing of one heading)
    return False


def price_candidates(tree: etree._Element, currency: str | None,
                     title_el: etree._Element | None) -> list[Candidate]:
    """Displayed price (best scored) and original price candidates."""
    return shown_prices.price_candidates(tree, currency, title_el)


def removed_phrase(lines: list[str]) -> str | None:
    """The 已下架 / "no longer available" wording of a short line near the top."""
    found = first_line(lines[:3000], _REMOVED, max_len=80)
    return found[1] if found else None


def seller_candidates(tree: etree._Element, page_text: str | None = None
                      ) -> list[Candidate]:
    """The seller named by a seller-like class, else the shop card before a 进店 button.

    ``page_text``: the page's visible text, when known; a page whose text has no 进店 / "Visit
    store" wording is not searched for such a button.
    """
    body = tree.find("body")
    if body is None:
        return []
    named = [el for el in _SELLERISH(body) if _SELLER_CLASS.search(_classes(el))]
    for el in named:
        # A seller card holds the name and more (ratings, "99.2% positive"): prefer the
        # innermost element that is still named like a seller, then its link's text.
        inner = [d for d in _SELLERISH(el)
                 if _SELLER_CLASS.search(_classes(d)) and _seller_name(d) is not None]
        # the innermost: those that hold no other one (one pass over their ancestors)
        holders = {a for d in inner for a in d.iterancestors()}
        leaves = [d for d in inner if d not in holders]
        target = leaves[0] if leaves else el
        text = _seller_text(target)
        link = target if tag_of(target) == "a" else target.find(".//a")
        if link is not None and (text is None or len(text) > 40) and _seller_name(link):
            text = _seller_name(link)
        if text is not None and 1 < len(text) <= 40:
            url = link.get("href") if link is not None else None
            return [Candidate("seller", {"name": text, "url": url}, STRATEGY, weight=1.0)]
    if page_text is not None and not _ENTER_SHOP_WORDS.search(page_text):
        return []
    return _shop_card(body)


_ENTER_SHOP = re.compile(r"^(?:进店|进店逛逛|进入店铺|逛逛店铺|Visit (?:the )?store)$", re.I)
# What an element's own text must start with for its whole text to be one of those.
_ENTER_SHOP_START = re.compile(r"^(?:进|逛|visit\b)", re.I)
_STATS = re.compile(r"\d|好评|关注|粉丝|评分|体验|在售|商品|followers|rating", re.I)
_ENTER_SHOPISH = _text_words("进", "逛", "visit")
# What a page's visible text holds when one of its elements reads as _ENTER_SHOP.
_ENTER_SHOP_WORDS = re.compile(r"进店|进入店铺|逛逛店铺|visit\s+(?:the\s+)?store", re.I)


def _shop_card(body: etree._Element) -> list[Candidate]:
    """A shop card without class names: the first plain text before its 进店 button."""
    for el in _ENTER_SHOPISH(body):
        own = el.text.strip() if is_element(el) and el.text else ""
        if not own or len(own) > 20 or not _ENTER_SHOP_START.match(own) or \
                not _ENTER_SHOP.match(short_text(el, 40) or ""):
            continue
        for card in _ancestors(el, 3)[1:]:
            for line in _lines_before(card, el):
                if 1 < len(line) <= 30 and not _STATS.search(line):
                    url = el.get("href") if tag_of(el) == "a" else None
                    return [Candidate("seller", {"name": line, "url": url}, STRATEGY,
                                      weight=0.5)]
    return []


def _lines_before(card: etree._Element, stop: etree._Element) -> list[str]:
    out = []
    for d in card.iter():
        if d is stop:
            break
        if isinstance(d.tag, str) and tag_of(d) not in SKIP and d.text and d.text.strip():
            out.append(clean(d.text))
    return out


_SELLER_LABEL = re.compile(r"^(?:店铺|商家|卖家|Sold by|Seller|Store|进店逛逛)\s*[:：]?\s*", re.I)


def _seller_text(el: etree._Element) -> str | None:
    """The element's text without a 店铺:/Sold by label; None when far too long for a name."""
    text = short_text(el, 80)
    return None if text is None else _SELLER_LABEL.sub("", text)


def _seller_name(el: etree._Element) -> str | None:
    text = _seller_text(el)
    return text if text is not None and 1 < len(text) <= 40 else None


def specs_of(tree: etree._Element, limit: int = 100) -> dict[str, str]:
    """Key/value pairs from spec tables, ``<dl>`` lists and ``key：value`` items."""
    specs: dict[str, str] = {}
    body = tree.find("body")
    if body is None:
        return specs
    # Of the list items only those in a spec-classed list count: the lists are picked
    # first (a page's nav holds thousands of items), then every row, <dl> and such item
    # is read in document order, as one walk over all of them would.
    lists = [p for p in _ITEM_LISTS(body) if _SPEC_CLASS.search(_classes(p))]
    for el in _SPEC_ROWS(body, rows=list(body.iter("tr", "dl")), lists=lists):
        if len(specs) >= limit:
            break
        tag = tag_of(el)
        if tag == "tr":
            cells = [c for c in el if tag_of(c) in ("td", "th")]
            if len(cells) != 2:
                continue
            key, value = short_text(cells[0], 30) or "", short_text(cells[1], 200) or ""
            if 0 < len(key) and 0 < len(value):
                specs.setdefault(key.rstrip(":："), value)
        elif tag == "dl":
            for dt in el.iter("dt"):
                dd = next_element(dt)
                if dd is not None and tag_of(dd) == "dd":
                    key, value = element_text(dt).rstrip(":："), element_text(dd)
                    if 0 < len(key) <= 30 and 0 < len(value) <= 200:
                        specs.setdefault(key, value)
        else:
            parent = el.getparent()
            if parent is None or not _SPEC_CLASS.search(_classes(parent)):
                continue
            m = re.match(r"^([^:：]{1,20})[:：]\s*(.{1,200})$", element_text(el))
            if m:
                specs.setdefault(m.group(1).strip(), m.group(2).strip())
    return specs


def description(tree: etree._Element) -> str | None:
    return meta(tree, "description", "og:description")
