"""Availability: what a page says about the stock of *this* product (issue 12).

Sources, each a candidate for the vote in :mod:`.listing_record`: a site profile's stock
field; schema.org offers (any offer or variant in stock makes the product in stock);
embedded state (``stock``, ``soldOut``, ``available`` on the product or its variants);
OpenGraph ``product:availability``; and what the page displays — a stock phrase in the
buy box, else an enabled buy button.

What the page displays is read from stock phrases only (``availability.toml``: Chinese,
English, German, French, Italian, Spanish, Russian, and some others), never from a bare number (a cart badge
"0"), navigation, hidden elements (``hidden``, ``aria-hidden``, ``display:none``,
``<template>``, ``<noscript>``), attributes (alt text), variant pickers, or blocks of
other products (recommendations, carousels, "customers also bought", 推荐; the words are
:mod:`.blocks`'s). A count on one option of a picker that offers several ("Only 1 left" on
size M) is that option's, not the product's. A pre-order shown in the buy box beats a
generic ``InStock`` from markup or state. Of the
statements left, the one sharing the deepest block with the title wins. "Only 2 left" is
``LimitedAvailability`` and its count is kept (``stock_count``).

Cost: the visible lines are searched for phrase anchors at once (Aho-Corasick); only the
few phrases found are looked up in the tree, by their offset in the body's text, which
lxml serialises in C — no Python walk over every element.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from lxml import etree

from . import blocks
from .data import load_toml
from .fields import Candidate, plain, scalar
from .html import BLOCK, clean, short_text, tag_of
from .numerals import to_int
from .vote import winner

try:  # a C-speed multi-substring search; the regex below does the same, slower
    import ahocorasick_rs
except ImportError:  # pragma: no cover - the dependency is declared in pyproject
    ahocorasick_rs = None

STRATEGY = "generic"
#: Names meaning the product can be bought now.
AVAILABLE = ("InStock", "LimitedAvailability", "OnlineOnly", "InStoreOnly", "MadeToOrder")
# Which name an offer list gives when its offers disagree: any offer in stock wins.
_RANK = {name: i for i, name in enumerate((
    "InStock", "OnlineOnly", "InStoreOnly", "LimitedAvailability", "MadeToOrder",
    "PreOrder", "PreSale", "BackOrder", "OutOfStock", "SoldOut", "Reserved", "Discontinued"))}

#: The phrase tables (``availability.toml``: syntax and kinds are described there).
PHRASES: dict[str, dict[str, list[str]]] = load_toml("availability.toml")
_KINDS = ("stock", "weak", "notify", "buy")

_NUMBER = r"(?:\d{1,3}(?:[.,\u00a0 ]\d{3})+|\d+|[零〇一二两三四五六七八九十百千]+)"
_UNIT = "[件个台份套双瓶盒支张本只包袋箱条把副组块片罐桶]"


@dataclass(frozen=True)
class _Phrase:
    name: str
    kind: str
    text: str  # as written in the table
    source: str  # the regex, compiled on first use (most phrases never occur on a page)
    anchors: tuple[str, ...]  # literal parts of which every match contains one
    lead: int  # how far before its anchor a match may start
    count: int | None  # the count the phrase implies
    exact: bool  # whether a number in it is the exact count


@dataclass(frozen=True)
class Statement:
    """One stock phrase found in a text."""

    name: str
    kind: str
    count: int | None
    start: int
    end: int
    text: str


def _compile(name: str, kind: str, phrase: str) -> _Phrase:
    body, _, implied = phrase.partition("=")
    exact = not body.startswith("~")
    body = body.lstrip("~")
    parts: list[str] = []
    for i, ch in enumerate(body):
        if ch == "#":
            parts.append(rf"\s*(?:[:：]\s*)?{_NUMBER}")
        elif ch == "@":
            parts.append(rf"\s*{_UNIT}")
        elif ch == " " and i and body[i - 1] == "#":
            parts.append(r"\s+")  # "5 in stock", not the "5In stock" of "Size 45In stock"
        elif ch in " -":
            parts.append(r"[\s\-‐–]*")
        elif ch == "'":
            parts.append("['’]")
        else:
            parts.append(re.escape(ch))
    source = "".join(parts)
    if body[0] == "#":
        source = r"(?<![\d.,])" + source
    elif body[0].isalpha() and not _cjk(body[0]):
        source = r"(?<![^\W\d_])" + source  # starts a word: "unavailable" is not "available"
    anchor = max((c.strip(" -") for c in re.split("[#@]", body)), key=len)
    before = body[:body.index(anchor)]
    lead = 3 * len(before) + 16 * before.count("#") + 2
    return _Phrase(name, kind, phrase, source, _spellings(anchor), lead,
                   int(implied) if implied else None, exact)


def _spellings(literal: str) -> tuple[str, ...]:
    """``literal`` with each space or hyphen as a space, a hyphen or nothing, and each
    apostrophe straight or curly: "sold out" is also "sold-out" and "soldout"."""
    out = [""]
    for ch in literal:
        options = (" ", "-", "") if ch in " -" else ("'", "’") if ch == "'" else (ch,)
        out = [o + x for o in out for x in options]
        if len(out) > 81:  # a long phrase: its longest word will do
            word = max(re.split(r"[ \-']", literal), key=len)
            return (word,)
    return tuple(out)


def _cjk(ch: str) -> bool:
    """Chinese, Japanese and Korean: words are not set off by spaces (or, in Korean, run
    into each other: 일시품절)."""
    return "\u3000" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or \
        "\uac00" <= ch <= "\ud7af"


def _table() -> list[_Phrase]:
    out = []
    for name, kinds in PHRASES.items():
        for kind, phrases in kinds.items():
            if kind not in _KINDS:
                raise ValueError(f"availability.toml: [{name}] has an unknown kind {kind!r}")
            out.extend(_compile(name, kind, phrase) for phrase in phrases)
    return out


_TABLE = _table()
_COMPILED: dict[str, re.Pattern[str]] = {}
_BY_ANCHOR: dict[str, list[_Phrase]] = {}
for _p in _TABLE:
    for _a in _p.anchors:
        _BY_ANCHOR.setdefault(_a, []).append(_p)
_ANCHORS = sorted(_BY_ANCHOR)
_ANCHOR_INDEX = {a: i for i, a in enumerate(_ANCHORS)}
_PHRASES_AT = [_BY_ANCHOR[a] for a in _ANCHORS]
if ahocorasick_rs is not None:
    _AC = ahocorasick_rs.AhoCorasick(_ANCHORS, implementation=ahocorasick_rs.Implementation.DFA)

    def _anchor_hits(text: str) -> list[tuple[int, int, int]]:
        return _AC.find_matches_as_indexes(text, overlapping=True)
else:  # pragma: no cover
    _ANCHOR_RE = re.compile("|".join(f"(?=({re.escape(a)}))" for a in
                                     sorted(_ANCHORS, key=len, reverse=True)))

    def _anchor_hits(text: str) -> list[tuple[int, int, int]]:
        out = []
        for m in _ANCHOR_RE.finditer(text):
            for group in m.groups():
                if group:
                    out.append((_ANCHOR_INDEX[group], m.start(), m.start() + len(group)))
        return out


def _matches(low: str, limit: int = 400) -> Iterable[tuple[_Phrase, re.Match[str]]]:
    """Every phrase match in lower-cased ``low``, tried only where an anchor was found."""
    seen: set[tuple[int, int]] = set()
    for index, start, end in _anchor_hits(low)[:limit]:
        for phrase in _PHRASES_AT[index]:
            regex = _COMPILED.get(phrase.source)
            if regex is None:
                regex = _COMPILED[phrase.source] = re.compile(phrase.source)
            m = regex.search(low, max(0, start - phrase.lead), min(len(low), end + 40))
            if m is None or m.start() > start or m.end() < end:
                continue
            key = (id(phrase), m.start())
            if key not in seen:
                seen.add(key)
                yield phrase, m


def _number(text: str) -> int | None:
    m = re.search(_NUMBER, text)
    if m is None:
        return None
    digits = re.sub(r"[.,\u00a0 ]", "", m.group(0))
    value = int(digits) if digits.isdigit() else to_int(digits)
    return value if value is not None and value < 10 ** 9 else None


_LABEL_WORDS = frozenset((
    "availability", "status", "stock", "product",
    "item", "is", "currently", "temporarily", "now", "this", "verfügbarkeit", "lieferstatus",
    "lagerstatus", "zurzeit", "derzeit", "momentan", "aktuell", "sofort", "artikel",
    "disponibilité", "actuellement", "momentanément", "temporairement", "immédiatement",
    "produit", "disponibilità", "attualmente", "momentaneamente", "temporaneamente",
    "subito", "prodotto", "disponibilidad", "estado", "actualmente", "temporalmente",
    "inmediatamente", "producto", "наличие", "статус", "сейчас", "временно", "товар",
    "库存", "状态", "库存状态", "商品", "当前", "目前", "online", "en ligne", "in linea",
))
# A phrase about a way to get the product, not its stock: "Pickup currently unavailable at
# Main St", "Not available for delivery", "门店自提 无货".
_SERVICE = ("pickup|pick-up|pick up|collection|click & collect|delivery|shipping|in store|"
            "in-store|store|retrait|livraison|magasin|abholung|lieferung|filiale|ritiro|"
            "consegna|negozio|recogida|envío|tienda|доставк|самовывоз|магазин|配送|自提|门店|到店")
_SERVICE_BEFORE = re.compile(rf"(?:{_SERVICE})\s?$")
_SERVICE_AFTER = re.compile(rf"^\s*(?:for|at|in|à|en|pour|für|im|zur|per|para|для|в|на)\s+"
                            rf"(?:the |your |la |le |den |die |il |el |)(?:{_SERVICE})")
_PUNCT = " \t:：-–—|·•.,;!()[]【】「」*"


def _weak_ok(text: str, m: re.Match[str]) -> bool:
    """A weak phrase is the statement: nothing but a stock label before it, nothing but
    punctuation (or a separated clause) after it."""
    before = text[:m.start()].strip(_PUNCT)
    if before and not all(w in _LABEL_WORDS for w in re.split(r"[\s:：]+", before) if w):
        return False
    after = text[m.end():].lstrip(" \u00a0")
    return not after or after[0] in ".,;:!)(–—-|/·•。，；！（）"


def _buy_ok(text: str, buys: list[re.Match[str]]) -> bool:
    """The text is buy buttons only ("Buy It Now", "加入购物车 立即购买"), no other words:
    not "Buy now, pay later"."""
    rest = text
    for m in sorted(buys, key=lambda m: -m.start()):
        rest = rest[:m.start()] + " " + rest[m.end():]
    return not re.search(r"[^\W\d_]", rest)


def read(text: str | None, *, field: bool = False) -> Statement | None:
    """The stock statement in one short text, or None.

    ``field``: the text is a stock field's (a profile's stock selector, a JSON value), so
    any phrase anywhere counts. Otherwise it is a line of the page: a phrase must start
    near its beginning, a weak one must be the statement, a buy phrase the whole text.
    """
    if not text:
        return None
    text = clean(text)[:300]
    low = text.lower()
    if len(low) != len(text):  # lower() lengthens a few letters (İ); offsets must agree
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    found: list[tuple[int, int, _Phrase, re.Match[str]]] = []
    buys: list[re.Match[str]] = []
    for phrase, m in _matches(low):
        if phrase.kind == "buy":
            buys.append(m)
            if not field and m.start() > 0:
                continue
        elif not field and phrase.kind == "weak" and not _weak_ok(low, m):
            continue
        elif not field and m.start() > 80:
            continue
        if not field and phrase.kind != "buy" and (
                _SERVICE_BEFORE.search(low, max(0, m.start() - 16), m.start()) or
                _SERVICE_AFTER.match(low[m.end():m.end() + 40])):
            continue
        found.append((m.start(), -(m.end() - m.start()), phrase, m))
    if not found:
        return None
    found.sort(key=lambda f: (f[0], f[1]))
    if not field:
        found = [f for f in found if f[2].kind != "buy" or _buy_ok(low, buys)] or []
        if not found:
            return None
    _, _, phrase, m = found[0]
    count = _count_in(phrase, m)
    for _, _, other, om in found[1:]:  # "Low stock: 4 left", "库存紧张 仅剩3件"
        if count is not None or phrase.name not in AVAILABLE:
            break
        if other.name in AVAILABLE and om.start() >= m.end():
            count = _count_in(other, om) or None  # not a 0 that would contradict it
    name = phrase.name
    if count == 0 and name in ("InStock", "LimitedAvailability"):
        name = "OutOfStock"  # 库存0件, "0 in stock"
    return Statement(name, phrase.kind, count, m.start(), m.end(), text[m.start():m.end()])


def _count_in(phrase: _Phrase, m: re.Match[str]) -> int | None:
    if phrase.count is not None or not phrase.exact or "#" not in phrase.text:
        return phrase.count
    return _number(m.group(0))


# schema.org names and the tokens feeds and scripts write for them (``IN_STOCK``,
# ``instock``, ``oos``, ``available for order``...), letters only, lower case.
_TOKENS = {
    "instock": "InStock", "outofstock": "OutOfStock", "soldout": "OutOfStock",
    "oos": "OutOfStock", "nostock": "OutOfStock", "unavailable": "OutOfStock",
    "notavailable": "OutOfStock", "preorder": "PreOrder", "presale": "PreOrder",
    "backorder": "BackOrder", "availablefororder": "BackOrder", "onbackorder": "BackOrder",
    "discontinued": "Discontinued", "limitedavailability": "LimitedAvailability",
    "lowstock": "LimitedAvailability", "onlineonly": "InStock", "instoreonly": "InStock",
    "available": "InStock", "madetoorder": "MadeToOrder", "reserved": "OutOfStock",
    "instockonline": "InStock", "outofstockonline": "OutOfStock",
}


def stock_of(value: Any) -> tuple[str | None, int | None]:
    """(schema.org availability name, count) from a URL, a token, a phrase or a number."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return ("InStock" if value else "OutOfStock"), None
    if isinstance(value, int | float):
        number = scalar(value)
        if number is None:
            return None, None
        count = int(number) if number == int(number) and 0 <= number < 10 ** 9 else None
        return ("InStock" if number > 0 else "OutOfStock"), count
    text = clean(value if isinstance(value, str) else plain(value, 500))
    if not text:
        return None, None
    digits = re.sub(r"[,\u00a0 ]", "", text)
    if digits.isdigit() and len(digits) < 10:
        count = int(digits)
        return ("InStock" if count else "OutOfStock"), count
    if " " not in text.strip() or "schema.org" in text:  # a URL, schema:InStock, IN_STOCK
        token = re.sub(r"[^a-z]", "", re.split(r"[/:#]", text)[-1].lower())
        if token in _TOKENS:
            return _TOKENS[token], None
    token = re.sub(r"[^a-z]", "", text.lower())
    if token in _TOKENS and len(text) <= 30:
        return _TOKENS[token], None
    statement = read(text, field=True)
    if statement is None:
        return None, None
    return statement.name, statement.count


