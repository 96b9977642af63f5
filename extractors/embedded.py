"""Field candidates from embedded JSON state (``window.rawData``, ``__NEXT_DATA__``...).

Profiles name exact paths (``rawData.store.goods.minGroupPrice|cents``). Without a profile,
a generic search looks for the product-like object: the dict with the most product keys
(a title key, a price key, an id key) nearest the root.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from .availability import state_stock, stock_of
from .fields import Candidate, text_value
from .jsobject import get_path
from .money import Money, parse_price

STRATEGY = "embedded-json"
_TITLE = ("goodsName", "itemName", "skuName", "productName", "itemTitle", "goods_name",
          "title", "name")
_PRICE = ("salePrice", "finalPrice", "currentPrice", "promotionPrice", "activityPrice",
          "minGroupPrice", "groupPrice", "jdPrice", "sale_price", "price", "p", "priceValue",
          "minPrice")
_ORIGINAL = ("originalPrice", "marketPrice", "linePrice", "listPrice", "op", "m",
             "reservePrice", "original_price", "normalPrice")
_SKU = ("skuId", "itemId", "goodsId", "productId", "item_id", "goods_id", "sku", "itemNumId",
        "id")
_SELLER = ("shopName", "sellerNick", "mallName", "storeName", "sellerName", "seller_name")
_MAX_NODES = 20000
#: Minor units of script state: cents and fen (Pinduoduo's ``rawData``, Shopify's product
#: JSON), and Shopee's 100,000ths.
_MINOR_UNITS = (100, 100_000)
#: A state amount this many times the displayed price, not shown itself, is in a minor
#: unit (or no price of this product): never the price nor the original price.
_TOO_HIGH = 50


# Lists of this product's own variants; any other list of several objects (feeds,
# recommendations, "products") lists other products.
_OWN_LIST = re.compile(r"variant|sku|option|spec|model|colou?r|size|prop", re.I)


def _iter_dicts(value: Any, depth: int = 0, budget: list[int] | None = None,
                listed: bool = False, key: str = ""):
    """``(dict, depth, listed)`` for every dict inside ``value``; ``listed`` when it (or
    what holds it) is one of several objects in a list of other products."""
    budget = budget if budget is not None else [_MAX_NODES]
    if depth > 12 or budget[0] <= 0:
        return
    budget[0] -= 1
    if isinstance(value, dict):
        yield value, depth, listed
        for k, v in value.items():
            if isinstance(v, dict | list):
                yield from _iter_dicts(v, depth + 1, budget, listed, str(k))
    elif isinstance(value, list):
        items = value[:200]
        many = listed or (sum(1 for v in items[:3] if isinstance(v, dict)) >= 2
                          and not _OWN_LIST.search(key))
        for v in items:
            if isinstance(v, dict | list):
                yield from _iter_dicts(v, depth + 1, budget, many, key)


def _first(node: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, Any] | None:
    for key in keys:
        if key in node and node[key] not in (None, "", [], {}):
            return key, node[key]
    return None


def _price(value: Any, currency: str | None, cents: bool = False) -> Money | None:
    if isinstance(value, dict):
        value = value.get("value") or value.get("amount") or value.get("price")
    if isinstance(value, list):
        value = value[0] if value else None
    money = parse_price(value, currency) if value is not None else None
    if money is None or money.amount <= 0:
        return None
    if cents:
        money = Money(money.amount / Decimal(100), money.currency,
                      money.max_amount / Decimal(100) if money.max_amount else None)
    return money


def _score(node: dict[str, Any]) -> int:
    has_price = _first(node, _PRICE) is not None
    has_title = _first(node, _TITLE[:-1]) is not None or (
        has_price and isinstance(node.get("name"), str))
    return 2 * has_price + 2 * has_title + (_first(node, _SKU) is not None) + (
        _first(node, _ORIGINAL) is not None) + (_first(node, _SELLER) is not None)


def generic_candidates(objects: dict[str, Any], currency: str | None) -> list[Candidate]:
    """Candidates from the most product-like dict across all embedded objects."""
    best: tuple[int, int, dict[str, Any]] | None = None
    for root in objects.values():
        for node, depth, listed in _iter_dicts(root):
            if listed:
                continue  # another product's (a feed, recommendations)
            score = _score(node)
            if score >= 4 and (best is None or (score, -depth) > (best[0], -best[1])):
                best = (score, depth, node)
    if best is None:
        return []
    node = best[2]
    out: list[Candidate] = []
    title = _first(node, _TITLE)
    if title and text_value(title[1]):
        out.append(Candidate("title", text_value(title[1]), STRATEGY, weight=2.0))
    price = _first(node, _PRICE)
    money = _price(price[1], currency) if price else None
    if money:
        out.append(Candidate("price", money, STRATEGY, "range" if money.max_amount else "price",
                             price[0] if price else None, 2.5))
    original = _first(node, _ORIGINAL)
    money = _price(original[1], currency) if original else None
    if money:
        out.append(Candidate("original_price", money, STRATEGY, "original", original[0], 2.5))
    sku = _first(node, _SKU)
    if sku and text_value(sku[1]):
        # The key goes in ``label``: a bare ``id`` is often an internal database key, which
        # the sku choice (``sku.choose``) ranks below the id in the page's address.
        out.append(Candidate("sku", text_value(sku[1]), STRATEGY, label=sku[0], weight=2.0))
    seller = _first(node, _SELLER)
    if seller and text_value(seller[1]):
        out.append(Candidate("seller", {"name": text_value(seller[1]), "url": None}, STRATEGY))
    stock, count = state_stock(node)  # its own stock fields, else its variants'
    if stock:
        out.append(Candidate("availability", stock, STRATEGY, weight=2.0))
    if stock and count is not None:
        out.append(Candidate("stock_count", count, STRATEGY, weight=2.0))
    return out


def path_candidates(objects: dict[str, Any], paths: dict[str, list[str]],
                    currency: str | None, strategy: str) -> list[Candidate]:
    """Candidates from a profile's ``[embedded]`` paths; ``|cents`` divides by 100."""
    out: list[Candidate] = []
    for field, entries in paths.items():
        for entry in entries:
            path, _, modifier = entry.partition("|")
            value = get_path(objects, path.strip())
            if value is None:
                continue
            if field in ("price", "original_price"):
                money = _price(value, currency, cents=modifier.strip() == "cents")
                if money:
                    role = "original" if field == "original_price" else (
                        "range" if money.max_amount else "price")
                    out.append(Candidate(field, money, strategy, role, path.rsplit(".", 1)[-1],
                                         4.0))
                    break
            elif field == "availability":
                avail, count = stock_of(value) if modifier.strip() != "soldout" else (
                    "OutOfStock" if value else "InStock", None)
                if avail:
                    out.append(Candidate(field, avail, strategy, weight=4.0))
                    if count is not None:
                        out.append(Candidate("stock_count", count, strategy, weight=4.0))
                    break
            elif field == "seller":
                name = text_value(value)
                if name:
                    out.append(Candidate(field, {"name": name, "url": None}, strategy,
                                         weight=4.0))
                    break
            else:
                text = text_value(value)
                if text:
                    out.append(Candidate(field, text, strategy, weight=4.0))
                    break
    return out


