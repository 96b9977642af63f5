"""A listing against its own earlier captures: ``fictitious_original_price`` and
``countdown_reset`` (issue 14).

"This listing" is every capture of kind ``listing`` with the same target URL or the same
final URL (a short link and the item page it leads to are one listing). A capture whose
record is flagged ``blocked`` (login wall, captcha) did not show the listing and counts
for nothing. Times are the captures' ``captured_at``: when each page was shown.

``fictitious_original_price``: the struck 原价 (``record.original_price``) was never the
selling price in the store's captures of the 7 days before (the window in which a price
cut is compared with the price before it). Saying "never" needs enough captures:
:data:`MIN_CAPTURES` in the window, the oldest at least :data:`MIN_SPAN` before this one,
and no stretch longer than :data:`MAX_GAP` unseen between them and this capture; with
fewer, nothing is said. So the price was seen at least every third day over most of the
week, and a struck price that was the price for over three days running would have shown;
a store that captured the listing once last week (or three times in one afternoon) accuses
no sale. Prices in another currency are not compared. A capture that showed a price range
spanning the struck amount counts as having shown it (a variant may have sold at it).

``countdown_reset``: the promotion countdown's deadline (``record.countdown.ends_at``)
moved later than the one the newest earlier capture with a countdown of the same kind
(ending / starting) showed, by more than :data:`TOLERANCE` plus the rounding of the larger
unit either showed; or a countdown that had run out shows again with time left. One case
is left out on purpose: the earlier countdown had run out and the new one has other words
(距双12结束 after 距双11结束): a new, announced event, not the same urgency restarted. A
countdown that runs out and restarts with the same words is the false urgency this is for.

Evidence names the earlier snapshots by id; the capture being judged is the snapshot whose
record holds the finding (its id, a hash over that record, cannot be inside it).
"""
from __future__ import annotations

import itertools
import json
import re
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from extractors.anomalies import anomaly
from storage.store import Store
from storage.times import parse, rfc3339

WINDOW = timedelta(days=7)
MIN_CAPTURES = 3
MIN_SPAN = timedelta(days=5)
MAX_GAP = timedelta(days=3)
TOLERANCE = timedelta(minutes=2)  # capture time against the clock the countdown ran on
LOOK_BACK = 50  # earlier captures read for a countdown, newest first


