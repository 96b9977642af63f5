"""``extract_checkout``: a checkout or order-confirmation page (what a buyer sees before
paying) to the checkout record of issue 14, and its ``preselected_addon`` findings.

Checkouts are built alike everywhere: line items (a title, usually linked to the item
page, a unit price, a quantity, a line total), an order summary of labelled amounts (商品总价,
运费, 服务费, 店铺优惠, 合计 / Subtotal, Shipping & handling, Estimated tax, Order total), and
add-ons beside the goods, each a toggle: a checkbox or radio, an ARIA switch or checkbox
(``aria-checked``, ``aria-pressed``), or a styled element whose class says it is ticked
(``checked``, ``is-selected``, ``ant-checkbox-wrapper-checked``). The words are data
(``checkout.toml``).

A box's ``checked`` *attribute* is the default the server sent, not what the page shows:
a script that ticks it (``el.checked = true``) leaves no trace in the saved HTML, and
a box the buyer unticked keeps ``checked=""``. The capture reads the live state in the page
(``agent.capture.scripts.CHECKED_BOXES_JS``) and passes it as ``checks``; each add-on says
which source gave its state (``checked_by``: live, aria, class, attribute).

Line items are found from their titles (a link to an item page, or an element named as a
title), each grown to the largest block around it that holds a price, no other item's
title and no summary line (合计, 运费). A price in a row is a unit price or a line total by
its label (单价, 小计, each), its class, or its table column; otherwise by position, checked
against the order's subtotal when the page gives one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from typing import Any

from lxml import etree

from . import blocks
from .anomalies import anomaly
from .data import load_toml
from .decode import decode_html
from .errors import ExtractError
from .guard import describe, guarded, join_url
from .html import clean, is_element, page_lang, parse_page, short_text, tag_of, walk_text
from .money import Money, find_prices, fmt, to_decimal
from .sites import default_currency
from .sku import label_candidates, url_id

__all__ = ["SCHEMA", "extract_checkout"]
SCHEMA = "jianyipai.checkout/1"
MAX_ITEMS = 200
MAX_ADDONS = 50
_CLIMB = 12  # ancestors a title may grow through to its row
_ROW_CHARS = 3000  # a row's text is at most this long
_ADDON_CHARS = 240  # an add-on's text is at most this long
_CENT = Decimal("0.01")


# --- the words ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Words:
    lines: list[tuple[str, str | None, re.Pattern[str]]]  # role, fee kind, label
    free: re.Pattern[str]
    addons: list[tuple[str, re.Pattern[str]]]
    decline: re.Pattern[str]
    agree: re.Pattern[str]
    unit: re.Pattern[str]
    line: re.Pattern[str]
    member: re.Pattern[str]
    names: dict[str, re.Pattern[str]]


@lru_cache(maxsize=1)
def words() -> _Words:
    data = load_toml("checkout.toml")
    boundary = r"(?:^|(?<=[\s,，;；|·、]))"
    lines = [(item["role"], item.get("kind"), re.compile(boundary + "(?:" + item["re"] + ")"))
             for item in data["line"]]
    price = data["item_price"]
    return _Words(
        lines=lines,
        free=re.compile(data["free"]["re"]),
        addons=[(item["kind"], re.compile(item["re"])) for item in data["addon"]],
        decline=re.compile(data["decline"]["re"]),
        agree=re.compile(data["agree"]["re"]),
        unit=re.compile("(?:" + price["unit"] + r")\s*[:：]?\s*$"),
        line=re.compile("(?:" + price["line"] + r")\s*[:：]?\s*$"),
        member=re.compile(price["member"]),
        names={k: re.compile(v) for k, v in data["names"].items()},
    )


def _named(el: Any, what: str) -> bool:
    return bool(words().names[what].search(blocks.names(el)))


# --- the record ----------------------------------------------------------------------------

@dataclass
class _Page:
    root: Any
    url: str | None
    currency: str | None
    checks: list[dict[str, Any]] | None
    warnings: list[str] = field(default_factory=list)


def extract_checkout(html: bytes | str, url: str | None = None, *,
                     checks: list[dict[str, Any]] | None = None,
                     content_type: str | None = None) -> dict[str, Any]:
    """The checkout record of one page (see the module). ``checks``: the live state of the
    page's checkboxes and radios, in document order, as the capture read it.

    Raises :class:`extractors.ExtractError` only when the input is not a page; every other
    problem is a string in ``warnings``.
    """
    warnings: list[str] = []
    record = _empty(url if isinstance(url, str) else None, warnings)
    try:
        decoded = decode_html(html, content_type)
        warnings += decoded.warnings
        root, parse_warnings = parse_page(decoded.text)
        warnings += parse_warnings
        page = _Page(root, record["url"], default_currency(record["url"], page_lang(root)),
                     checks if isinstance(checks, list) else None, warnings)
        record["title"] = guarded("title", warnings, None, lambda: _title(root))
        addons, boxes = guarded("add-ons", warnings, ([], []), lambda: _addons(page))
        for el in boxes:  # an add-on's price is no item's price and no summary line
            el.set("data-jianyipai-addon", "")
        items, rows = guarded("items", warnings, ([], []), lambda: _items(page))
        if page.currency is None:  # "Free" shipping is in the currency of the goods
            page.currency = next((i["unit_price"]["currency"] for i in items
                                  if i["unit_price"] and i["unit_price"]["currency"]), None)
        for el in [*rows, *boxes]:  # set aside: the summary is read from what is left
            if el.getparent() is not None:
                el.drop_tree()
        summary = guarded("summary", warnings, {}, lambda: _summary(page))
        record.update(summary)
        _reconcile(items, summary.get("subtotal"))
        record["items"] = items
        _price_addons(addons, record["fees"])
        record["addons"] = addons
        record["anomalies"] = [found for found in (_preselected(a, record["url"]) for a in addons)
                               if found]
        if not items:
            warnings.append("no line items found on the page")
    except ExtractError:
        raise
    except Exception as exc:  # the last net: a bug outside every guarded part
        warnings.append(f"extraction failed ({describe(exc)}); the record is incomplete")
    return record


def _empty(url: str | None, warnings: list[str]) -> dict[str, Any]:
    return {"schema": SCHEMA, "kind": "checkout", "url": url, "title": None, "items": [],
            "fees": [], "discounts": [], "subtotal": None, "total": None, "addons": [],
            "anomalies": [], "warnings": warnings}


def _title(root: Any) -> str | None:
    el = root.find(".//title")
    text = clean(el.text_content()) if el is not None else ""
    return text[:300] or None


def _amount(value: dict[str, Any] | None) -> Decimal | None:
    try:
        return Decimal(value["amount"]) if value and value.get("amount") is not None else None
    except (ArithmeticError, TypeError, ValueError):
        return None


# --- prices inside an element --------------------------------------------------------------

@dataclass
class _Spot:
    """A price drawn by one element (the deepest that holds it whole)."""

    el: Any
    money: Money
    text: str
    struck: bool


# Text nodes that hold a digit: where a price can start (one XPath, in C).
_DIGITS = etree.XPath(".//text()[translate(., '0123456789', '') != .]")


def _spots(box: Any, currency: str | None, limit: int = 40) -> list[_Spot]:
    """The prices shown in ``box``, each at the deepest element holding it whole (the
    element of a text node with digits, or up to three above it: ``¥<b>199</b>.00``); not
    those of add-ons inside it, nor hidden ones."""
    found: dict[Any, tuple[Money, str]] = {}
    for node in _DIGITS(box)[:2000]:
        el = node.getparent()
        if el is not None and node.is_tail:
            el = el.getparent()
        for _ in range(4):
            if el is None or el in found or not _in(el, box):
                break
            text = short_text(el, 80)
            if text is None:
                break
            prices = find_prices(text, currency)
            if prices:
                found[el] = (prices[0][0], text)
                break
            el = el.getparent()
    outer = {a for el in found for a in (*_ancestors(el, box), box) if el is not box}
    out: list[_Spot] = []
    for el, (money, text) in found.items():
        if el in outer:
            continue  # the price of a deeper element, said again around it
        if el is not box and any(blocks.hidden(n) or n.get("data-jianyipai-addon") is not None
                                 for n in (el, *_ancestors(el, box))):
            continue
        out.append(_Spot(el, money, text, _struck(el, box)))
        if len(out) >= limit:
            break
    return out


def _ancestors(el: Any, stop: Any) -> list[Any]:
    out = []
    node = el.getparent()
    while node is not None and node is not stop:
        out.append(node)
        node = node.getparent()
    return out


def _struck(el: Any, box: Any) -> bool:
    for node in [el, *_ancestors(el, box)][:4]:
        if tag_of(node) in ("del", "s", "strike") or _named(node, "struck") or \
                "line-through" in (node.get("style") or ""):
            return True
    return False


# --- line items ----------------------------------------------------------------------------

_ITEM_HREF = re.compile(
    r"/items?(?:/|\.htm)|item\.htm|/dp/|/gp/product/|/itm/|/products?/|/goods|/p/\d|/sku/|"
    r"(?<!\d)\d{5,}\.html|[?&](?:id|item_?id|goods_?id|sku_?id|product_?id)=\d", re.I)
_QTY_TEXT = re.compile(
    r"(?:^|\s)[×xX✕*]\s?(\d{1,4})(?=\s|$|件)|(?:数量|qty|quantity|menge|件数)\s*[:：]?\s*(\d{1,4})(?!\d)"
    r"|(?<![\d.])(\d{1,4})\s*件(?!商品)", re.I)
_COUNT = re.compile(r"\s*\d{1,4}\s*", re.ASCII)
_QTY_ALONE = re.compile(r"^\s*[×xX✕]?\s?(\d{1,4})\s*$")
_QTY_INPUT = re.compile(r"qty|quantity|(?<![a-z])(?:num|count|amount)(?![a-z])|buy-?num|数量", re.I)
_SKU_ATTRS = ("data-sku", "data-skuid", "data-sku-id", "data-item-id", "data-itemid",
              "data-goods-id", "data-product-id", "data-variant-id")


def _in_chrome(el: Any) -> bool:
    """In the page's chrome by tag or landmark role (a checkout's own class names, such as
    ``cart-item``, name no mini cart here)."""
    return blocks.inside(el, lambda n: tag_of(n) in blocks.CHROME_TAGS or (
        n.get("role") or "").strip().lower() in blocks.CHROME_ROLES) is not None


def _outside(el: Any) -> bool:
    """In the page's chrome, a block of other products, a dialog or hidden."""
    return _in_chrome(el) or blocks.in_other_products(el) or blocks.in_hidden(el) or \
        blocks.inside(el, blocks.dialog) is not None


