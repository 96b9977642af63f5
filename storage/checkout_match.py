"""A checkout page against the listings it sells: ``checkout_price_mismatch`` (issue 14).

Each line item of a new checkout capture is matched with the newest capture of its listing
in the store that showed a price: by the item's address (same host and path; of the query
only the item id, so tracking parameters such as ``spm``, ``utm_*`` or a share token do not
count; the item id of JD, Taobao/Tmall, Amazon or eBay wherever the site puts it), else by
the SKU, else by a title close enough (a similarity of the whole titles, so a short word
inside a long title is no match). No listing capture found: nothing is said.

A finding is made when the checkout's unit price is higher than the listing's price in the
same currency (a cent of rounding is tolerated; a price within the listing's range of
variants is no finding), or when the checkout adds fees the listing did not show: a
service, handling or other fee the listing's text never mentions, or shipping where the
listing promised free shipping. The evidence names what was compared: the listing snapshot
and when it was captured, the two amounts, the fee labels.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from extractors.anomalies import anomaly
from extractors.sites import SITE_CODES, site_code
from extractors.sku import url_id
from storage.errors import StoreError
from storage.store import Store

ROUNDING = Decimal("0.01")
TITLE_SIMILARITY = 0.85  # SequenceMatcher ratio of two normalised titles
MIN_TITLE = 8  # characters of a normalised title, fewer say too little to match on
MAX_RECORDS = 2000  # listing records read to match by SKU or title
ID_PARAMS = frozenset(("id", "item_id", "itemid", "goods_id", "goodsid", "product_id",
                       "productid", "skuid", "sku_id", "pid"))
# Fees that a listing must mention to be announced (a tax is the state's; an add-on's
# charge, such as 运费险, is preselected_addon's).
UNANNOUNCED = ("service", "handling", "other")
_MARKETS = frozenset((*SITE_CODES.values(), "amazon"))


@dataclass
class _Listing:
    snapshot_id: str
    captured_at: str | None
    url: str | None
    record: dict[str, Any]
    matched_by: str
    score: float | None = None


def anomalies(store: Store, manifest: dict[str, Any], record: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``checkout_price_mismatch`` findings of a new checkout capture."""
    items = [i for i in record.get("items") or [] if isinstance(i, dict)]
    if not items:
        return []
    finder = _Finder(store)
    out = []
    matched: list[tuple[dict[str, Any], _Listing]] = []
    for item in items:
        listing = finder.listing_of(item)
        if listing is not None:
            matched.append((item, listing))
    if not matched:
        return []
    fees = _unannounced_fees(store, record, [listing for _, listing in matched])
    dearer = [(item, listing, diff) for item, listing in matched
              if (diff := _dearer(item, listing.record)) is not None]
    url = record.get("url") or manifest.get("final_url")
    for item, listing, diff in dearer:
        out.append(_finding(url, item, listing, diff, fees))
    if fees and not dearer:
        item, listing = matched[0]
        out.append(_finding(url, item, listing, None, fees))
    return out


# --- matching ------------------------------------------------------------------------------

def url_keys(url: str | None) -> set[tuple[str, ...]]:
    """What identifies an item page's address: ``("id", site, item id)`` on a known
    marketplace, and ``("path", host, path, id parameters)`` (``www.`` and ``m.`` dropped,
    every other query parameter ignored)."""
    if not isinstance(url, str) or not url.strip():
        return set()
    try:
        parts = urlsplit(url.strip())
        query = parse_qsl(parts.query)
    except ValueError:
        return set()
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return set()
    keys: set[tuple[str, ...]] = set()
    site = site_code(url)
    item = url_id(url)
    if site in _MARKETS and item:
        keys.add(("id", "tmall" if site == "taobao" else site, item))  # one id space
    host = re.sub(r"^(?:www|m|wap|h5)\.", "", host)
    ids = sorted(f"{k.lower()}={v}" for k, v in query if k.lower() in ID_PARAMS)
    keys.add(("path", host, parts.path.rstrip("/") or "/", *ids))
    return keys


