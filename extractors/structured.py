"""Structured data (JSON-LD, microdata, RDFa, OpenGraph) via extruct, as field candidates."""

from __future__ import annotations

from typing import Any

import extruct

from .fields import Candidate, availability_of, number_value, text_value
from .money import Money, currency_of, parse_price, to_decimal

_PRODUCT_TYPES = {"product", "productgroup", "productmodel", "individualproduct", "offer",
                  "book", "vehicle", "car", "someproducts"}
_SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/")


def run_extruct(html: str, url: str | None) -> tuple[dict[str, list[Any]], list[str]]:
    """extruct's uniform output; RDFa only when the page uses it (it is the slow one)."""
    syntaxes = ["json-ld", "microdata", "opengraph"]
    if "typeof=" in html or "vocab=" in html:
        syntaxes.append("rdfa")
    warnings: list[str] = []
    data: dict[str, list[Any]] = {}
    for syntax in syntaxes:
        try:
            data.update(extruct.extract(html, base_url=url, syntaxes=[syntax], uniform=True,
                                        errors="strict"))
        except Exception as exc:  # extruct raises whatever its parsers raise
            warnings.append(f"{syntax}: unreadable structured data ({type(exc).__name__})")
    return data, warnings


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type") or []
    items = raw if isinstance(raw, list) else [raw]
    return {str(t).rsplit("/", 1)[-1].lower() for t in items}