def _titles(page: _Page) -> list[tuple[Any, str | None, str]]:
    """``(element, item url, title)`` of each line item's title, in page order: a link to an
    item page, or an element named as an item's title (``item-title``, ``p-name``, or
    ``title`` inside an item row)."""
    names = words().names
    found: dict[Any, tuple[str | None, str]] = {}
    urls: set[str] = set()
    for el in page.root.iter():
        if not is_element(el) or tag_of(el) in ("title", "head", "body", "html"):
            continue
        if tag_of(el) == "a":
            url = _item_link(el, page.url)
            if url is None:
                continue
        else:
            own = blocks.names(el)
            if not names["title"].search(own) and not (
                    names["bare_title"].search(own) and
                    blocks.inside(el.getparent(), lambda n: _named(n, "row"), 5) is not None):
                continue
            url = next((u for a in el.iter("a") if (u := _item_link(a, page.url))), None)
        if any(a in found for a in _ancestors(el, None)[:8]):
            continue  # the title element holds this link
        text = short_text(el, 300)
        if not text or len(text) < 2 or find_prices(text, page.currency) or \
                _summary_label(text) or _addon_kind(text) or _outside(el):
            continue
        if url and url in urls:
            continue  # the picture's link and the title's
        if url:
            urls.add(url)
        found[el] = (url, text)
        if len(found) >= MAX_ITEMS:
            break
    return [(el, url, text) for el, (url, text) in found.items()]