def availability_of(value: Any) -> str | None:
    """A schema.org availability name from a URL, a token, a phrase or a stock number."""
    return stock_of(value)[0]


def combine(stocks: Iterable[tuple[str | None, int | None]]) -> tuple[str | None, int | None]:
    """One (name, count) for several offers or variants of one product: any in stock
    makes it in stock; the count is the sum when every offer of that name has one."""
    named = [(n, c) for n, c in stocks if n]
    if not named:
        return None, None
    best = min((n for n, _ in named), key=lambda n: _RANK.get(n, len(_RANK)))
    if best in ("OnlineOnly", "InStoreOnly"):
        best = "InStock"
    same = [c for n, c in named if n == best or (best == "InStock" and n in AVAILABLE[:4])]
    count = sum(c for c in same if c is not None) if None not in same and same else None
    return best, count


# --- schema.org offers ------------------------------------------------------------------

def _offers(node: dict[str, Any]) -> list[dict[str, Any]]:
    raw = node.get("offers")
    if raw is None:
        types = node.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(isinstance(t, str) and "offer" in t.lower() for t in types):
            return [node]
        return [node] if "availability" in node else []
    items = raw if isinstance(raw, list) else [raw]
    out: list[dict[str, Any]] = []
    for item in items[:200]:
        if isinstance(item, dict):
            nested = item.get("offers")  # AggregateOffer.offers
            if isinstance(nested, list | dict) and "availability" not in item:
                out.extend(o for o in (nested if isinstance(nested, list) else [nested])[:200]
                           if isinstance(o, dict))
            else:
                out.append(item)
    return out


