"""The listing's SKU: identifiers the page shows under a label, the page's address, and the
choice among every source (see the README's "SKU").

Sources, best first:

1. a site profile's selector (``#ASIN @value``, ``[data-field=sku]``): site knowledge;
2. an identifier **shown under a label** (SKU, Item number, ASIN, Art.-Nr., Artikelnummer,
   Réf., Cod. articolo, Артикул, Код, 商品编号, 货号, 商品编码…), in running text
   (``Item number: 70011``), a table cell or ``dt`` followed by its value, or split over
   inline elements; a value that another source also gives wins over one that none does,
   an explicit label (SKU, 货号) over a generic one (Ref., Код), then the first on the page;
3. a structured-data, attribute or state sku that is **shown** on the page (of several
   Product/variant nodes, the one shown); an element whose class names an identifier
   (``class="sku"``, ``style-ref``) counts as shown;
4. what nothing shows: the old vote of profile URL patterns and state paths, schema.org
   ``sku``/``productID``, ``data-sku`` attributes and named state keys (``skuId``, ``itemId``);
5. the id in the page's address (:func:`url_candidates`);
6. a state object's bare ``id`` (often an internal database key).

Never the sku: model numbers, MPN, GTIN/EAN/UPC/ISBN (``Model #``, ``型号``, ``Part number``
are not labels here: they name the manufacturer's part, not the seller's article).

Speed: labels are found by one regex over the visible text (its first character must be a
label's first letter, as written or upper case, so that most positions are skipped in C);
attributes and classes are read in a window of elements around the title, never by a walk
of the whole tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from . import blocks
from .fields import Candidate
from .html import clean, short_text
from .vote import winner

STRATEGY = "generic"
URL_STRATEGY = "url"
#: ``Candidate.role`` of the sku candidates found here.
LABELLED, CLASS, ATTRIBUTE = "label", "class", "attribute"

# Labels, as regexes whose first character is written as pages capitalise it and whose rest
# is case-insensitive. ``strong`` labels name the seller's article; ``weak`` ones are
# generic words (Ref., Код, Product ID) that take an extra word before the separator only
# when it is a capitalised name (``Réf. Fnac :``); ``needs_sep`` ones (Style, Código) count
# only with a ``:`` or ``#`` after them and take no extra word (not ``Código postal:``).
_STRONG = (
    r"S(?i:ku)",
    r"A(?i:sin)",
    r"I(?i:tem)[ \t]*(?i:number|no\b\.?|nr\b\.?|#|code)",
    r"i(?i:tem)[ \t]*(?i:number|no\b\.?|#)",  # eBay item number
    r"P(?i:roduct)[ \t]*(?i:code|number|no\b\.?|#|sku)",
    r"P(?i:rodukt)[ \t-]*(?i:nummer|nr\b\.?)",
    r"A(?i:rtikel)[ \t.-]*(?i:nummer|nr\b\.?|no\b\.?)",
    r"A(?i:rt)\.?[ \t-]*(?i:nr\b\.?|no\b\.?)",
    r"A(?i:rticle)[ \t]*(?i:number|no\b\.?|#|code)",
    r"R(?i:éférence|eference|iferimento|eferencia)",
    r"N(?i:uméro|úmero|r\.?|º|°)[ \t]*(?i:d['’]article|de[ \t]+art[ií]culo|articolo|art\.)",
    r"C(?i:od(?:ice|\.)?)[ \t]*(?i:articolo|art\.|prodotto|prod\.)",
    r"C(?i:ódigo|odigo|ód\.|od\.)[ \t]*(?i:de[ \t]+)?(?i:producto|art[ií]culo|art\.|prod\.)",
    r"C(?i:ode)[ \t]*(?i:article|produit)",
    r"B(?i:estellnummer|est\.?[ \t-]*nr\b\.?|estell-nr\b\.?)",
    r"К(?i:од[ \t]+(?:товара|продукта))",
    r"А(?i:ртикул)",
    r"T(?i:cin)",
    r"W(?i:eb[ \t]*id)",
    r"I(?i:nternet)[ \t]*#",
    r"S(?i:tyle)[ \t]*(?i:#|no\b\.?|number|code)",
    "商品编号", "商品货号", "货号", "商品编码", "商品代码", "产品编号", "产品编码", "款号",
    "商品ID", "商品編號", "貨號", "商品番号", "品番", "商品コード", "상품번호", "상품코드",
)
_WEAK = (
    r"R(?i:éf|ef|if)\b\.?",
    r"К(?i:од)",
    r"А(?i:рт)\.",
    r"P(?i:roduct)[ \t]*(?i:id)",
    r"I(?i:tem)[ \t]*(?i:id)",
)
_NEEDS_SEP = (
    r"S(?i:tyle)",
    r"C(?i:ódigo|odigo|ód\.?|od\.|odice)",
)
def _cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af"


_END = r"(?![^\W\d_])"  # a label ends where the word does: not Refund, SKUs, Stylesheet
# One flat alternation, each branch starting with a literal character: the regex engine
# then skips in C every position whose character starts no label. Which kind matched is
# asked afterwards, of the matched text alone (strong first: ``Référence`` before ``Réf``).
_LABEL = re.compile("|".join(alt if _cjk(alt[0]) else alt + _END
                             for alt in _STRONG + _WEAK + _NEEDS_SEP))
_KINDS = tuple((kind, re.compile(f"(?:{'|'.join(group)})"))
               for kind, group in (("strong", _STRONG), ("weak", _WEAK),
                                   ("needs_sep", _NEEDS_SEP)))
_MARKS = " \t\u00a0\u200e\u200f:：#"
_GAP = "[ \t\u00a0\u200e\u200f]*+"  # possessive: a run of marks is read once
_SEP = rf"{_GAP}(?P<sep>[:：#№]|[Nn][°º])?{_GAP}[:：#]?{_GAP}"
_VALUE = r"(?P<value>[A-Za-z0-9][A-Za-z0-9._/\-]{0,60})?"
#: What follows a label: a separator, then the value (or the end of the line: a cell).
_AFTER = re.compile(_SEP + _VALUE)
#: ... or one extra word and a separator: ``Réf. Fnac :``, ``SKU Code:``.
_AFTER_WORD = re.compile(rf"[ \t]++(?P<extra>[^\W\d_][\w'’]{{1,14}}\.?){_SEP}{_VALUE}")
#: Words that make a label someone else's number: the maker's, the order's, a barcode.
_NOT_OURS_WORDS = (
    r"(?:hersteller|manufacturer|mfr|mfg|fabricant|constructeur|produttore|fabricante|"
    r"производител|vendor|supplier|lieferant|fournisseur|model|modell|modèle|modello|модел|"
    r"ean|gtin|upc|isbn|mpn|order|bestellung|commande|ordine|pedido|заказ|tracking|invoice|"
    r"customer|kunden|client|cliente|postal|postale|promo|discount|coupon|rabatt|gutschein|"
    r"réduction|sconto|descuento|скидк|промо|price|prix|preis|prezzo|precio|цена|date|datum)")
_NOT_OURS = re.compile(_NOT_OURS_WORDS, re.I)
_NOT_OURS_BEFORE = re.compile(rf"(?<![^\W\d_]){_NOT_OURS_WORDS}[^\W\d_]*[\s.'’-]*$", re.I)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/\-]*[A-Za-z0-9]")
_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])?")
#: Class names that say "this element's text is the identifier" (``sku``, ``product__sku``,
#: ``style-ref``, ``productSku``), not the variant pickers Chinese shops call ``sku-*``.
_ID_CLASS = re.compile(
    r"(?:^|[\s_-])(?:product|item|variant|style|article|prod)?[-_]{0,2}"
    r"(?:sku|ref|reference|referencia|riferimento|artikelnummer|artikelnr|artnr|"
    r"article-?number|item-?number|product-?code|style-?number)"
    r"(?:[-_]{0,2}(?:value|number|code|id|text|no|nr))?(?=$|\s)", re.I)
_WINDOW_INSIDE = 100
_WINDOW_AFTER = 400
_WINDOW_BEFORE = 120
_MAX_LABELS = 40
_MAX_LABEL_WORDS = 1000
_MAX_SHOWN_CHECKS = 50  # distinct values looked for in the text (a list page has hundreds)


def id_like(value: str) -> bool:
    """Whether ``value`` looks like an article identifier: one token of 3–40 letters,
    digits and ``-._/``, with a digit (or in capitals joined by ``-``/``_``: OAK-CB-L)."""
    if not 3 <= len(value) <= 40 or not _ID.fullmatch(value):
        return False
    if any(ch.isdigit() for ch in value):
        return True
    return value.isupper() and len(value) >= 5 and ("-" in value or "_" in value)


def _tidy(value: str | None) -> str | None:
    value = (value or "").rstrip("._/-")
    return value if id_like(value) else None


def _label_value(text: str, m: re.Match[str]) -> tuple[str | None, str, float] | None:
    """(value, or None when it is on the next line; label; weight) for one label match,
    or None when the match is no label of ours."""
    start = m.start()
    if start and not _cjk(m.group()[0]) and (text[start - 1].isalnum() or
                                              text[start - 1] in "-_"):
        return None  # inside a word: SKUS, ПРОМОКОД, Hersteller-Artikelnummer
    kind = next((k for k, rx in _KINDS if rx.fullmatch(m.group())), "weak")
    after = None
    if kind != "needs_sep":
        worded = _AFTER_WORD.match(text, m.end())
        if worded is not None and worded.group("sep"):
            extra = worded.group("extra")
            if _NOT_OURS.match(extra):
                return None  # Référence fabricant :, Artikelnummer Hersteller:, Ref. price:
            if kind == "strong" or extra[0].isupper():
                after = worded  # SKU Code:, Réf. Fnac :, Артикул продавца:
    if after is None:
        after = _AFTER.match(text, m.end())
    if after is None:  # every part is optional: it always matches
        return None
    sep, value = after.group("sep"), after.group("value")
    if kind == "needs_sep" and not sep:
        return None  # Style, Código: only as ``Style: DD1391-100``
    weight = 3.0 if kind == "strong" else 2.5
    label = clean(m.group())
    end = after.end()
    if value is None:
        if (end >= len(text) or text[end] == "\n") and not _not_ours_before(text, start):
            return None, label, weight  # a cell, a dt: the value is the next line
        return None
    if after.start("value") == m.end() and not _cjk(m.group()[-1]):
        return None  # ``SKU123``: no gap between label and value
    if _not_ours_before(text, start):
        return None
    return value, label, weight


def _not_ours_before(text: str, start: int) -> bool:
    """Manufacturer reference, Order Ref., Hersteller Artikelnummer: someone else's number."""
    line_start = text.rfind("\n", max(0, start - 24), start) + 1
    return bool(_NOT_OURS_BEFORE.search(text, max(line_start, start - 24), start))


