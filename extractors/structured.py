"""Structured data (JSON-LD, microdata, RDFa, OpenGraph) via extruct, as field candidates."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import extruct
from extruct.jsonld import JsonLdExtractor
from lxml import etree

from .availability import availability_of, product_stock
from .fields import Candidate, number_value, plain, scalar, text_value
from .money import Money, currency_of, parse_price, to_decimal
from .opengraph import opengraph
from .rdfa import rdfa_markup, typeof_names

_PRODUCT_TYPES = {"product", "productgroup", "productmodel", "individualproduct", "offer",
                  "book", "vehicle", "car", "someproducts"}
_SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/")
#: The sku is the seller's article id: ``mpn`` and ``gtin*`` name the maker's part and the
#: barcode, so they are never read as the sku (nor a ``productID`` that says it is one).
_BARCODE_ID = re.compile(r"\s*(?:isbn|gtin\d*|ean|upc|mpn|jan)\s*:", re.I)
#: extruct reads nested microdata items in time that grows with the cube of their nesting;
#: real pages nest a few levels, so a page nesting deeper is not read as microdata.
MAX_MICRODATA_NESTING = 32
_DEEP_ITEMS = f"boolean(//*[@itemscope][count(ancestor::*[@itemscope]) >= {MAX_MICRODATA_NESTING}])"
# What each syntax starts from. (``//@name`` is the quick way to ask libxml2 for
# attributes; a predicate testing each element costs several times more. The HTML parser
# drops a <head> anywhere but under the root, so no walk is needed to find the heads.)
_HAS_ITEMS = etree.XPath("boolean(//@itemscope)")
_TYPEOF = etree.XPath("//@typeof", smart_strings=False)
_HEADS = etree.XPath("/*/head")


def run_extruct(html: str, url: str | None, tree: Any = None
                ) -> tuple[dict[str, list[Any]], list[str]]:
    """extruct's uniform output, reading only the syntaxes the page holds.

    With ``tree`` (the page already parsed by :func:`extractors.html.parse_page`) nothing
    is parsed again, and the tree is walked once per question: JSON-LD is
    read script by script (one broken script does not hide the others), microdata only
    when an element has ``itemscope``, OpenGraph from the head's meta tags
    (:mod:`extractors.opengraph`), and RDFa (pyRdfa, the slow one) only when a ``typeof``
    names a product type (the only RDFa :func:`structured_candidates` reads) and then only
    over the elements RDFa reads (:func:`extractors.rdfa.rdfa_markup`), not the whole page.
    """
    if tree is None:
        return _run_on_text(html, url)
    warnings: list[str] = []
    root = tree.getroottree().getroot()
    data: dict[str, list[Any]] = {"json-ld": _json_ld(tree, warnings)}
    if _HAS_ITEMS(tree):
        if tree.xpath(_DEEP_ITEMS):
            warnings.append(f"microdata: items nested more than {MAX_MICRODATA_NESTING} "
                            "deep; not read")
        else:
            _extract(tree, url, "microdata", data, warnings)
    try:
        data["opengraph"] = opengraph(root, _HEADS(tree))
    except Exception as exc:  # what extruct's reader raises on the same page
        warnings.append(f"opengraph: unreadable structured data ({type(exc).__name__})")
    if typeof_names(_TYPEOF(tree)) & _PRODUCT_TYPES:  # (property="rdf:type" is not read)
        markup = rdfa_markup(tree)
        if markup is not None:
            _extract(markup, url, "rdfa", data, warnings)
    return data, warnings


def _run_on_text(html: str, url: str | None) -> tuple[dict[str, list[Any]], list[str]]:
    syntaxes = ["json-ld", "microdata", "opengraph"]
    if "typeof=" in html or "vocab=" in html:
        syntaxes.append("rdfa")
    warnings: list[str] = []
    data: dict[str, list[Any]] = {}
    for syntax in syntaxes:
        _extract(html, url, syntax, data, warnings)
    return data, warnings


def _extract(source: Any, url: str | None, syntax: str, data: dict[str, list[Any]],
             warnings: list[str]) -> None:
    try:
        data.update(extruct.extract(source, base_url=url, syntaxes=[syntax], uniform=True,
                                    errors="strict"))
    except Exception as exc:  # extruct raises whatever its parsers raise
        warnings.append(f"{syntax}: unreadable structured data ({type(exc).__name__})")


def _json_ld(tree: Any, warnings: list[str]) -> list[Any]:
    items: list[Any] = []
    extractor = JsonLdExtractor()
    for n, script in enumerate(tree.iter("script")):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            items.extend(extractor.extract_items(script, base_url=None))
        except Exception as exc:  # json, jstyleson: bad syntax, NaN, nesting too deep
            warnings.append(f"json-ld: unreadable structured data in script {n + 1} "
                            f"({type(exc).__name__})")
    return items


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type") or []
    items = raw if isinstance(raw, list) else [raw]
    return {t.rsplit("/", 1)[-1].lower() for t in items[:20] if isinstance(t, str)}


def _compact_rdfa(items: list[Any]) -> list[dict[str, Any]]:
    """Turn extruct's expanded RDFa (JSON-LD expanded form) into plain schema.org dicts."""
    by_id = {i.get("@id"): i for i in items
             if isinstance(i, dict) and isinstance(i.get("@id"), str | None)}

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
                elif isinstance(v, dict) and isinstance(v.get("@id"), str):
                    ref = by_id.get(v["@id"])
                    converted.append(convert(ref, depth + 1) if ref and depth < 4 else v["@id"])
            out[name] = converted[0] if len(converted) == 1 else converted
        return out

    return [convert(i, 0) for i in by_id.values() if isinstance(i, dict) and i.get("@type")]