def _inventory(value: Any) -> int | None:
    if isinstance(value, dict):
        value = value.get("value")
    value = scalar(value)
    if isinstance(value, str):
        value = value.strip()
        return int(value) if value.isdigit() and len(value) < 10 else None
    if value is None or isinstance(value, bool) or value != int(value) or value < 0:
        return None
    return int(value) if value < 10 ** 9 else None


def offer_stock(offer: dict[str, Any]) -> tuple[str | None, int | None]:
    name, count = stock_of(offer.get("availability"))
    inventory = _inventory(offer.get("inventoryLevel"))
    if name is None and inventory is not None:
        name = "InStock" if inventory else "OutOfStock"
    return name, inventory if inventory is not None else count


def _key(name: Any) -> str:
    text = name if isinstance(name, str) else ""
    return re.sub(r"\W", "", text.casefold())


def _same_product(a: str, b: str) -> bool:
    """Names of one product or of its variants ("Boot", "Boot - 39"), not of two products
    ("Merino Cardigan", "Merino Crew Neck")."""
    if not a or not b:
        return True
    shorter = min(len(a), len(b))
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= max(3, 0.6 * shorter) and (common == shorter or shorter > 4)


def product_stock(nodes: list[dict[str, Any]]) -> tuple[str | None, int | None]:
    """(name, count) of the page's product from its schema.org nodes: the first node and
    those of the same product (variants, one node per offer), every offer counted."""
    if not nodes:
        return None, None
    first = _key(nodes[0].get("name"))
    group = {str(nodes[0].get(k)) for k in ("productGroupID", "inProductGroupWithID")
             if nodes[0].get(k)}
    stocks = []
    for node in nodes[:200]:
        ids = {str(node.get(k)) for k in ("productGroupID", "inProductGroupWithID")
               if node.get(k)}
        if node is nodes[0] or (ids & group) or _same_product(first, _key(node.get("name"))):
            stocks.extend(offer_stock(o) for o in _offers(node))
    return combine(stocks)