def normal_title(title: Any) -> str:
    """A title as compared: NFKC, lower case, letters and digits only."""
    if not isinstance(title, str):
        return ""
    text = unicodedata.normalize("NFKC", title).lower()
    return "".join(ch for ch in text if ch.isalnum())


def title_score(a: str, b: str) -> float:
    """How alike two normalised titles are, 0 to 1: the ratio of their common parts to
    their length; a title cut short (…) scores 1 against the one it begins."""
    if min(len(a), len(b)) < MIN_TITLE:
        return 0.0
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and len(short) >= 0.6 * len(long_):
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


class _Finder:
    """The newest listing capture of each target in the store, read as needed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        rows = [r for r in store.summaries(newest_first=True)
                if (r.get("target") or {}).get("kind") == "listing"]
        self.rows = rows
        self._records: dict[str, dict[str, Any] | None] = {}

    def record(self, snapshot_id: str) -> dict[str, Any] | None:
        if snapshot_id not in self._records:
            try:
                self._records[snapshot_id] = self.store.record(snapshot_id)
            except (StoreError, ValueError):  # a record that is missing or no JSON
                self._records[snapshot_id] = None
        return self._records[snapshot_id]

    def _priced(self, rows: list[dict[str, Any]], how: str, score: float | None = None
                ) -> _Listing | None:
        """The newest of ``rows`` (newest first) whose record shows the listing's price."""
        for row in rows:
            rec = self.record(row["id"])
            if rec and not rec.get("blocked") and isinstance(rec.get("price"), dict) \
                    and rec["price"].get("amount"):
                return _Listing(row["id"], row.get("captured_at"),
                                (row.get("target") or {}).get("url"), rec, how, score)
        return None

    def listing_of(self, item: dict[str, Any]) -> _Listing | None:
        keys = url_keys(item.get("url"))
        if keys:
            rows = [r for r in self.rows if keys & (url_keys((r.get("target") or {}).get("url"))
                                                    | url_keys(r.get("final_url")))]
            found = self._priced(rows, "url")
            if found:
                return found
        sku = str(item.get("sku") or "").strip()
        if sku:
            rows = [r for r in self.rows[:MAX_RECORDS]
                    if sku in (url_id((r.get("target") or {}).get("url")),
                               str((self.record(r["id"]) or {}).get("sku") or ""))]
            found = self._priced(rows, "sku")
            if found:
                return found
        title = normal_title(item.get("title"))
        if len(title) < MIN_TITLE:
            return None
        best: list[tuple[float, int, dict[str, Any]]] = []
        for n, row in enumerate(self.rows[:MAX_RECORDS]):
            score = title_score(title, normal_title(row.get("title")))
            if score >= TITLE_SIMILARITY:
                best.append((score, -n, row))
        best.sort(key=lambda b: (b[0], b[1]), reverse=True)
        return self._priced([row for _, _, row in best], "title",
                            round(best[0][0], 3) if best else None)


# --- comparing -------------------------------------------------------------------------------

def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except (InvalidOperation, ValueError):
        return None


def _dearer(item: dict[str, Any], listing: dict[str, Any]) -> dict[str, Any] | None:
    """What the checkout charges over the listing's price for one piece, or None."""
    unit = item.get("unit_price") or {}
    price = listing.get("price") or {}
    paid, listed = _decimal(unit.get("amount")), _decimal(price.get("amount"))
    if paid is None or listed is None or unit.get("currency") != price.get("currency"):
        return None  # another currency is no like-for-like comparison
    top = _decimal((listing.get("price_range") or {}).get("max"))
    if top is not None and paid <= top + ROUNDING:
        return None  # a dearer variant of the listing may be what was chosen
    if paid - listed <= ROUNDING:
        return None
    member = [c for c in listing.get("price_candidates") or []
              if isinstance(c, dict) and c.get("role") == "member"]
    return {"checkout_unit_price": unit, "listing_price": price,
            "difference": str((paid - listed).quantize(ROUNDING)),
            "compared": "the checkout's unit price with the listing's selling price"
                        + (" (its range of variants too)" if top is not None else ""),
            "listing_member_prices": [{"amount": c.get("amount"), "currency": c.get("currency"),
                                       "label": c.get("label")} for c in member][:5]}


