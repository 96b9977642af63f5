"""The listing record from the candidates the strategies proposed (see :mod:`.listing`).

Every part (prices, seller, shipping, specs, promises, claims...) is built guarded: a part
that fails leaves its fields empty and a warning naming it, never a lost record.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from . import blocks, generic
from . import claims as claims_mod
from .availability import choose as choose_availability
from .availability import stock_count
from .embedded import in_major_units
from .fields import Candidate, money_key
from .guard import guarded, join_url
from .html import clean, first_line
from .money import Money, find_prices, fmt
from .promises import find_promises, merge
from .sites import SITE_NAMES, host_of
from .sku import choose as choose_sku
from .structured_promises import structured_promises
from .vote import Ballot, tally, winner

SCHEMA = "jianyipai.listing/1"
_SHIPPING = re.compile(r"运费|邮费|快递|配送至|包邮|免运费|shipping|delivery", re.I)
_NOT_SHIPPING = re.compile(r"运费险|運費險|returns?", re.I)
_FREE = re.compile(r"包邮|免运费|免邮|运费\s*[:：]?\s*[¥￥]?\s*0(?:\.0+)?(?!\d)|free", re.I)
#: Every key of a listing record, each None (or empty) when nothing was found.
EMPTY: dict[str, Any] = {
    "schema": SCHEMA, "kind": "listing", "url": None, "site": None, "title": None,
    "price": None, "price_range": None, "original_price": None, "price_candidates": [],
    "seller": None, "sku": None, "availability": None, "stock_count": None, "rating": None,
    "review_count": None, "shipping": None, "promises": [], "claims": [],
    "claims_note": claims_mod.CLAIMS_NOTE,
    "specs": {}, "images": [], "sources": {}, "encoding": None, "warnings": [],
    "removed": False, "countdown": None,
}


def empty_record(url: str | None, warnings: list[str], encoding: str | None = None
                 ) -> dict[str, Any]:
    """A record with every key and nothing found: what is left when all else failed."""
    record = {k: (v.copy() if isinstance(v, dict | list) else v) for k, v in EMPTY.items()}
    record.update(url=url, warnings=warnings, encoding=encoding)
    return record


def _price_list(cands: list[Candidate]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for c in cands:
        if c.field not in ("price", "original_price") or c.weight < 1:
            continue
        key = (c.strategy, c.role, money_key(c.value))
        if key in seen:
            continue
        seen.add(key)
        item = {"strategy": c.strategy, "role": c.role, "amount": fmt(c.value.amount),
                "currency": c.value.currency, "label": c.label}
        if c.value.max_amount is not None:
            item["max"] = fmt(c.value.max_amount)
        out.append(item)
    return out


def _pick(cands: list[Candidate], field: str, key=lambda v: v) -> Ballot | None:
    return winner([c for c in cands if c.field == field], key)


def _not_shown_as_original(prices: list[Ballot], originals: list[Ballot]) -> list[Ballot]:
    """Price ballots, best first: a displayed 券后价/到手价 first, and not the original.

    A profile selector or a state field may hand over the struck price (``.tm-price`` also
    matches the 划线价, ``item.price`` holds the list price). When the best original-price
    ballot is displayed (weight >= 3) at the same amount as the winning price and the display
    offers a lower price, that lower one is what the buyer pays now.
    """
    if len(prices) < 2:
        return prices
    final = [b for b in prices[1:] if b.best.value.amount < prices[0].best.value.amount
             and any(c.family == "display" and c.weight >= 3 and c.label
                     and generic.FINAL.search(c.label) for c in b.members)]
    if final and not any(c.label and generic.FINAL.search(c.label) for c in prices[0].members):
        # 券后价/到手价 shown on the page beat a 价格/促销价 or unlabelled price (README).
        return [final[0]] + [b for b in prices if b is not final[0]]
    if not originals:
        return prices
    shown = originals[0]
    if shown.families.get("display", 0.0) < 3.0 or shown.key != prices[0].key:
        return prices
    amount = shown.best.value.amount
    lower = [b for b in prices[1:] if "display" in b.families
             and b.best.value.amount < amount and b.best.value.max_amount is None]
    if not lower:
        return prices
    return [lower[0]] + [b for b in prices if b is not lower[0]]


_SUFFIX = re.compile(r"\s*[-|–—·]\s*\S.{0,30}")


def _without_site_suffix(title: str | None, cands: list[Candidate]) -> str | None:
    """``Foo | eBay`` -> ``Foo`` when another title candidate (the page's heading) says Foo."""
    if not title:
        return title
    for c in cands:
        other = clean(c.value) if c.field == "title" and isinstance(c.value, str) else None
        if other and len(other) < len(clean(title)) and clean(title).startswith(other) and \
                _SUFFIX.fullmatch(clean(title)[len(other):]):
            return other
    return title


_TITLE_SEPARATOR = re.compile(r"\s*[-|–—_·•]\s*")
_GENERIC_SUFFIX = frozenset((
    "", "官网", "官方网站", "官方旗舰店", "旗舰店", "网", "商城", "网上商城", "图书", "online",
    "shop", "store", "onlineshop", "official", "officialsite", "officialstore", "de", "com",
    "couk", "fr", "it", "es", "nl", "pl", "ru", "cojp", "jp", "cn", "be", "at", "ch",
))
_HOST_NOISE = frozenset(("www", "m", "shop", "store", "item", "items", "detail", "product",
                         "products", "goods", "mobile", "co", "com", "org", "net", "ne", "or"))


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def site_names(tree: Any, url: str | None, site: str | None) -> set[str]:
    """The names a page gives its site: ``og:site_name`` / ``application-name`` in its
    head, the host's name (``product.dangdang.com`` -> dangdang), and the site's own name
    for known sites (唯品会), each lower case without spaces or punctuation."""
    names: set[str] = set()
    head = tree.find("head") if tree is not None else None
    if head is not None:
        for el in head.iter("meta"):
            key = (el.get("property") or el.get("name") or "").strip().lower()
            if key in ("og:site_name", "application-name", "apple-mobile-web-app-title"):
                names.add(_norm(el.get("content") or ""))
    labels = [x for x in (host_of(url) or "").split(".")[:-1] if x not in _HOST_NOISE]
    if labels:
        names.add(_norm(labels[-1]))
    names.update(_norm(n) for n in SITE_NAMES.get(site or "", ()))
    return {n for n in names if len(n) >= 2}


def without_site_name(title: str | None, names: set[str]) -> str | None:
    """``Foo – Dangdang``, ``Foo | bol.com``, ``…黑色-唯品会`` -> ``Foo``: a last part after a
    separator that is only the site's name (with "official store", ".com"…)."""
    if not title or not names:
        return title
    cut = None
    for m in _TITLE_SEPARATOR.finditer(title):
        if m.start() == 0 or len(title) - m.end() > 40:
            continue
        suffix = _norm(title[m.end():])
        if any(n in suffix and suffix.replace(n, "", 1) in _GENERIC_SUFFIX for n in names):
            cut = m.start()
            break
    return title[:cut].strip() if cut else title


def _fill_currency(money: Money, cands: list[Candidate], fallback: str | None) -> Money:
    if money.currency:
        return money
    for c in cands:
        if c.field in ("price", "original_price") and c.value.currency:
            return Money(money.amount, c.value.currency, money.max_amount)
    return Money(money.amount, fallback, money.max_amount)


def _shipping(lines: list[str], cands: list[Candidate], currency: str | None
              ) -> tuple[dict[str, Any] | None, str | None]:
    chosen = _pick(cands, "shipping")
    text = chosen.best.value if chosen else None
    strategy = chosen.best.strategy if chosen else None
    if text is None:
        found = first_line(lines[:3000], _SHIPPING, max_len=60, unless=_NOT_SHIPPING)
        text = found[0] if found else None
        strategy = "generic" if text else None
    if text is None:
        return None, None
    prices = find_prices(text, currency)
    free = True if _FREE.search(text) else None
    cost = prices[0][0] if prices else None
    if cost is not None and cost.amount == 0:
        free = True
    return {"text": text, "free": free,
            "cost": cost.as_price() if cost is not None and not free else None}, strategy


def _images(cands: list[Candidate], url: str | None) -> list[str]:
    out: list[str] = []
    for c in cands:
        if c.field != "images" or not isinstance(c.value, str) or c.value.startswith("data:"):
            continue
        src = join_url(url, c.value)
        if src not in out:
            out.append(src)
    return out[:20]



def _prices(cands: list[Candidate], currency: str | None, sources: dict[str, str],
            warnings: list[str]) -> tuple[Any, Any, Any]:
    """(price, price_range, original_price) from the price ballots."""
    price_cands = [c for c in cands if c.field == "price" and c.role != "member"]
    # an amount the page labels as a member or card price is none, whoever proposes it (the
    # biggest font: Ozon shows its card price largest), unless it is also shown for everyone
    members = {money_key(c.value) for c in cands if c.field == "price" and c.role == "member"}
    members -= {money_key(c.value) for c in price_cands if c.strategy == "generic"}
    price_cands = [c for c in price_cands if money_key(c.value) not in members] or price_cands
    ballots = _not_shown_as_original(tally(price_cands, money_key),
                                     tally([c for c in cands if c.field == "original_price"],
                                           money_key))
    price = price_range = None
    if ballots:
        top = ballots[0]
        money = _fill_currency(top.best.value, cands, currency)
        sources["price"] = top.best.strategy
        if money.max_amount is not None:
            price_range = money.as_range()
            sources["price_range"] = top.best.strategy
        price = Money(money.amount, money.currency).as_price()
        if "display" in top.families:
            for other in ballots[1:]:
                if "markup" in other.families and "markup" not in top.families:
                    m = other.best.value
                    warnings.append(
                        f"displayed price {fmt(money.amount)} differs from {other.best.strategy} "
                        f"{fmt(m.amount)}; both kept in price_candidates")
                    break
    else:
        warnings.append("no price found")
    original = None
    obs = tally([c for c in cands if c.field == "original_price"], money_key)
    # The best-voted original price that is above the price: a lower one (a "Regular price"
    # label on the current price, say) must not hide a struck price above it.
    ob = next((b for b in obs if price is None
               or b.best.value.amount > Decimal(price["amount"])), obs[0] if obs else None)
    if ob is not None:
        om = _fill_currency(ob.best.value, cands, currency)
        if price is None or om.amount > Decimal(price["amount"]):
            original = Money(om.amount, om.currency).as_price()
            sources["original_price"] = ob.best.strategy
        else:
            warnings.append(f"original price {fmt(om.amount)} is not above the price; ignored")
    if price is not None and price["currency"] is None:
        warnings.append("price currency unknown")
    return price, price_range, original


def _seller(cands: list[Candidate], url: str | None, sources: dict[str, str]
            ) -> dict[str, Any] | None:
    seller_ballot = _pick(cands, "seller", lambda v: clean(v["name"]).lower())
    if seller_ballot is None:
        return None
    name = seller_ballot.best.value["name"]
    seller_url = next((c.value.get("url") for c in seller_ballot.members
                       if c.value.get("url")), None)
    if seller_url and url:
        seller_url = join_url(url, seller_url)
    sources["seller"] = seller_ballot.best.strategy
    return {"name": name, "url": seller_url}


def _sku(cands: list[Candidate], lines: list[str], sources: dict[str, str]) -> str | None:
    chosen = choose_sku(cands, lines)
    if chosen is None:
        return None
    sources["sku"] = chosen.strategy
    return chosen.value


def _promises(lines: list[str], title: str | None, nodes: list[dict[str, Any]],
              warnings: list[str], captured_at: Any = None, tree: Any = None
              ) -> list[dict[str, Any]]:
    """Promises of the title, the visible text and the structured data. ``captured_at``
    (when the caller knows it) resolves dates given without a year and lunar days. With
    the page's ``tree``, a promise whose wording the page shows only inside blocks of other
    products (each tile of a carousel saying "Free shipping") is left out."""
    text = "\n".join(lines)
    page_promises = guarded("promises", warnings, [], lambda: find_promises(
        text, "page", captured_at=captured_at))
    if page_promises and tree is not None:
        page_promises = guarded("promises of other products", warnings, page_promises,
                                lambda: _not_only_elsewhere(page_promises, tree, text))
    if title:
        page_promises = merge(find_promises(title, "page", captured_at=captured_at),
                              page_promises)
    return merge(page_promises, guarded("structured-data promises", warnings, [],
                                        lambda: structured_promises(nodes,
                                                                    captured_at=captured_at)))


def _not_only_elsewhere(promises: list[dict[str, Any]], tree: Any, text: str
                        ) -> list[dict[str, Any]]:
    """``promises`` without those whose wording the page shows only inside blocks of
    other products (the blocks the price reader passed over, :func:`blocks.passed_over`):
    every occurrence of it in the page's text nodes is inside one, and the visible text
    ``text`` holds it no more often."""
    seen = blocks.passed_over(tree)
    if seen is None or not seen.spans:
        return promises
    out = []
    for p in promises:
        wording = p.get("text") or ""
        if wording and seen.only_inside(wording, text):
            continue
        out.append(p)
    return out


def _claims(lines: list[str], title: str | None, description: str | None,
            warnings: list[str]) -> list[dict[str, Any]]:
    claim_groups = [claims_mod.find_claims(title, "title")] if title else []
    if description:
        claim_groups.append(claims_mod.find_claims(description, "description"))
    claim_groups.append(claims_mod.find_claims("\n".join(lines), "body", limit=200))
    claims, cut = claims_mod.merge(*claim_groups)
    if cut:
        warnings.append("more than 200 claim candidates; the rest were left out")
    return claims


def build_record(url: str | None, site: str | None, currency: str | None,
                 cands: list[Candidate], nodes: list[dict[str, Any]], lines: list[str],
                 tree: Any, *, profile_removed: bool, warnings: list[str],
                 encoding: str | None, captured_at: Any = None) -> dict[str, Any]:
    """The record: votes on the candidates, then promises, claims, specs from the page.
    ``captured_at`` (when the page was shown) dates the promises' days without a year."""
    sources: dict[str, str] = {}
    cands = guarded("minor units", warnings, cands, lambda: in_major_units(cands))

    def take(field: str, key=lambda v: v) -> Any:
        ballot = _pick(cands, field, key)
        if ballot is None:
            return None
        sources[field] = ballot.best.strategy
        return ballot.best.value

    def part(name: str, default: Any, run: Any) -> Any:
        return guarded(name, warnings, default, run)

    title = part("title vote", None,
                 lambda: _without_site_suffix(take("title", lambda v: clean(v).lower()), cands))
    title = part("site name", title,
                 lambda: without_site_name(title, site_names(tree, url, site)))
    price, price_range, original = part("price vote", (None, None, None),
                                        lambda: _prices(cands, currency, sources, warnings))
    seller = part("seller vote", None, lambda: _seller(cands, url, sources))
    sku = part("sku vote", None, lambda: _sku(cands, lines, sources))
    chosen = part("availability vote", None, lambda: choose_availability(cands))
    availability = chosen.value if chosen is not None else None
    if chosen is not None:
        sources["availability"] = chosen.strategy
    rating = part("rating vote", None, lambda: take("rating"))
    review_count = part("review count vote", None, lambda: take("review_count"))
    description = part("description vote", None, lambda: take("description"))
    sources.pop("description", None)

    removed_phrase = part("removed", None, lambda: generic.removed_phrase(lines))
    removed = bool(removed_phrase) or profile_removed
    if removed:
        sources["removed"] = "generic" if removed_phrase else "profile"
        if availability in (None, "InStock"):
            availability = "Discontinued"
            sources["availability"] = sources["removed"]
    counted = part("stock count", None, lambda: stock_count(cands, availability))
    if counted is not None:
        sources["stock_count"] = counted.strategy
    shipping, ship_source = part("shipping", (None, None),
                                 lambda: _shipping(lines, cands, currency))
    if ship_source:
        sources["shipping"] = ship_source
    return {
        "schema": SCHEMA, "kind": "listing", "url": url, "site": site, "title": title,
        "price": price, "price_range": price_range, "original_price": original,
        "price_candidates": part("price candidates", [], lambda: _price_list(cands)),
        "seller": seller, "sku": sku, "availability": availability,
        "stock_count": counted.value if counted is not None else None, "rating": rating,
        "review_count": review_count, "shipping": shipping,
        "promises": part("promises", [],
                         lambda: _promises(lines, title, nodes, warnings, captured_at,
                                                           tree)),
        "claims": part("claims", [], lambda: _claims(lines, title, description, warnings)),
        "claims_note": claims_mod.CLAIMS_NOTE,
        "specs": part("specs", {}, lambda: generic.specs_of(tree)),
        "images": part("images", [], lambda: _images(cands, url)),
        "sources": sources, "encoding": encoding, "warnings": warnings, "removed": removed,
    }