# --- embedded state ---------------------------------------------------------------------

# (not ``isOnSale``/``onSale``: most shops mean "discounted"; Pinduoduo's profile reads it)
_BOOL_IN = ("available", "availableForSale", "isAvailable", "inStock", "in_stock", "isInStock",
            "is_in_stock", "hasStock", "has_stock")
_BOOL_OUT = ("soldOut", "sold_out", "isSoldOut", "is_sold_out", "outOfStock", "isOutOfStock")
_COUNTS = ("stock", "stockNum", "stockCount", "stock_num", "stock_count", "stockQuantity",
           "stock_quantity", "inventory", "inventoryQuantity", "inventory_quantity",
           "quantityAvailable", "availableQuantity", "available_quantity", "availableStock",
           "quantity")
_STATUS = ("stockState", "stockStatus", "stock_status", "availability", "availabilityStatus",
           "availability_status", "stockDesc", "inventoryStatus", "StockStateName")
_VARIANTS = ("variants", "skus", "skuList", "sku_list", "skuInfos", "skuInfoList",
             "sku2info", "skuMap", "offers")
# JD's stockState: 33 and 40 in stock (39 in transit, sold), 34 out of stock, 36 采购中.
_JD_STATE = {33: "InStock", 39: "InStock", 40: "InStock", 34: "OutOfStock", 36: "PreOrder"}