def anomalies(store: Store, manifest: dict[str, Any], record: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings of a new listing capture (``manifest``, ``record``, not yet committed)."""
    now = parse(manifest.get("captured_at") or "")
    if now is None:
        return []
    earlier = [c for c in _captures(store, manifest) if c["at"] < now]
    return [*_countdown_reset(store, earlier, now, record),
            *_fictitious_original_price(earlier, now, record)]


def _captures(store: Store, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The store's captures of this listing that showed it, oldest first, each
    ``{id, at, price: {amount, currency} | None, price_range}``: one query of the index,
    no record read."""
    target = (manifest.get("target") or {}).get("url")
    final = manifest.get("final_url") or target
    out = []
    for snapshot_id, captured_at, amount, currency, facts in store.index.listing_captures(target, final):
        at = parse(captured_at or "")
        if at is None:
            continue
        try:
            price_range = (json.loads(facts) if facts else {}).get("price_range")
        except ValueError:
            price_range = None
        out.append({"id": snapshot_id, "at": at, "price_range": price_range,
                    "price": {"amount": amount, "currency": currency} if amount else None})
    out.sort(key=lambda c: c["at"])
    return out


# -- fictitious_original_price -----------------------------------------------------------

def _fictitious_original_price(earlier: list[dict[str, Any]], now: datetime,
                               record: dict[str, Any]) -> list[dict[str, Any]]:
    struck = record.get("original_price") or {}
    amount = _decimal(struck.get("amount"))
    if amount is None:
        return []
    currency = struck.get("currency")
    seen = [c for c in earlier if now - c["at"] <= WINDOW and c["price"]
            and c["price"]["currency"] == currency
            and _decimal(c["price"]["amount"]) is not None]
    if not _enough(seen, now):
        return []
    if any(_shown(c, amount) for c in seen):
        return []
    struck_text = f"{struck['amount']} {currency or ''}".strip()
    prices = "、".join(dict.fromkeys(c["price"]["amount"] for c in seen))
    return [anomaly(
        "fictitious_original_price", "warning",
        f"划线原价 {struck_text} 在此前 7 天的 {len(seen)} 次抓取中从未作为售价出现"
        f"（所见售价：{prices}）：疑似虚构原价",
        f"the struck original price {struck_text} was never the selling price in the "
        f"{len(seen)} captures of the 7 days before (prices seen: {prices.replace('、', ', ')}): "
        "a possible fictitious original price",
        {"original_price": {"amount": struck["amount"], "currency": currency},
         "window": {"from": rfc3339(now - WINDOW, "seconds"), "to": rfc3339(now, "seconds")},
         "captures": [{"id": c["id"], "captured_at": rfc3339(c["at"], "seconds"),
                       "price": c["price"], **({"price_range": c["price_range"]}
                                               if c["price_range"] else {})}
                      for c in seen]})]


def _enough(seen: list[dict[str, Any]], now: datetime) -> bool:
    """Enough captures to say what the price was over the window (see the module)."""
    if len(seen) < MIN_CAPTURES or now - seen[0]["at"] < MIN_SPAN:
        return False
    times = [c["at"] for c in seen] + [now]
    return all(b - a <= MAX_GAP for a, b in itertools.pairwise(times))


def _shown(capture: dict[str, Any], amount: Decimal) -> bool:
    """Whether the capture's selling price (or its price range) was ``amount``."""
    if _decimal(capture["price"]["amount"]) == amount:
        return True
    low = _decimal((capture["price_range"] or {}).get("min"))
    high = _decimal((capture["price_range"] or {}).get("max"))
    return low is not None and high is not None and low <= amount <= high


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


# -- countdown_reset ---------------------------------------------------------------------

def _countdown_reset(store: Store, earlier: list[dict[str, Any]], now: datetime,
                     record: dict[str, Any]) -> list[dict[str, Any]]:
    current = _countdown(record)
    if current is None:
        return []
    for capture in reversed(earlier[-LOOK_BACK:]):
        before = _countdown(store.record(capture["id"]) or {})
        if before is None or before["event"] != current["event"]:
            continue
        return _compare(capture, before, now, current)
    return []


def _compare(capture: dict[str, Any], before: dict[str, Any], now: datetime,
             current: dict[str, Any]) -> list[dict[str, Any]]:
    slack = TOLERANCE + timedelta(seconds=max(before["precision_s"], current["precision_s"]))
    moved = current["ends"] - before["ends"]
    if moved <= slack:
        return []
    ran_out = before["ends"] <= now
    if ran_out and _words(before["text"]) != _words(current["text"]):
        return []  # a new event, announced as one (see the module)
    zh_span, en_span = _span(moved)
    if ran_out:
        zh = (f"倒计时在 {rfc3339(before['ends'], 'seconds')} 已结束，此次抓取又显示同样的倒计时"
              f"（截止推后 {zh_span}）：疑似虚假紧迫感")
        en = (f"the countdown that ended at {rfc3339(before['ends'], 'seconds')} shows again "
              f"with time left (deadline {en_span} later): possible false urgency")
    else:
        zh = f"倒计时截止时间比上次抓取推后了 {zh_span}：疑似虚假紧迫感"
        en = f"the countdown's deadline moved {en_span} later than in the earlier capture: " \
             "possible false urgency"
    return [anomaly("countdown_reset", "warning", zh, en, {
        "previous": {"id": capture["id"], "captured_at": rfc3339(capture["at"], "seconds"),
                     "ends_at": rfc3339(before["ends"], "seconds"), "text": before["text"]},
        "current": {"captured_at": rfc3339(now, "seconds"),
                    "ends_at": rfc3339(current["ends"], "seconds"), "text": current["text"]},
        "moved_s": round(moved.total_seconds()), "previous_ended": ran_out,
        "event": current["event"]})]


def _span(moved: timedelta) -> tuple[str, str]:
    """How far a deadline moved, in Chinese and English: 10 分钟 / 10 min, 2.5 小时 / 2.5 h."""
    minutes = moved.total_seconds() / 60
    if minutes < 90:
        return f"{minutes:.0f} 分钟", f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} 小时", f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} 天", f"{minutes / 1440:.1f} days"


def _countdown(record: dict[str, Any]) -> dict[str, Any] | None:
    """The record's countdown with its deadline parsed, or None (none, or no deadline)."""
    found = record.get("countdown")
    if not isinstance(found, dict):
        return None
    ends = parse(found.get("ends_at") or "")
    if ends is None:
        return None
    return {"ends": ends, "text": str(found.get("text") or ""),
            "event": found.get("event") or "end",
            "precision_s": int(found.get("precision_s") or 1)}


# The time shown at either end of a countdown's text (02:13:45, 2天03时, 2h 13m).
_TIME = (r"(?:[\d\s:：.,，]|小时|分钟|[天日时分秒]|days?|hours?|hrs?|minutes?|mins?|seconds?"
         r"|secs?|[dhms](?![a-z]))+")
_EDGES = re.compile(rf"^{_TIME}|{_TIME}$")


def _words(text: str) -> str:
    """A countdown's words without the time it shows: 距双11结束 2天03:12:11 -> 距双11结束."""
    return _EDGES.sub("", text.casefold()).strip()