def _unannounced_fees(store: Store, record: dict[str, Any], listings: list[_Listing]
                      ) -> list[dict[str, Any]]:
    """The checkout's fees that no matched listing showed."""
    texts = []
    for listing in listings:
        try:
            texts.append(store.artifact(listing.snapshot_id, "text").decode("utf-8", "replace").lower())
        except StoreError:
            texts.append("")
    goods = sum((_decimal((i.get("line_total") or {}).get("amount")) or Decimal(0)
                 for i in record.get("items") or [] if isinstance(i, dict)), Decimal(0))
    out = []
    for fee in record.get("fees") or []:
        if not isinstance(fee, dict):
            continue
        amount = _decimal((fee.get("amount") or {}).get("amount"))
        label = str(fee.get("label") or "")
        if amount is None or amount <= 0 or not label:
            continue
        if fee.get("kind") in UNANNOUNCED and not any(label.lower() in t for t in texts):
            out.append({**fee, "why": "not_on_listing"})
        elif fee.get("kind") == "shipping" and any(
                _free_shipping(listing.record, goods) for listing in listings):
            out.append({**fee, "why": "listing_promised_free_shipping"})
    return out


def _free_shipping(listing: dict[str, Any], goods: Decimal) -> bool:
    """The listing promised free shipping for an order of ``goods`` (a threshold met)."""
    for promise in listing.get("promises") or []:
        if not isinstance(promise, dict) or promise.get("code") != "free_shipping":
            continue
        threshold = _decimal((promise.get("params") or {}).get("threshold"))
        if threshold is None or goods >= threshold:
            return True
    return False


def _money(value: dict[str, Any] | None) -> str:
    value = value or {}
    return f"{value.get('amount')} {value.get('currency') or ''}".strip()


def _finding(url: str | None, item: dict[str, Any], listing: _Listing,
             dearer: dict[str, Any] | None, fees: list[dict[str, Any]]) -> dict[str, Any]:
    when = listing.captured_at or "?"
    zh, en = [], []
    if dearer is not None:
        zh.append(f"结算页单价 {_money(dearer['checkout_unit_price'])} 高于 {when} 商品页快照中的售价 "
                  f"{_money(dearer['listing_price'])}（多 {dearer['difference']}）")
        en.append(f"the checkout's unit price {_money(dearer['checkout_unit_price'])} is higher "
                  f"than the listing's price {_money(dearer['listing_price'])} captured {when} "
                  f"(by {dearer['difference']})")
    if fees:
        named = "、".join(f"{f['label']} {_money(f['amount'])}" for f in fees)
        zh.append(f"结算页另收商品页未显示的费用：{named}")
        en.append("the checkout adds fees the listing did not show: "
                  + ", ".join(f"{f['label']} {_money(f['amount'])}" for f in fees))
    title = item.get("title") or ""
    return anomaly(
        "checkout_price_mismatch", "warning",
        f"「{title[:60]}」：" + "；".join(zh) + "。会员价或所选规格可能解释差价，请核对。",
        f"\"{title[:60]}\": " + "; ".join(en) + ". A member price or the chosen variant may "
        "explain a difference; check.",
        {"where": "checkout", "url": url,
         "item": {k: item.get(k) for k in ("title", "url", "sku", "unit_price", "quantity")},
         "listing": {"snapshot_id": listing.snapshot_id, "captured_at": listing.captured_at,
                     "url": listing.url, "price": listing.record.get("price"),
                     "matched_by": listing.matched_by,
                     **({"title_score": listing.score} if listing.score is not None else {})},
         **(dearer or {}), "fees": fees})