def _item_link(a: Any, base: str | None) -> str | None:
    href = (a.get("href") or "").strip()
    return join_url(base, href) if href and _ITEM_HREF.search(href) else None


def _summary_label(text: str) -> bool:
    low = text.lower()
    return any(m.start() == 0 for _, _, rx in words().lines if (m := rx.search(low)))


def _summary_roles(text: str) -> set[str]:
    """The order-summary lines (a total, a fee) written in ``text``."""
    lines = [x for x in (clean(x) for x in text.split("\n")) if x]
    return {f"{role}:{kind or ''}" for n, line in enumerate(lines)
            for role, kind, _, _ in _labelled(line, lines[n + 1] if n + 1 < len(lines) else "", None)
            if role in ("total", "fee")}


def _text(el: Any) -> str | None:
    parts = walk_text(el, _ROW_CHARS)
    return None if parts is None else "".join(parts)


def _rows(page: _Page, titles: list[tuple[Any, str | None, str]]) -> list[Any]:
    """Each title grown to its row: the largest block around it that holds a price, no other
    title and no order-summary line that the block below it did not hold."""
    under: dict[Any, int] = {}
    for el, _, _ in titles:
        for a in _ancestors(el, None):
            under[a] = under.get(a, 0) + 1
    rows = []
    for el, _, _ in titles:
        node, row, roles = el, None, set()
        for _ in range(_CLIMB):
            parent = node.getparent()
            if parent is None or tag_of(parent) in ("body", "html", "form", "main") or \
                    under.get(parent, 0) > 1:
                break
            text = _text(parent)
            if text is None:
                break
            if row is None:
                node = parent
                if find_prices(text, page.currency):
                    row, roles = parent, _summary_roles(text)
                continue
            if _summary_roles(text) - roles:
                break
            node = row = parent
        rows.append(row)
    return rows