def _next_line_value(text: str, pos: int) -> str | None:
    """The line after the label's, when it is one identifier and nothing else; lines that
    hold only a separator or direction marks (Amazon's ``ASIN \\n &rlm; \\n : \\n``) are
    passed over."""
    end = text.find("\n", pos)
    for _ in range(4):
        if end < 0:
            return None
        stop = text.find("\n", end + 1, end + 200)
        if stop < 0 and end + 200 < len(text):
            return None  # a long line is no identifier
        line = text[end + 1:stop if stop >= 0 else len(text)]
        if line.strip(_MARKS):
            stripped = line.strip()
            return stripped if len(stripped) <= 40 else None
        end = stop
    return None


def label_candidates(lines: list[str]) -> list[Candidate]:
    """Identifiers the page shows under a label, in page order (see the module)."""
    text = "\n".join(lines)
    out: list[Candidate] = []
    for n, m in enumerate(_LABEL.finditer(text)):
        if n >= _MAX_LABEL_WORDS:
            break  # a page that says "Ref" ten thousand times has said its own long before
        got = _label_value(text, m)
        if got is None:
            continue
        value, label, weight = got
        if value is None:
            value = _next_line_value(text, m.end())
        value = _tidy(value)
        if value:
            out.append(Candidate("sku", value, STRATEGY, LABELLED, label, weight))
            if len(out) >= _MAX_LABELS:
                break
    return out


