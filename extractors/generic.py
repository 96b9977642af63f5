"""The generic fallback: read what the page displays, without site knowledge.

Title: the first ``<h1>``, else ``<title>`` without the shop suffix. Prices: every
price-looking text in the body, with the label next to it (券后价, 到手价, 原价, "List
Price"...) and whether it is struck through (``<del>``, ``<s>``, ``line-through``). The
price is the best-labelled one nearest the title; struck or 原价-labelled ones are
original prices; 运费/优惠券/省 amounts are not product prices at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from lxml import etree

from .fields import Candidate, availability_of
from .html import (
    SKIP,
    clean,
    element_text,
    events,
    is_element,
    meta,
    next_element,
    short_text,
    tag_of,
)
from .money import Money, find_prices, iter_prices

STRATEGY = "generic"
FINAL = re.compile(r"券后价?|到手价?|折后价|预估到手|领券后|用券后|final price|after coupon",
                    re.I)
_SALE = re.compile(r"活动价|促销价|秒杀价|拼单价|拼团价|团购价|现价|售价|价格|特价|会员价|优惠价|"
                   r"京东价|淘宝价|sale price|our price|deal price|\bprice\b|\bnow\b", re.I)
_ORIGINAL = re.compile(r"原价|划线价|市场价|参考价|吊牌价|专柜价|指导价|零售价|门市价|单独购买|"
                       r"list price|was\b|msrp|rrp|typical price|retail price|regular price",
                       re.I)
_NOT_PRICE = re.compile(r"运费|邮费|快递费|满\s*\d|减\s*$|优惠券|(?<!\d)\d+元券|券$|省|节省|立减|"
                        r"直降|定金|尾款|每期|分期|/月|/期|红包|积分|返现|shipping|delivery|"
                        r"save|off\b|coupon|per month|/mo\b|deposit", re.I)
_STRUCK_CLASS = re.compile(r"line-?through|\bdel\b|strike|origin|old-?price|was-?price|"
                           r"market|line-?price|list-?price|a-text-price", re.I)
_PRICE_CLASS = re.compile(r"price|jiage|money|amount", re.I)
_ELSEWHERE = re.compile(r"recommend|related|similar|guess|also|footer|cart-|coupon|"
                        r"you-may|bundle|accessor|sims-|\brec-|猜你|推荐", re.I)
# Headings of blocks that list other products (为你推荐, 看了又看, "You may also like"...).
_ELSEWHERE_HEADING = re.compile(
    r"推荐|看了又看|看了还看|猜你喜欢|相似|同类|最近浏览|浏览记录|大家都在|店铺热销|"
    r"also (?:like|viewed|bought)|related|similar|recommended|recently viewed|"
    r"sponsored|compare with", re.I)
_HEADINGS = ("h2", "h3", "h4")
_TITLE_CLASS = re.compile(r"(?:goods|item|product|sku)[-_]?(?:title|name)(?![-_]?(?:wrap|box))",
                          re.I)
_TITLE_SPLIT = re.compile(r"(?<!\s)\s*(?:[-_|–—]\s*(?:淘宝|天猫|京东|拼多多|Amazon|tmall|taobao|jd)"
                          r"[^-_|]*|"
                          r"【[^】]*】.*|\s[-|–—]\s.*)$", re.I)
_REMOVED = re.compile(
    r"商品已下架|该商品已下架|此商品已下架|宝贝已下架|已下架|商品不存在|宝贝不存在|商品已失效|"
    r"该商品已下柜|商品已删除|已经下架|listing (?:was |has been )?removed|"
    r"no longer available|this item is no longer|item (?:was |has been )?removed|"
    r"product (?:is )?discontinued", re.I)
_SELLER_CLASS = re.compile(r"(?:shop|store|mall)[\w-]{0,10}name|seller|merchant", re.I)


def _attr_words(*words: str) -> etree.XPath:
    """Elements whose class, id or style holds one of ``words`` (any case), in document
    order: a superset of what a regex on :func:`_classes` accepts, found in C, so that a
    page of two million elements is not walked in Python for a handful of matches."""
    lower = "translate(., 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    test = " or ".join(f"contains({lower}, '{w}')" for w in words)
    return etree.XPath(f"descendant-or-self::*[@*[name()='class' or name()='id' or name()='style'][{test}]]")


def _text_words(*words: str) -> etree.XPath:
    """Elements with a text node holding one of ``words`` (as written, or in upper or
    title case), in document order."""
    spellings = {v for w in words for v in (w, w.upper(), w.title())}
    test = " or ".join(f"contains(., '{w}')" for w in sorted(spellings))
    return etree.XPath(f"descendant-or-self::*[text()[{test}]]")


_SELLERISH = _attr_words("name", "seller", "merchant")
_TITLEISH = _attr_words("title", "name")
_SPEC_CLASS = re.compile(r"param|spec|attr|attribute|detail-list|parameter|规格", re.I)


@dataclass
class PriceSeen:
    money: Money
    label: str
    struck: bool
    index: int
    priceish: bool
    elsewhere: bool
    text: str


def _classes(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''} {el.get('style') or ''}"


def _ancestors(el: etree._Element, n: int) -> list[etree._Element]:
    out = [el]
    while len(out) <= n and out[-1].getparent() is not None:
        out.append(out[-1].getparent())
    return out


def _is_struck(el: etree._Element) -> bool:
    return tag_of(el) in ("del", "s", "strike") or bool(_STRUCK_CLASS.search(_classes(el)))


def _struck_reader(el: etree._Element) -> Callable[[str], bool]:
    """Whether a price token in ``el`` is struck: ``el``, an ancestor, or the descendant
    holding it is. The struck descendants are read once per element, not once per price
    (a description with a thousand prices in it has a thousand tokens)."""
    if any(_is_struck(a) for a in _ancestors(el, 3)):
        return lambda token: True
    struck_texts: list[str] | None = None

    def struck(token: str) -> bool:
        nonlocal struck_texts
        if struck_texts is None:
            struck_texts = [element_text(d) for d in el.iterdescendants()
                            if is_element(d) and _is_struck(d)]
        token = token.strip()
        return any(token in t for t in struck_texts)
    return struck


def find_title(tree: etree._Element) -> tuple[str | None, etree._Element | None, str]:
    for h1 in tree.iter("h1"):
        text = short_text(h1, 300) or ""
        if 2 <= len(text):
            return text, h1, "h1"
    body = tree.find("body")
    for el in _TITLEISH(body) if body is not None else []:
        if isinstance(el.tag, str) and tag_of(el) not in ("a", "img", "input") and \
                _TITLE_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            text = short_text(el, 200) or ""
            if 4 <= len(text) and not _ELSEWHERE.search(
                    " ".join(_classes(a) for a in _ancestors(el, 8))):
                return text, el, "class"
    title = tree.find(".//title")
    text = (short_text(title, 2000) or "") if title is not None else ""
    text = _TITLE_SPLIT.sub("", text) or text
    return (text or None), None, "title"


def _has_digit(text: str | None) -> bool:
    return bool(text) and any(c.isdigit() for c in text)


def _price_elements(body: etree._Element, limit: int = 4000) -> list[tuple[int, etree._Element]]:
    """Elements (with document index) whose own text holds a digit, scripts skipped.

    Text after a comment (``$<!-- -->12.99``) is its parent's own text. The index counts
    elements only.
    """
    out: list[tuple[int, etree._Element]] = []
    index = -1
    for event, el, tag in events(body):
        if event == "end":
            continue
        parent = el.getparent()
        if event == "other":
            if _has_digit(el.tail) and parent is not None:
                out.append((max(index, 0), parent))
        else:
            index += 1
            if _has_digit(el.text) and tag not in SKIP:
                out.append((index, el))
            if _has_digit(el.tail) and parent is not None:
                out.append((index, parent))
        if len(out) >= limit:
            break
    return out


def _label(el: etree._Element, text: str, start: int) -> str:
    before = text[max(0, start - 64):start].strip()  # cleaned text: no long blank runs
    if len(before) < 2:
        prev = el.getprevious()
        gap = ""
        while prev is not None and not is_element(prev):  # comments between: their tails
            gap = (prev.tail or "") + gap
            prev = prev.getprevious()
        if prev is not None:
            before = element_text(prev)[-16:] + clean(gap) + before
        else:
            parent = el.getparent()
            lead = (parent.text or "") + gap if parent is not None else gap
            if lead:
                before = clean(lead)[-16:] + before
    return before[-16:]


def _under_heading(el: etree._Element, title_el: etree._Element | None,
                   memo: dict[etree._Element, bool] | None = None) -> bool:
    """Inside a block (not the whole page) headed 为你推荐 / "You may also like"...

    ``memo`` keeps each block's answer: a block with thousands of children is read once,
    not once per price inside it.
    """
    memo = {} if memo is None else memo
    for block in _ancestors(el, 6)[1:]:
        if tag_of(block) in ("body", "html") or (title_el is not None and
                                                 any(a is block for a in title_el.iterancestors())):
            return False
        headed = memo.get(block)
        if headed is None:
            headed = memo[block] = _headed_elsewhere(block)
        if headed:
            return True
    return False


def _headed_elsewhere(block: etree._Element) -> bool:
    for child in block:
        if not is_element(child):
            continue
        if tag_of(child) in _HEADINGS or "mt" == (child.get("class") or "").strip():
            if _ELSEWHERE_HEADING.search(element_text(child)[:40]):
                return True
    return False


def displayed_prices(tree: etree._Element, currency: str | None,
                     title_el: etree._Element | None, limit: int = 4000) -> list[PriceSeen]:
    body = tree.find("body")
    if body is None:
        return []
    seen: list[PriceSeen] = []
    done: set[etree._Element] = set()
    headed: dict[etree._Element, bool] = {}
    short: dict[etree._Element, str | None] = {}  # one container, read once for all inside
    for index, el in _price_elements(body):
        box = el
        for candidate in _ancestors(el, 2):
            if candidate not in short:
                short[candidate] = short_text(candidate, 60) \
                    if tag_of(candidate) not in ("body", "html") else None
            text = short[candidate]
            if text is None:
                break
            box = candidate
            if find_prices(text, currency):
                break
        if box in done:
            continue
        done.add(box)
        text = element_text(box)
        found = list(islice(iter_prices(text, currency), limit - len(seen)))
        if not found:
            continue
        priceish = bool(_PRICE_CLASS.search(" ".join(_classes(a) for a in _ancestors(box, 2))))
        elsewhere = bool(_ELSEWHERE.search(" ".join(_classes(a) for a in _ancestors(box, 8)))) \
            or _under_heading(box, title_el, headed)
        struck = _struck_reader(box)
        for money, start, end in found:
            label = _label(box, text, start)
            after = text[end:end + 6]
            if _NOT_PRICE.search(label[-8:]) or re.match(r"\s*(?:券|优惠|off)", after, re.I):
                continue
            seen.append(PriceSeen(money, label, struck(text[start:end]), index, priceish,
                                  elsewhere, text[start:end]))
        if len(seen) >= limit:
            break
    return seen


def _index_of(tree: etree._Element, target: etree._Element | None) -> int:
    if target is None:
        return 0
    body = tree.find("body")
    for index, el in enumerate(body.iter() if body is not None else []):
        if el is target:
            return index
    return 0


def price_candidates(tree: etree._Element, currency: str | None,
                     title_el: etree._Element | None) -> list[Candidate]:
    """Displayed price (best scored) and original price candidates."""
    seen = displayed_prices(tree, currency, title_el)
    if not seen:
        return []
    anchor = _index_of(tree, title_el)
    scored: list[tuple[float, PriceSeen, str]] = []
    for p in seen:
        if p.elsewhere:
            continue  # another product's price (recommendations, related items)
        original = p.struck or bool(_ORIGINAL.search(p.label[-14:]))
        role = "original" if original else ("range" if p.money.max_amount else "price")
        score = 1.0
        if FINAL.search(p.label[-14:]):
            score += 3
        elif _SALE.search(p.label[-14:]):
            score += 1.5
        score += 1.0 if p.priceish else 0
        score += 1.0 if p.struck else 0
        distance = abs(p.index - anchor) if title_el is not None else p.index / 4
        score -= min(distance / 40, 2.5)
        scored.append((score, p, role))
    out: list[Candidate] = []
    prices = sorted((s for s in scored if s[2] != "original"), key=lambda s: -s[0])
    for rank, (_score, p, role) in enumerate(prices[:6]):
        weight = (3.5 if p.priceish or FINAL.search(p.label) or _SALE.search(p.label)
                  else 2.0) if rank == 0 else 0.5
        out.append(Candidate("price", p.money, STRATEGY, role, p.label or None, weight))
    originals = sorted((s for s in scored if s[2] == "original"), key=lambda s: -s[0])
    for rank, (_score, p, _) in enumerate(originals[:3]):
        out.append(Candidate("original_price", p.money, STRATEGY, "original",
                             p.label or ("struck" if p.struck else None),
                             3.0 if rank == 0 else 0.5))
    return out


def removed_phrase(lines: list[str]) -> str | None:
    for line in lines[:3000]:
        if len(line) <= 80:
            m = _REMOVED.search(line)
            if m:
                return m.group(0)
    return None


def availability_candidates(lines: list[str]) -> list[Candidate]:
    for line in lines[:3000]:
        if len(line) <= 24:
            avail = availability_of(line)
            if avail and avail != "InStock":
                return [Candidate("availability", avail, STRATEGY, weight=1.5)]
    for line in lines[:3000]:
        if len(line) <= 16 and availability_of(line) == "InStock":
            return [Candidate("availability", "InStock", STRATEGY, weight=1.0)]
    return []


def seller_candidates(tree: etree._Element) -> list[Candidate]:
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
    return _shop_card(body)


_ENTER_SHOP = re.compile(r"^(?:进店|进店逛逛|进入店铺|逛逛店铺|Visit (?:the )?store)$", re.I)
# What an element's own text must start with for its whole text to be one of those.
_ENTER_SHOP_START = re.compile(r"^(?:进|逛|visit\b)", re.I)
_STATS = re.compile(r"\d|好评|关注|粉丝|评分|体验|在售|商品|followers|rating", re.I)
_ENTER_SHOPISH = _text_words("进", "逛", "visit")


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
    for el in body.iter("tr", "dl", "li"):
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