def _items(page: _Page) -> tuple[list[dict[str, Any]], list[Any]]:
    """The line items and their rows."""
    titles = _titles(page)
    items, rows = [], []
    for (title_el, url, title), row in zip(titles, _rows(page, titles), strict=True):
        if row is not None:
            items.append(_item(page, row, title_el, url, title))
            rows.append(row)
    return items, rows


def _item(page: _Page, row: Any, title_el: Any, url: str | None, title: str) -> dict[str, Any]:
    quantity, qty_by = _quantity(row, title_el)
    unit = line = None
    unit_by = line_by = None
    spots = [s for s in _spots(row, page.currency)
             if not s.struck and not words().member.search(s.text.lower())
             and not _in(s.el, title_el)]
    plain = []
    for spot in spots:
        role, how = _price_role(spot, row)
        if role == "unit" and unit is None:
            unit, unit_by = spot.money, how
        elif role == "line" and line is None:
            line, line_by = spot.money, how
        elif role is None:
            plain.append(spot.money)
    if unit is None and line is None and plain:
        unit, unit_by = plain[0], "position"
        if len(plain) > 1 and plain[-1].currency == unit.currency:
            line, line_by = plain[-1], "position"
    # one price for several pieces, named by no label: per piece (Amazon) or for the line
    # (Shopify's product__price)? The subtotal may tell (_reconcile).
    ambiguous = quantity > 1 and len(spots) == 1 and unit_by in ("class", "position")
    if unit is None and line is not None and quantity:
        unit = Money((line.amount / quantity).quantize(_CENT), line.currency)
        unit_by = "line total / quantity"
    if line is None and unit is not None:
        line = Money(unit.amount * quantity, unit.currency)
        line_by = "unit price × quantity"
    item: dict[str, Any] = {
        "title": title,
        "url": url,
        "sku": _sku(row, title_el, url),
        "unit_price": unit.as_price() if unit else None,
        "quantity": quantity,
        "line_total": line.as_price() if line else None,
        "sources": {"unit_price": unit_by, "line_total": line_by, "quantity": qty_by},
    }
    if ambiguous:
        item["sources"]["ambiguous"] = True  # one price and several pieces: unit or line?
    return item


def _in(el: Any, box: Any) -> bool:
    return el is box or any(a is box for a in _ancestors(el, None))


def _price_role(spot: _Spot, row: Any) -> tuple[str | None, str | None]:
    """``("unit" | "line" | None, how it is known)`` of a price in an item row."""
    w = words()
    context = [re.split(r"[¥￥$€£\d]", spot.text, maxsplit=1)[0].lower()]
    prev = spot.el.getprevious()
    while prev is not None and not is_element(prev):
        prev = prev.getprevious()
    if prev is not None:
        context.append((short_text(prev, 40) or "").lower())
    parent = spot.el.getparent()
    if parent is not None and parent is not row:
        whole = short_text(parent, 80) or ""
        at = whole.find(spot.text)
        if at > 0:
            context.append(whole[:at].lower())
    for text in context:
        text = text.strip()
        if not text:
            continue
        if w.line.search(text):
            return "line", "label"
        if w.unit.search(text):
            return "unit", "label"
    for node in [spot.el, *_ancestors(spot.el, row)][:4]:
        if _named(node, "line"):
            return "line", "class"
        if _named(node, "unit"):
            return "unit", "class"
    header = _column_header(spot.el, row)
    if header:
        if w.line.search(header):
            return "line", "column"
        if w.unit.search(header):
            return "unit", "column"
    return None, None


def _column_header(el: Any, row: Any) -> str | None:
    """The header text of the table column ``el`` is in (单价, 小计, Price, Total)."""
    cell = next((n for n in [el, *_ancestors(el, None)][:8] if tag_of(n) in ("td", "th")), None)
    tr = cell.getparent() if cell is not None else None
    if tr is None or tag_of(tr) != "tr":
        return None
    index = [c for c in tr if tag_of(c) in ("td", "th")].index(cell)
    table = next((n for n in _ancestors(tr, None)[:3] if tag_of(n) == "table"), None)
    if table is None:
        return None
    for head in islice(table.iter("tr"), 5):  # a header row is at the top
        cells = [c for c in head if tag_of(c) in ("td", "th")]
        if head is tr:
            return None
        if cells and all(tag_of(c) == "th" for c in cells) and index < len(cells):
            return (short_text(cells[index], 40) or "").lower()
    return None