def _truth(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "y", "n"):
        return value.strip().lower() in ("true", "1", "y")
    return None


def _own_stock(node: dict[str, Any], depth: int = 0) -> tuple[str | None, int | None]:
    for key in _BOOL_OUT:
        truth = _truth(node.get(key))
        if truth is not None:
            return ("OutOfStock" if truth else "InStock"), None
    for key in _STATUS:
        value = node.get(key)
        if isinstance(value, bool):
            return ("InStock" if value else "OutOfStock"), None
        if key == "stockState" and isinstance(scalar(value), int | float):
            name = _JD_STATE.get(int(scalar(value) or 0))  # type: ignore[arg-type]
            if name:
                return name, None
        elif isinstance(value, str) and value.strip():
            name, count = stock_of(value)
            if name:
                return name, count
    for key in _COUNTS:
        value = node.get(key)
        if isinstance(value, dict) and depth < 2:
            inner = _own_stock(value, depth + 1)
            if inner[0]:
                return inner
        elif isinstance(value, bool):
            return ("InStock" if value else "OutOfStock"), None
        elif isinstance(value, int | float | str) and value != "":
            name, count = stock_of(value)
            if name:
                return name, (None if key == "quantity" else count)
    for key in _BOOL_IN:
        truth = _truth(node.get(key))
        if truth is not None:
            return ("InStock" if truth else "OutOfStock"), None
    return None, None


def state_stock(node: dict[str, Any]) -> tuple[str | None, int | None]:
    """(name, count) from a product object of a page's script state: its own stock fields,
    else its variants' (any variant in stock makes it in stock)."""
    own = _own_stock(node)
    if own[0]:
        return own
    for key in _VARIANTS:
        value = node.get(key)
        items = value if isinstance(value, list) else \
            list(value.values()) if isinstance(value, dict) else []
        stocks = [_own_stock(v) for v in items[:500] if isinstance(v, dict)]
        if any(n for n, _ in stocks):
            return combine(stocks)
    return None, None


# --- what the page displays -------------------------------------------------------------

_HEADINGS = frozenset(("h2", "h3", "h4", "h5"))
# Where a per-variant or per-image phrase lives: "L — Variant sold out", "Photo unavailable".
_PICKER_TAGS = frozenset(("label", "fieldset", "legend", "figure", "picture", "figcaption"))
_PICKER = re.compile(r"swatch|variant|variation|sku-?item|size-?(?:list|select|picker|option)|"
                     r"gallery|thumb|placeholder|\bimg\b|image|photo")