def _amount(value: Any) -> Decimal | None:
    """A ``lowPrice``/``highPrice``: a number, or a string that is one (0 is no price)."""
    value = scalar(value)
    if value is None:
        return None
    amount = to_decimal(str(value)[:100])
    return amount if amount else None


def _priced(money: Money | None) -> Money | None:
    """A structured price of 0 is no price: a placeholder of the shop's template (price on
    request, sold out, a bundle's free part), never what the buyer is asked to pay."""
    return money if money is not None and money.amount > 0 else None


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
    low, high = _amount(offer.get("lowPrice")), _amount(offer.get("highPrice"))
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
        money = _priced(parse_price(plain(spec["price"], 200), spec_cur))
        if money is None:
            continue
        kind = plain(spec.get("priceType"), 200).rsplit("/", 1)[-1]
        if kind in ("StrikethroughPrice", "ListPrice", "MSRP", "SRP"):
            out.append(Candidate("original_price", money, strategy, "original", kind, weight))
        elif price is None:
            price = spec["price"]
    money = _priced(parse_price(plain(price, 200), currency)) if price is not None else None
    if money is not None:
        money = Money(money.amount, currency or money.currency, money.max_amount)
        out.append(Candidate("price", money, strategy, weight=weight))
    elif low is not None:
        out.append(Candidate("price", Money(low, currency), strategy, "range", weight=weight))
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
    for field, keys in (("title", ("name",)), ("sku", ("sku", "productID")),
                        ("description", ("description",)), ("brand", ("brand",))):
        for key in keys:
            value = text_value(node.get(key), 2000 if field == "description" else 500)
            if field == "sku" and value and _BARCODE_ID.match(value):
                continue  # productID "isbn:…", "gtin13:…": a barcode, not the seller's sku
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


def _stock_walk(value: Any, depth: int, listed: bool, out: list[tuple[dict[str, Any], bool]]
                ) -> None:
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value[:200]:
            _stock_walk(item, depth + 1, listed, out)
        return
    if not isinstance(value, dict):
        return
    if _types(value) & _PRODUCT_TYPES:
        out.append((value, listed))
    for key in ("@graph", "mainEntity", "hasVariant", "itemListElement", "item"):
        if key in value:
            _stock_walk(value[key], depth + 1, listed or key in ("itemListElement", "item"), out)


def _stock_candidates(items: Any, strategy: str, weight: float) -> list[Candidate]:
    """The availability of the page's product: every offer of every node about it (its
    variants, one node or one offer each: any in stock is in stock). Products listed in
    an ItemList are other products, unless the list holds the only one."""
    found: list[tuple[dict[str, Any], bool]] = []
    _stock_walk(items, 0, False, found)
    main = [node for node, listed in found if not listed]
    listed = [node for node, listed in found if listed]
    name, count = product_stock(main or (listed if len(listed) == 1 else []))
    if name is None:
        return []
    out = [Candidate("availability", name, strategy, weight=weight)]
    if count is not None:
        out.append(Candidate("stock_count", count, strategy, weight=weight))
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
        money = _priced(parse_price(plain(amount, 200), currency))
        if money is not None:
            out.append(Candidate("price", Money(money.amount, currency), "opengraph",
                                 weight=1.5))
    avail = availability_of(og.get("product:availability") or og.get("og:availability"))
    if avail:  # "instock", "in stock", "oos", "available for order", "preorder"...
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
        out.extend(_stock_candidates(items, syntax, weight))
    for og in data.get("opengraph") or []:
        if isinstance(og, dict):
            out.extend(_og_candidates(og, default))
    return out, nodes