def _quantity(row: Any, title_el: Any) -> tuple[int, str]:
    """How many pieces the row buys, and how it is known (an input, a named element, the
    text, else 1 by default)."""
    for el in row.iter("input", "select"):
        described = " ".join(el.get(a) or "" for a in ("name", "id", "class", "aria-label"))
        if not _QTY_INPUT.search(described.replace("_", "-")):
            continue
        value = el.get("value")
        if tag_of(el) == "select":
            chosen = next((o for o in el.iter("option") if o.get("selected") is not None), None)
            value = chosen.get("value") or chosen.text_content() if chosen is not None else None
        if value and _COUNT.fullmatch(value) and int(value) > 0:
            return int(value), "input"
    for el in row.iter("td"):
        header = _column_header(el, row)
        m = _QTY_ALONE.match(short_text(el, 20) or "") if header and _QTY_INPUT.search(header) else None
        if m:
            return int(m.group(1)), "column"
    for el in row.iter():
        if is_element(el) and el is not row and _named(el, "quantity") and not _in(el, title_el):
            text = short_text(el, 20) or ""
            m = _QTY_ALONE.match(text) or _QTY_TEXT.search(text)
            if m:
                return int(next(g for g in m.groups() if g)), "class"
        if _COUNT.fullmatch(el.get("data-quantity") or "") and int(el.get("data-quantity")) > 0:
            return int(el.get("data-quantity")), "attribute"
    title = short_text(title_el, 300) or ""
    for line in (_text(row) or "").split("\n"):
        line = clean(line.replace(title, " ")) if title else clean(line)
        m = _QTY_TEXT.search(line) if line and not find_prices(line) else None
        if m:
            value = int(next(g for g in m.groups() if g))
            if 0 < value < 10000:
                return value, "text"
    return 1, "default"


def _sku(row: Any, title_el: Any, url: str | None) -> str | None:
    labelled = label_candidates([line for line in (clean(x) for x in (_text(row) or "").split(
        "\n")) if line])
    if labelled:
        return str(labelled[0].value)
    for node in [title_el, *_ancestors(title_el, row), row]:
        for attr in _SKU_ATTRS:
            value = (node.get(attr) or "").strip()
            if value and len(value) <= 40:
                return value
    return url_id(url)


def _reconcile(items: list[dict[str, Any]], subtotal: dict[str, Any] | None) -> None:
    """An item whose one price may be per piece or for the line (several pieces, no label)
    is read as the line total when that, and not the other, adds up to the subtotal."""
    total = _amount(subtotal)
    if total is None or not any(i["sources"].get("ambiguous") for i in items):
        return
    as_unit = sum((_amount(i["line_total"]) or Decimal(0) for i in items), Decimal(0))
    as_line = sum(((_amount(i["unit_price"]) or Decimal(0)) if i["sources"].get("ambiguous")
                   else (_amount(i["line_total"]) or Decimal(0)) for i in items), Decimal(0))
    if abs(as_unit - total) > _CENT and abs(as_line - total) <= _CENT:
        for item in items:
            if item["sources"].pop("ambiguous", None):
                line = _amount(item["unit_price"]) or Decimal(0)
                currency = item["unit_price"]["currency"]
                item["line_total"] = {"amount": fmt(line), "currency": currency}
                item["unit_price"] = {"amount": fmt(line / item["quantity"]), "currency": currency}
                item["sources"].update(unit_price="line total / quantity", line_total="subtotal")
    else:
        for item in items:
            item["sources"].pop("ambiguous", None)


# --- the order summary ---------------------------------------------------------------------

def _summary(page: _Page) -> dict[str, Any]:
    """Fees, discounts, subtotal and total from the page's lines outside the line items
    and add-ons (their rows are set aside by then)."""
    text = "".join(walk_text(_body(page.root)) or [])
    lines = [clean(x) for x in text.split("\n")]
    lines = [x for x in lines if x]
    fees: list[dict[str, Any]] = []
    discounts: list[dict[str, Any]] = []
    subtotal = total = None
    for n, line in enumerate(lines[:20000]):
        for role, kind, label, amount in _labelled(line, lines[n + 1] if n + 1 < len(lines) else "",
                                                   page.currency):
            if role == "fee":
                fees.append({"label": label, "amount": amount.as_price(), "kind": kind})
            elif role == "discount" and amount.amount > 0:
                discounts.append({"label": label, "amount": amount.as_price()})
            elif role == "subtotal" and subtotal is None:
                subtotal = amount.as_price()
            elif role == "total":
                total = amount.as_price()  # the last: 实付款 comes after 店铺合计, 合计
    return {"fees": fees[:100], "discounts": discounts[:100], "subtotal": subtotal,
            "total": total}