def _window(anchor: etree._Element | None, root: etree._Element) -> Iterator[etree._Element]:
    """Elements near ``anchor`` (the title): its ancestors, itself and what it holds, then
    the elements after it and before it in page order, a bounded number of each."""
    if anchor is None:
        body = root.find("body")
        anchor = body[0] if body is not None and len(body) else None
        if anchor is None:
            return
    chain = [anchor, *anchor.iterancestors()]
    yield from chain[1:]
    yield from islice(anchor.iter(), _WINDOW_INSIDE)
    for preceding, size in ((False, _WINDOW_AFTER), (True, _WINDOW_BEFORE)):
        near = (el for node in chain[:-1] for sib in node.itersiblings(preceding=preceding)
                for el in sib.iter())
        yield from islice(near, size)


def _elsewhere(el: etree._Element, attr: str | None) -> bool:
    """Whether ``el`` belongs to another product: one of a list of elements carrying the
    same attribute (tiles, variant swatches), or inside a recommendations block."""
    if attr is not None:
        for sib in (el.getprevious(), el.getnext()):
            if sib is not None and sib.get(attr) is not None:
                return True
    parent = el.getparent()
    return parent is not None and blocks.in_other_products(parent, 9)


def attribute_candidates(tree: etree._Element, title_el: Any = None) -> list[Candidate]:
    """``data-*sku*`` attributes and elements whose class names an identifier, near the
    title (the window of :func:`_window`), not those of other products (:func:`_elsewhere`)."""
    out: list[Candidate] = []
    anchor = title_el if isinstance(title_el, etree._Element) else tree.find(".//h1")
    for el in _window(anchor, tree):
        if not isinstance(el.tag, str):
            continue
        for name, value in el.items():
            if name.startswith("data-") and "sku" in name and not name.endswith(
                    ("-name", "-title", "-price", "-url", "-img", "-image", "-list")):
                value = _tidy(clean(value))
                if value and not _elsewhere(el, name):
                    out.append(Candidate("sku", value, STRATEGY, ATTRIBUTE, name, 2.0))
        classes = (el.get("class") or "")[:300]
        if classes and _ID_CLASS.search(classes):
            text = short_text(el, 80) or ""
            m = _LABEL.match(text)
            if m:  # ``<span class="sku">SKU: KT-17</span>``: the label is read elsewhere too
                after = _AFTER.match(text, m.end())
                text = (after.group("value") or "") if after else ""
            value = _tidy(text.strip())
            if value and not _elsewhere(el, None):
                out.append(Candidate("sku", value, STRATEGY, CLASS, "class", 2.5))
        if len(out) >= 20:
            break
    return out