# One option of a picker (a size, a colour) and the picker holding several of them: "Only
# 1 left" on size M, "Nur noch 2 verfügbar" inside Zalando's size list speak for that size.
_OPTION_TAGS = frozenset(("label", "li", "button", "option"))
_OPTION_ROLES = frozenset(("radio", "option", "menuitemradio"))
_OPTION = re.compile(r"swatch|option|variant|variation|size|chip|sku-?item")
_PICKER_ROLES = frozenset(("radiogroup", "listbox"))
_PICKER_BOX = re.compile(r"swatch|variant|variation|size|option|picker|twister|sku")
_BUTTONISH = re.compile(r"btn|button|buy|cart|purchase|checkout|basket|bag|kaufen|panier|"
                        r"carrello|carrito|корзин|购")
_DISABLED = re.compile(r"\bdisabled\b|is-disabled|btn-disabled|--disabled|\bdisable\b|"
                       r"sold-?out|unavailable|\bgray\b|\bgrey\b")
# A theme's state badge, shown only under its block's state class: Dawn's
# ``price__badge-sold-out`` under ``price--sold-out``, Debut's ``price__badge--sold-out``.
_BADGE = re.compile(r"^([\w-]+?)__[\w]+?-{1,2}(sold-?out|unavailable|out-of-stock|"
                    r"outofstock|soldout)$")


def _classes(el: Any) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def _hidden(el: Any) -> bool:
    return blocks.hidden(el) or blocks.aria_hidden(el)


def _heading_elsewhere(el: Any) -> bool:
    if tag_of(el) not in _HEADINGS and "title" not in _classes(el) and \
            "heading" not in _classes(el):
        return False
    return blocks.heads_other_products(short_text(el, 80))


def _block_elsewhere(el: Any) -> bool:
    """Not this product's buy box (:mod:`.blocks`): page chrome, dialogs, other products,
    what buyers wrote, or a block whose first heading is "You may also like" / 为你推荐."""
    if blocks.chrome(el) or blocks.other_products(el) or blocks.dialog(el) or \
            blocks.user_content(el):
        return True
    seen = 0
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if _heading_elsewhere(child):
            return True
        seen += 1
        if seen >= 3:
            break
    return False


@dataclass
class _Shown:
    statement: Statement
    element: Any
    order: int
    depth: int  # depth of the deepest block it shares with the title


class _Page:
    """The body's text as lxml serialises it, and the elements holding its offsets."""

    def __init__(self, body: Any, title_el: Any) -> None:
        self.body = body
        self.text = etree.tostring(body, method="text", encoding=str, with_tail=False)
        low = self.text.lower()
        if len(low) != len(self.text):
            low = self.text.replace("\u0130", "I").lower()
        self.low = low if len(low) == len(self.text) else ""
        self.title_chain: dict[Any, int] = {}
        if title_el is not None:
            chain = [title_el, *title_el.iterancestors()]
            self.title_chain = {el: len(chain) - 1 - i for i, el in enumerate(chain)}

    def _keep(self, el: Any, after_heading: bool) -> bool:
        if _hidden(el):
            return False
        if el in self.title_chain:
            return True
        return not (after_heading or _block_elsewhere(el))

    def locate(self, targets: list[int]) -> dict[int, Any]:
        """The element whose text (or a child's tail) holds each offset; offsets inside
        hidden elements, navigation or other products' blocks are left out."""
        found: dict[int, Any] = {}
        stack = [(self.body, 0, len(self.text), sorted(set(targets)))]
        while stack:
            node, base, size, ts = stack.pop()
            pos = base + len(node.text or "")
            i = 0
            while i < len(ts) and ts[i] < pos:
                found[ts[i]] = node
                i += 1
            after_heading = False
            for child in node:
                if i >= len(ts):
                    break
                if isinstance(child.tag, str):
                    if child.getnext() is None:  # the last child: what is left of the node
                        length = base + size - pos - len(child.tail or "")
                    elif tag_of(child) in ("script", "style") and not len(child):
                        length = len(child.text or "")
                    else:
                        length = len(etree.tostring(child, method="text", encoding=str,
                                                    with_tail=False))
                    end = pos + length
                    j = i
                    while j < len(ts) and ts[j] < end:
                        j += 1
                    if j > i and self._keep(child, after_heading):
                        stack.append((child, pos, length, ts[i:j]))
                    i = j
                    pos = end
                    if tag_of(child) in _HEADINGS:
                        after_heading = _heading_elsewhere(child)
                    elif child in self.title_chain:
                        after_heading = False
                tail = len(child.tail or "")
                while i < len(ts) and ts[i] < pos + tail:
                    found[ts[i]] = node
                    i += 1
                pos += tail
        return found

    def shared_depth(self, el: Any) -> int:
        for a in (el, *el.iterancestors()):
            if a in self.title_chain:
                return self.title_chain[a]
        return 0