def _body(root: Any) -> Any:
    body = root.find("body")
    return body if body is not None else root


def _labelled(line: str, following: str, currency: str | None
              ) -> list[tuple[str, str | None, str, Money]]:
    """``(role, fee kind, label, amount)`` for each summary label in ``line`` with its
    amount after it (or alone on the next line)."""
    low = line.lower()
    if len(low) != len(line) or len(line) > 200:
        return []
    found: list[tuple[int, int, str, str | None]] = []
    for role, kind, rx in words().lines:
        for m in rx.finditer(low):
            if not any(a <= m.start() < b for a, b, _, _ in found):
                found.append((m.start(), m.end(), role, kind))
    found.sort()
    out = []
    for i, (start, end, role, kind) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(line)
        amount = _amount_in(line[end:stop], currency)
        if amount is None and stop == len(line) and not line[end:].strip(" :：()（）"):
            amount = _amount_in(following, currency, alone=True)
        if amount is not None and role != "ignore":
            out.append((role, kind, line[start:end], amount))
    return out


_BARE = re.compile(r"[-−–]?\s*(\d[\d,]*(?:\.\d{1,2})?)\s*元?")


def _amount_in(rest: str, currency: str | None, *, alone: bool = False) -> Money | None:
    """The amount a label's text after it gives: a price, 免运费 / Free (0), or a bare
    number standing alone."""
    rest = re.sub(r"^\s*[(（][^)）]{0,30}[)）]", "", rest).strip(" :：\t")
    prices = find_prices(rest[:80], currency)
    if not prices and words().free.search(rest[:16].lower()):
        return Money(Decimal(0), currency)  # 快递 免邮, Standard: FREE
    if prices and prices[0][1] <= 30:
        money, start, end = prices[0]
        if not alone or (re.fullmatch(r"[A-Za-z]{0,3}", rest[:start].strip())
                         and len(rest[end:].strip()) <= 6):
            return money  # alone on its line: "USD $50.74", "$3.76 USD"
    m = _BARE.fullmatch(rest)
    if m:
        value = to_decimal(m.group(1), currency)
        return Money(value, currency) if value is not None else None
    return None


# --- add-ons -------------------------------------------------------------------------------

@dataclass
class _Toggle:
    el: Any
    states: dict[str, bool]  # source -> checked
    label: str
    decline: bool
    label_el: Any = None  # the <label for=…> that names it elsewhere on the page


def _boxes(root: Any) -> list[Any]:
    """The page's checkboxes and radios in the order the browser's
    ``querySelectorAll('input[type=checkbox i], input[type=radio i]')`` gives them."""
    out = []
    for el in root.iter("input"):
        if (el.get("type") or "").strip().lower() in ("checkbox", "radio") and \
                blocks.inside(el, lambda n: tag_of(n) in ("template", "noscript"), 60) is None:
            out.append(el)
    return out


def _live(page: _Page, boxes: list[Any]) -> dict[Any, bool]:
    """The live checked state of each box the capture read (matched by position, each
    confirmed by its id and name; else by its id alone)."""
    if page.checks is None:
        if boxes:
            page.warnings.append("checked states read from the saved page's attributes, not the "
                                 "live page: a box a script ticked shows unticked")
        return {}
    out: dict[Any, bool] = {}
    by_id = {b.get("id"): b for b in boxes if b.get("id")}
    for n, hint in enumerate(page.checks[:5000]):
        if not isinstance(hint, dict) or not isinstance(hint.get("checked"), bool):
            continue
        box = boxes[n] if n < len(boxes) and hint.get("n") == n else None
        if box is not None and all((hint.get(a) or "") == (box.get(a) or "")
                                   for a in ("id", "name")):
            out[box] = hint["checked"]
        elif hint.get("id") and hint["id"] in by_id:
            out[by_id[hint["id"]]] = hint["checked"]
    if len(out) < len(boxes):
        page.warnings.append(f"live checked states: {len(out)} of {len(boxes)} boxes matched "
                             "the saved page; the others are read from their attributes")
    return out