# --- the page's address -------------------------------------------------------------------

_EXTENSION = re.compile(r"\.[A-Za-z]{1,5}$")
_TRAILING_ID = re.compile(r"(?<!\d)(\d{5,20})$")
_ASIN = re.compile(r"/(?:dp|gp/product|gp/aw/d|o/ASIN)/([A-Z0-9]{10})(?=[/?#]|$)")
_EBAY = re.compile(r"/itm/(?:[^/?#]+/)?(\d{9,15})(?=[/?#]|$)")
_QUERY_KEYS = ("id", "item_id", "itemid", "goods_id", "goodsid", "product_id", "productid",
               "pid", "sku", "skuid", "sku_id", "article", "artikel")


def url_id(url: str | None) -> str | None:
    """The product id a shop URL carries, or None.

    ``/dp/ASIN``, eBay's ``/itm/[slug/]123456789012``, else the trailing run of five or more
    digits of the last path segment (``pan-24-cm-1609583.html`` → 1609583; not a size like
    ``24-cm``, not a date like 20240131), else a pure-digit segment of six or more (Etsy's
    ``/listing/123456789/slug``), else a query id (``?id=``, ``goods_id``, ``skuId``…).
    """
    if not isinstance(url, str) or len(url) > 4000:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    path = parts.path
    for rx in (_ASIN, _EBAY):
        m = rx.search(path)
        if m:
            return m.group(1)
    segments = [s for s in path.split("/") if s]
    if segments:
        m = _TRAILING_ID.search(_EXTENSION.sub("", segments[-1]))
        if m and not _DATE.fullmatch(m.group(1)):
            return m.group(1)
    for segment in reversed(segments[:-1]):
        if segment.isdigit() and 6 <= len(segment) <= 20 and not _DATE.fullmatch(segment):
            return segment
    try:
        query = parse_qsl(parts.query)
    except ValueError:
        return None
    for key in _QUERY_KEYS:
        for name, value in query:
            if name.lower() == key and value.isdigit() and 5 <= len(value) <= 20:
                return value
    return None