def _phrases_in(lines: list[str], per_anchor: int = 8) -> set[str]:
    """The stock phrases (lower case) in the page's visible lines. A grid of 2,000 tiles
    says "In stock" 2,000 times: each distinct line is read once, and only the first few
    lines holding each anchor."""
    joined = "\n".join(dict.fromkeys(lines)).lower()
    out: set[str] = set()
    next_line = 0
    seen = [0] * len(_ANCHORS)
    for index, start, _ in _anchor_hits(joined):
        if start < next_line or seen[index] >= per_anchor:
            continue  # that line was read, or enough lines with this anchor were
        seen[index] += 1
        begin = joined.rfind("\n", 0, start) + 1
        end = joined.find("\n", start)
        next_line = end if end >= 0 else len(joined)
        out.update(m.group(0).strip() for _, m in _matches(joined[begin:next_line]))
    out.discard("")
    return out


def _offsets(low: str, phrases: list[str], limit: int = 10) -> list[int]:
    """Where the phrases occur in the body's text (at most ``limit`` times each), in one
    pass; a phrase not found as written is looked for with the page's own whitespace
    between its words ("Only\n  2 left")."""
    counts = dict.fromkeys(phrases, 0)
    out: list[int] = []
    if ahocorasick_rs is not None:
        search = ahocorasick_rs.AhoCorasick(phrases)
        for index, start, _ in search.find_matches_as_indexes(low, overlapping=True):
            phrase = phrases[index]
            if counts[phrase] < limit:
                counts[phrase] += 1
                out.append(start)
    for phrase in phrases:
        if counts[phrase]:
            continue
        start = low.find(phrase)
        while start >= 0 and counts[phrase] < limit:
            counts[phrase] += 1
            out.append(start)
            start = low.find(phrase, start + 1)
        words = phrase.split()
        if not counts[phrase] and len(words) > 1:
            pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
            out.extend(m.start() for _, m in zip(range(limit), pattern.finditer(low),
                                                 strict=False))
    return out


def _chain(el: Any, n: int) -> list[Any]:
    out = [el]
    for a in el.iterancestors():
        if len(out) > n:
            break
        out.append(a)
    return out


def _statement_at(el: Any) -> tuple[Statement, Any] | None:
    """The statement read from the element holding a phrase, or its block (a phrase
    split by inline tags: ``Only <b>2</b> left``)."""
    for holder in _chain(el, 3):
        text = short_text(holder, 200)
        if text is None:
            return None
        statement = read(text)
        if statement is not None:
            return statement, holder
        if tag_of(holder) in BLOCK:
            return None
    return None


def _real_link(el: Any) -> bool:
    href = (el.get("href") or "").strip().lower()
    return bool(href) and not href.startswith(("#", "javascript")) and \
        (el.get("role") or "").lower() != "button" and not _BUTTONISH.search(_classes(el))


def _context_ok(statement: Statement, el: Any, page: _Page) -> bool:
    near = _chain(el, 3)
    for a in near:
        m = next((m for t in (a.get("class") or "").split() if (m := _BADGE.match(t))), None)
        if m and not any(f"{m.group(1)}--{m.group(2)}" in (b.get("class") or "").split()
                         for b in a.iterancestors()):
            return False  # a theme's badge, and its block is not in that state
    if statement.kind == "buy":  # a button, or a div whose whole text is "立即购买"
        return not any(tag_of(a) == "a" and _real_link(a) for a in near[:2]) and not any(a.get("disabled") is not None or
                       (a.get("aria-disabled") or "").lower() == "true" or
                       _DISABLED.search(_classes(a)) for a in near)
    if any(tag_of(a) == "a" and _real_link(a) for a in near[:3]):
        return False  # a link to elsewhere: "Pre-order deals", "Out of stock items"
    if statement.name in AVAILABLE:
        return statement.name != "LimitedAvailability" or not _one_option(el, page)
    for a in _chain(el, 6):
        if a in page.title_chain:
            break
        if tag_of(a) in _PICKER_TAGS or _PICKER.search(_classes(a)):
            return False
    return True


def _one_option(el: Any, page: _Page) -> bool:
    """Whether ``el`` is inside one option of a picker that offers several (a size
    button, a swatch, a radio label): what it says is that option's stock."""
    chain = [a for a in _chain(el, 7) if a not in page.title_chain]
    for i, option in enumerate(chain[:5]):
        if not (tag_of(option) in _OPTION_TAGS or
                (option.get("role") or "").lower() in _OPTION_ROLES or
                _OPTION.search(_classes(option))):
            continue
        for picker in chain[i + 1:i + 4]:
            if tag_of(picker) in ("fieldset", "ul", "ol") or \
                    (picker.get("role") or "").lower() in _PICKER_ROLES or \
                    _PICKER_BOX.search(_classes(picker)):
                if _options_in(picker) >= 2:
                    return True
        return False
    return False