def _toggles(page: _Page) -> list[_Toggle]:
    root = page.root
    boxes = _boxes(root)
    live = _live(page, boxes)
    box_set = set(boxes)
    names = words().names
    labels: dict[str, list[Any]] = {}
    for label in root.iter("label"):
        labels.setdefault(label.get("for") or "", []).append(label)
    by_id: dict[str, Any] = {}
    for el in root.iterfind(".//*[@id]"):
        by_id.setdefault(el.get("id"), el)
    out = []
    for el in root.iter():
        if not is_element(el) or tag_of(el) in ("html", "body", "label", "form", "main"):
            continue
        states: dict[str, bool] = {}
        role = (el.get("role") or "").strip().lower()
        if el in box_set:
            if el in live:
                states["live"] = live[el]
            states["attribute"] = el.get("checked") is not None
        elif role in ("checkbox", "switch", "radio", "menuitemcheckbox", "menuitemradio") or \
                el.get("aria-checked") is not None or el.get("aria-pressed") is not None:
            value = (el.get("aria-checked") or el.get("aria-pressed") or "").strip().lower()
            states["aria"] = value == "true"
        elif tag_of(el) != "input" and names["toggle"].search(blocks.names(el)):
            pass
        else:
            continue
        if _in_chrome(el) or (tag_of(el) != "input" and blocks.in_hidden(el, 6)):
            continue  # (a hidden box may drive a styled label: it counts)
        state = _class_state(el)
        if state is not None:
            states["class"] = state
        named_by = labels.get(el.get("id") or "\0", [None])[0]
        out.append(_Toggle(el, states, _own_label(el, labels, by_id), False, named_by))
    for t in out:
        t.decline = bool(t.label and words().decline.search(t.label.lower()))
    return out


def _class_state(el: Any) -> bool | None:
    """Ticked or not by the class of ``el`` or its wrapper (two levels up): ``checked``,
    ``is-selected``, ``ant-checkbox-wrapper-checked``; None when no class says."""
    names = words().names
    node = el
    for _ in range(3):
        if node is None or tag_of(node) in ("body", "html"):
            return None
        tokens = (node.get("class") or "").lower().replace("_", "-").split()
        if any(names["unchecked"].search(t) for t in tokens):
            return False
        if any(names["checked"].search(t) for t in tokens):
            return True
        node = node.getparent()
    return None


def _own_label(el: Any, labels: dict[str, list[Any]], by_id: dict[str, Any]) -> str:
    """What names one toggle: its ``<label>``, ``aria-label``, ``aria-labelledby`` or text
    (``labels``: the page's labels by their ``for``; ``by_id``: its elements by id)."""
    parts = []
    if el.get("id"):
        for label in labels.get(el.get("id"), [])[:4]:
            parts.append(short_text(label, _ADDON_CHARS) or "")
    wrapper = blocks.inside(el, lambda n: tag_of(n) == "label", 4)
    if wrapper is not None:
        parts.append(short_text(wrapper, _ADDON_CHARS) or "")
    parts.append(el.get("aria-label") or "")
    for ref in (el.get("aria-labelledby") or "").split()[:4]:
        target = by_id.get(ref)
        if target is not None:
            parts.append(short_text(target, _ADDON_CHARS) or "")
    if tag_of(el) != "input":
        parts.append(short_text(el, _ADDON_CHARS) or "")
    return clean(" ".join(p for p in parts if p))[:_ADDON_CHARS]


def _addon_kind(text: str) -> str | None:
    low = text.lower()
    if words().agree.search(low):
        return None  # 同意《会员服务协议》 is no add-on
    for kind, rx in words().addons:
        if rx.search(low):
            return kind
    return None


def _addons(page: _Page) -> tuple[list[dict[str, Any]], list[Any]]:
    """The add-ons and the elements that show them."""
    toggles = _toggles(page)
    toggle_of = {t.el: t for t in toggles}
    texts: dict[Any, str | None] = {}  # toggles share ancestors: each read once
    groups: dict[Any, list[_Toggle]] = {}
    for t in toggles:
        box = _addon_box(t, t.el, toggle_of, texts)
        if box is None and t.label_el is not None:
            box = _addon_box(t, t.label_el, toggle_of, texts)
        if box is not None:
            groups.setdefault(box, []).append(t)
    for el in page.root.iter():  # styled rows with no toggle in them: 运费险 ¥3 (selected)
        if not is_element(el) or el in groups or not _named(el, "addon"):
            continue
        text = short_text(el, _ADDON_CHARS)
        if not text or _addon_kind(text) is None or not find_prices(text, page.currency):
            continue
        if any(a in groups for a in _ancestors(el, None)) or any(e in groups for e in el.iter()):
            continue  # a toggle's add-on, or around one
        state = _class_state(el)
        groups[el] = [_Toggle(el, {"class": state} if state is not None else {}, text, False)]
    out = []
    for box, group in list(groups.items())[:MAX_ADDONS]:
        text = short_text(box, _ADDON_CHARS) or ""
        own = [t.label for t in group if t.label and _addon_kind(t.label)]
        label = own[0] if len(own) == 1 and len(group) == 1 else text
        kind = _addon_kind(label) or _addon_kind(text) or "other"
        checked, by, states = _state(group)
        spots = [s for s in _spots(box, page.currency) if not s.struck]
        paid = [s.money for s in spots if s.money.amount > 0]
        price = (paid or [s.money for s in spots] or [None])[0]
        out.append({"label": label, "price": price.as_price() if price else None, "checked": checked,
                    "kind": kind, "checked_by": by, "states": states})
    return out, list(groups)