def in_major_units(cands: list[Candidate]) -> list[Candidate]:
    """Script-state prices read in the unit the page shows.

    State often holds amounts in the minor unit (``minGroupPrice: 8990`` for ¥89.90,
    ``price: 12999`` for $129.99): when one of a strategy's state amounts is exactly 100
    (or 100,000) times an amount the page displays, all of that strategy's amounts are
    divided by it. A state amount that is not displayed and is 50 or more times the
    displayed price (``marketPrice: 12900`` beside ¥89.90) is dropped: never the price nor
    the original price.
    """
    prices = ("price", "original_price")
    shown = {c.value.amount for c in cands if c.field in prices and c.family == "display"
             and isinstance(c.value, Money)}
    # the amounts the display stands by (not the runners-up of weight 0.5)
    firm = {c.value.amount for c in cands if c.field in prices and c.family == "display"
            and isinstance(c.value, Money) and c.weight >= 1}
    state = [c for c in cands if c.field in prices and c.family == "state"
             and isinstance(c.value, Money)]
    if not shown or not state:
        return cands
    factors: dict[str, int] = {}
    for c in state:
        amount = c.value.amount
        if c.strategy in factors or amount != amount.to_integral_value():
            continue
        factor = next((f for f in _MINOR_UNITS if amount / f in firm), None)
        if factor is not None:
            factors[c.strategy] = factor
    shown_price = max((c for c in cands if c.field == "price" and c.family == "display"
                       and c.role in ("price", "range") and isinstance(c.value, Money)),
                      key=lambda c: c.weight, default=None)
    top = shown_price.value.amount if shown_price is not None else None
    out: list[Candidate] = []
    for c in cands:
        if c.family == "state" and c.field in prices and isinstance(c.value, Money):
            money = c.value
            factor = factors.get(c.strategy)
            if factor is not None:
                c = replace(c, value=Money(money.amount / factor, money.currency,
                                           money.max_amount / factor
                                           if money.max_amount is not None else None))
            elif top is not None and top > 0 and money.amount >= _TOO_HIGH * top and \
                    money.amount not in shown:
                continue
        out.append(c)
    return out