def url_candidates(*urls: str | None) -> list[Candidate]:
    """The first id found in ``urls`` (the page's address, then its canonical link)."""
    for url in urls:
        value = url_id(url)
        if value:
            return [Candidate("sku", value, URL_STRATEGY, "url", "url", 1.0, family="url")]
    return []


# --- the choice -------------------------------------------------------------------------------

def _key(value: Any) -> str:
    return clean(str(value)).casefold()


def _shown(value: str, text: str) -> bool:
    """Whether ``value`` is on the page as a token of its own (not inside a longer one)."""
    if len(value) < 3:
        return False
    start = text.find(value)
    for _ in range(100):  # a value found a hundred times inside longer tokens is not shown
        if start < 0:
            break
        end = start + len(value)
        if (start == 0 or not text[start - 1].isalnum()) and \
                (end >= len(text) or not text[end].isalnum()):
            return True
        start = text.find(value, start + 1)
    return False


def choose(cands: list[Candidate], lines: list[str]) -> Candidate | None:
    """The sku candidate the record keeps (tiers in the module's docstring)."""
    skus = [c for c in cands if c.field == "sku" and isinstance(c.value, str) and c.value.strip()]
    if not skus:
        return None
    profile_shown = [c for c in skus if c.strategy.startswith("profile:")
                     and c.family == "display" and c.role != "url"]
    if profile_shown:
        return max(profile_shown, key=lambda c: c.weight)
    labelled = [c for c in skus if c.strategy == STRATEGY and c.role == LABELLED]
    if labelled:
        others = {_key(c.value) for c in skus if c.role != LABELLED}
        return min(labelled, key=lambda c: (_key(c.value) not in others, -c.weight,
                                            labelled.index(c)))
    text = "\n".join(lines)
    bare_id = [c for c in skus if c.family == "state" and c.label == "id"
               and not c.strategy.startswith("profile:")]
    url = [c for c in skus if c.strategy == URL_STRATEGY]
    rest = [c for c in skus if c not in bare_id and c not in url]

    def rank(c: Candidate) -> int:
        if c.family == "markup":
            return 0
        return 1 if c.role == CLASS else 2 if c.family == "display" else 3

    checked: dict[str, bool] = {}

    def is_shown(c: Candidate) -> bool:
        if c.value not in checked and len(checked) < _MAX_SHOWN_CHECKS:
            checked[c.value] = _shown(c.value, text)
        return checked.get(c.value, False)

    shown = sorted((c for c in rest + bare_id if c.role == CLASS or is_shown(c)), key=rank)
    if shown:
        return shown[0]
    ballot = winner(rest, _key)
    if ballot is not None:
        return ballot.best
    return (url or bare_id or [None])[0]