def _options_in(picker: Any) -> int:
    """How many options a picker holds: the most of one kind (labels, radio inputs, list
    items, buttons, elements with an option role), counting at most 60 elements."""
    counts: dict[str, int] = {}
    for node in islice(picker.iter(), 1, 60):
        if not isinstance(node.tag, str):
            continue
        role = (node.get("role") or "").lower()
        kind = "role" if role in _OPTION_ROLES else tag_of(node)
        if kind in ("role", "label", "li", "button", "input"):
            counts[kind] = counts.get(kind, 0) + 1
    return max(counts.values(), default=0)


_GONE = ("OutOfStock", "Discontinued")  # what an enabled buy button contradicts
_WEIGHTS = {"stock": 2.5, "weak": 2.0, "notify": 1.5, "buy": 1.0}


def display_candidates(tree: Any, lines: list[str], title_el: Any = None
                       ) -> list[Candidate]:
    """The displayed availability: the stock statement nearest the title, else an enabled
    buy button; a candidate for ``stock_count`` when it states a number."""
    body = tree.find("body") if tree is not None else None
    if body is None or not lines:
        return []
    phrases = _phrases_in(lines)
    if not phrases:
        return []
    page = _Page(body, title_el)
    if not page.low:
        return []
    targets = _offsets(page.low, sorted(phrases)[:40])
    owners = page.locate(targets)
    shown: list[_Shown] = []
    done: set[Any] = set()
    for offset in sorted(owners):
        el = owners[offset]
        if el in done:
            continue
        done.add(el)
        got = _statement_at(el)
        if got is None or got[1] in done and got[1] is not el:
            continue
        statement, holder = got
        done.add(holder)
        if _context_ok(statement, el, page):
            shown.append(_Shown(statement, el, offset, page.shared_depth(el)))
    return _choose(shown, bool(page.title_chain))


def _choose(shown: list[_Shown], titled: bool) -> list[Candidate]:
    """What the buy box says: statements sharing the deepest block with the title (within
    two levels) first, the first of those in the page. An enabled buy button there beats a
    statement that the product cannot be bought: platforms disable or remove the button
    when it cannot, and themes keep "Sold out" texts that only CSS hides."""
    if not shown:
        return []
    deepest = max(s.depth for s in shown)
    near = [s for s in shown if s.depth >= deepest - 2]
    said = [s for s in near if s.statement.kind in ("stock", "weak")]
    notify = [s for s in near if s.statement.kind == "notify"]
    buy = next((s for s in near if s.statement.kind == "buy"), None)
    best = said[0] if said else notify[0] if notify else buy
    assert best is not None
    statement = best.statement
    if statement.name in _GONE and statement.count is None and buy is not None:
        best, statement = buy, buy.statement
    weight = 1.0 if titled and best.depth <= 1 else _WEIGHTS[statement.kind]  # only <body>
    out = [Candidate("availability", statement.name, STRATEGY, weight=weight)]
    if statement.count is not None:
        out.append(Candidate("stock_count", statement.count, STRATEGY, weight=weight))
    return out


def choose(cands: list[Candidate]) -> Candidate | None:
    """The voted availability; "only 2 left" shown (or in a stock field) refines an
    ``InStock`` from elsewhere: both say it can be bought, one says how many are left."""
    ballot = winner([c for c in cands if c.field == "availability"])
    if ballot is None:
        return None
    if ballot.best.value == "InStock":
        # "Pre-order" in the buy box over a generic InStock from markup or state
        shown = winner([c for c in cands if c.field == "availability"
                        and c.value == "PreOrder" and c.family == "display"
                        and c.weight >= 2])
        if shown is not None:
            return shown.best
        limited = winner([c for c in cands if c.field == "availability"
                          and c.value == "LimitedAvailability" and c.weight >= 2])
        if limited is not None:
            return limited.best
    return ballot.best


def stock_count(cands: list[Candidate], availability: str | None) -> Candidate | None:
    """The best-voted ``stock_count`` candidate that agrees with the availability chosen:
    a positive count for a product in stock, 0 for one out of stock, none otherwise."""
    if availability in ("InStock", "LimitedAvailability"):
        counts = [c for c in cands if c.field == "stock_count" and _count(c.value)]
    elif availability == "OutOfStock":
        counts = [c for c in cands if c.field == "stock_count" and _count(c.value) == 0]
    else:
        return None
    ballot = winner(counts)
    return ballot.best if ballot is not None else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