def _compact_rdfa(items: list[Any]) -> list[dict[str, Any]]:
    """Turn extruct's expanded RDFa (JSON-LD expanded form) into plain schema.org dicts."""
    by_id = {i.get("@id"): i for i in items if isinstance(i, dict)}

    def convert(node: dict[str, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": node.get("@type")}
        for key, values in node.items():
            if not key.startswith(_SCHEMA_PREFIXES):
                continue
            name = key.rsplit("/", 1)[-1]
            converted = []
            for v in values if isinstance(values, list) else [values]:
                if isinstance(v, dict) and "@value" in v:
                    converted.append(v["@value"])
                elif isinstance(v, dict) and "@id" in v:
                    ref = by_id.get(v["@id"])
                    converted.append(convert(ref, depth + 1) if ref and depth < 4 else v["@id"])
            out[name] = converted[0] if len(converted) == 1 else converted
        return out

    return [convert(i, 0) for i in by_id.values() if isinstance(i, dict) and i.get("@type")]


def _walk_nodes(value: Any, depth: int = 0) -> list[dict[str, Any]]:
    if depth > 6:
        return []
    if isinstance(value, list):
        return [n for v in value for n in _walk_nodes(v, depth + 1)]
    if not isinstance(value, dict):
        return []
    found = [value] if _types(value) & _PRODUCT_TYPES else []
    for key in ("@graph", "mainEntity", "itemListElement", "item", "hasVariant"):
        if key in value:
            found.extend(_walk_nodes(value[key], depth + 1))
    return found


def _offers(node: dict[str, Any]) -> list[dict[str, Any]]:
    if "offer" in _types(node) and "offers" not in node:
        return [node]
    raw = node.get("offers") or []
    offers = raw if isinstance(raw, list) else [raw]
    return [o for o in offers if isinstance(o, dict)]


def _offer_candidates(offer: dict[str, Any], strategy: str, default: str | None,
                      weight: float) -> list[Candidate]:
    out: list[Candidate] = []
    currency = text_value(offer.get("priceCurrency")) or None
    currency = currency.upper() if currency else default
    low = to_decimal(str(offer.get("lowPrice"))) if offer.get("lowPrice") is not None else None
    high = to_decimal(str(offer.get("highPrice"))) if offer.get("highPrice") is not None else None
    if low is not None and high is not None and high > low:
        out.append(Candidate("price", Money(low, currency, high), strategy, "range",
                             weight=weight))
    price = offer.get("price")
    if isinstance(price, list):
        price = price[0] if price else None
    specs = offer.get("priceSpecification") or []
    for spec in specs if isinstance(specs, list) else [specs]:
        if not isinstance(spec, dict) or spec.get("price") is None:
            continue
        spec_cur = text_value(spec.get("priceCurrency")) or currency
        money = parse_price(str(spec["price"]), spec_cur)
        if money is None:
            continue
        kind = str(spec.get("priceType") or "").rsplit("/", 1)[-1]
        if kind in ("StrikethroughPrice", "ListPrice", "MSRP", "SRP"):
            out.append(Candidate("original_price", money, strategy, "original", kind, weight))
        elif price is None:
            price = spec["price"]
    if price is not None:
        money = parse_price(str(price), currency)
        if money is not None:
            money = Money(money.amount, currency or money.currency, money.max_amount)
            out.append(Candidate("price", money, strategy, weight=weight))
    elif low is not None:
        out.append(Candidate("price", Money(low, currency), strategy, "range", weight=weight))
    avail = availability_of(offer.get("availability"))
    if avail:
        out.append(Candidate("availability", avail, strategy, weight=weight))
    seller = offer.get("seller")
    if isinstance(seller, dict) and text_value(seller.get("name")):
        out.append(Candidate("seller", {"name": text_value(seller.get("name")),
                                        "url": text_value(seller.get("url"))}, strategy))
    sku = text_value(offer.get("sku"))
    if sku:
        out.append(Candidate("sku", sku, strategy, weight=weight))
    return out


def product_candidates(node: dict[str, Any], strategy: str, default: str | None,
                       weight: float = 3.0) -> list[Candidate]:
    """Candidates for every field one schema.org Product (or Offer) node states."""
    out: list[Candidate] = []
    for field, keys in (("title", ("name",)), ("sku", ("sku", "productID", "mpn", "gtin13",
                                                        "gtin", "gtin14", "gtin12")),
                        ("description", ("description",)), ("brand", ("brand",))):
        for key in keys:
            value = text_value(node.get(key), 2000 if field == "description" else 500)
            if value:
                out.append(Candidate(field, value, strategy, weight=weight))
                break
    for offer in _offers(node):
        out.extend(_offer_candidates(offer, strategy, default, weight))
    rating = node.get("aggregateRating")
    if isinstance(rating, dict):
        value = number_value(rating.get("ratingValue"))
        if value is not None:
            out.append(Candidate("rating", value, strategy))
        count = number_value(rating.get("reviewCount") or rating.get("ratingCount"))
        if count is not None:
            out.append(Candidate("review_count", int(count), strategy))
    images = node.get("image")
    for image in images if isinstance(images, list) else [images]:
        url = image.get("url") if isinstance(image, dict) else image
        if isinstance(url, str) and url.strip():
            out.append(Candidate("images", url.strip(), strategy))
    return out


def _og_candidates(og: dict[str, Any], default: str | None) -> list[Candidate]:
    out: list[Candidate] = []
    title = text_value(og.get("og:title"))
    if title:
        out.append(Candidate("title", title, "opengraph", weight=1.5))
    amount = og.get("product:price:amount") or og.get("og:price:amount")
    if amount is not None:
        sym = text_value(og.get("product:price:currency") or og.get("og:price:currency"))
        currency = currency_of(sym, default) if sym and len(sym) == 1 else (sym or default)
        money = parse_price(str(amount), currency)
        if money is not None:
            out.append(Candidate("price", Money(money.amount, currency), "opengraph",
                                 weight=1.5))
    avail = availability_of(og.get("product:availability") or og.get("og:availability"))
    if avail:
        out.append(Candidate("availability", avail, "opengraph", weight=1.5))
    image = text_value(og.get("og:image"))
    if image:
        out.append(Candidate("images", image, "opengraph"))
    desc = text_value(og.get("og:description"), 2000)
    if desc:
        out.append(Candidate("description", desc, "opengraph", weight=1.5))
    return out


def structured_candidates(data: dict[str, list[Any]], default: str | None
                          ) -> tuple[list[Candidate], list[dict[str, Any]]]:
    """Candidates from extruct output, and the raw schema.org nodes (for promises)."""
    out: list[Candidate] = []
    nodes: list[dict[str, Any]] = []
    for syntax in ("json-ld", "microdata", "rdfa"):
        items = data.get(syntax) or []
        if syntax == "rdfa":
            items = _compact_rdfa(items)
        weight = {"json-ld": 3.0, "microdata": 3.0, "rdfa": 2.5}[syntax]
        for node in _walk_nodes(items):
            nodes.append(node)
            out.extend(product_candidates(node, syntax, default, weight))
    for og in data.get("opengraph") or []:
        if isinstance(og, dict):
            out.extend(_og_candidates(og, default))
    return out, nodes