def _addon_box(t: _Toggle, start: Any, toggle_of: dict[Any, _Toggle],
               texts: dict[Any, str | None]) -> Any:
    """The element that shows the add-on ``t`` ticks: the smallest around ``start`` (the
    toggle or its label) whose text names an add-on and holds no toggle of another add-on."""
    node = start
    for _ in range(6):
        if node is None or tag_of(node) in ("body", "html", "form", "main"):
            return None
        if node not in texts:
            texts[node] = short_text(node, _ADDON_CHARS)
        text = texts[node]
        if text is None:
            return None
        if _addon_kind(text):
            others = [o for o in (toggle_of.get(e) for e in node.iter()) if o is not None
                      and o is not t and not _in(o.el, t.el) and not _in(t.el, o.el)
                      and not _same_group(o, t)]
            return None if others and not _addon_kind(t.label) else node
        node = node.getparent()
    return None


def _same_group(a: _Toggle, b: _Toggle) -> bool:
    """Two radios of one group (需要 / 不需要), or a box and its styled wrapper."""
    name = a.el.get("name")
    return (tag_of(a.el) == tag_of(b.el) == "input" and bool(name) and name == b.el.get("name")) \
        or a.decline or b.decline


_SOURCES = ("live", "aria", "class", "attribute")


def _state(group: list[_Toggle]) -> tuple[bool, str | None, dict[str, bool]]:
    """Whether the add-on is ticked, by the most telling source of its toggles (the live
    state, then ARIA, then the class, then the attribute); a ticked "no thanks" option
    unticks it."""
    def best(t: _Toggle) -> tuple[bool, str] | None:
        for source in _SOURCES:
            if source in t.states:
                return t.states[source], source
        return None
    states: dict[str, bool] = {}
    for t in group:
        for source, value in t.states.items():
            states[source] = states.get(source, False) or (value and not t.decline)
    chosen = [(t, best(t)) for t in group]
    known = [(t, b) for t, b in chosen if b is not None]
    if not known:
        return False, None, states
    for t, (value, source) in known:
        if value and t.decline:
            return False, source, states
    # a box and its wrapper tell of one toggle: the most telling source wins
    rank = min(_SOURCES.index(b[1]) for _, b in known)
    top = [(t, b) for t, b in known if _SOURCES.index(b[1]) == rank]
    return any(b[0] for t, b in top if not t.decline), _SOURCES[rank], states


def _price_addons(addons: list[dict[str, Any]], fees: list[dict[str, Any]]) -> None:
    """An add-on that shows no price of its own takes the one its fee line shows."""
    for addon in addons:
        if addon["price"] is not None:
            continue
        for fee in fees:
            if _addon_kind(fee["label"]) == addon["kind"] and addon["kind"] != "other":
                addon["price"] = fee["amount"]
                break


def _preselected(addon: dict[str, Any], url: str | None) -> dict[str, Any] | None:
    """``preselected_addon`` for a paid add-on ticked when the page opened."""
    price = _amount(addon.get("price"))
    if not addon.get("checked") or price is None or price <= 0:
        return None
    states = addon.get("states") or {}
    shown = f"{addon['price']['amount']} {addon['price'].get('currency') or ''}".strip()
    script = states.get("live") is True and states.get("attribute") is False
    zh_script = "（页面打开后由脚本勾选，保存的网页源码中显示为未勾选）" if script else ""
    en_script = (" (ticked by a script after the page loaded; the saved HTML shows it unticked)"
                 if script else "")
    return anomaly(
        "preselected_addon", "warning",
        f"结算页默认勾选了收费附加项「{addon['label']}」（{shown}）{zh_script}。"
        "《电子商务法》第十九条规定搭售商品或服务不得作为默认同意的选项，请确认是否需要。",
        f"The checkout ticks the paid add-on \"{addon['label']}\" ({shown}) by default"
        f"{en_script}. China's E-commerce Law (art. 19) forbids making a tie-in the default; "
        "check whether you want it.",
        {"where": "checkout", "url": url, "label": addon["label"], "kind": addon["kind"],
         "price": addon["price"], "checked_by": addon.get("checked_by"), "states": states})
