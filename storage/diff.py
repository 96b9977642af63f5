"""What changed between two captures of a listing: pure functions over records and text.

``diff_records(old, new, old_text, new_text)`` returns a plain dict (the ``--json`` form):

- ``fields``: ``[{field, old, new}]`` for price, original price, title, availability,
  stock count, seller, sku, shipping, rating, review count, status, removed, and the
  promotion countdown (``end`` / ``start`` / none: its time left moves with every capture);
- ``promises``: ``added`` / ``removed`` / ``reworded`` (same taxonomy code, other wording
  or parameters: ``{code, old, new}``), each promise as ``{code, text, params}``;
- ``claims``: ``added`` / ``removed`` / ``reworded`` with their flags;
- ``anomalies``: ``added`` / ``removed`` ``{code, severity, text}``, matched by code (a
  finding's wording carries amounts and times that move while the finding stays);
- ``text``: a unified diff of the visible text (bounded), and ``text_changed``;
- ``listing_changed``: whether the listing differs: any of the above but the text, where
  :data:`MINOR_FIELDS` alone do not count; ``changed``: that, or the text.

Everything but the text is computed from :func:`listing_facts`, a small projection of the
record that the index keeps per snapshot, so "what changed" reads the same from the index
(the viewer) as from the records (the CLI).

Promises and claims are compared as multisets, so a promise shown twice and then once is
one removal; where the page is a login wall or captcha (``record["blocked"]``) there is no
listing to compare, and callers should not diff it against a real listing.
"""
from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

TEXT_DIFF_MAX_LINES = 400
CLAIM_SIMILAR = 0.6

FIELDS = ("title", "price", "original_price", "price_range", "availability", "stock_count", "seller",
          "sku", "shipping", "rating", "review_count", "status", "removed", "countdown")
# Fields that move with every sale or review: shown when they change, but alone they do not
# make a capture "different" (a watch of a busy listing would otherwise change every hour).
MINOR_FIELDS = ("stock_count", "rating", "review_count")


def _money(value: Any) -> Any:
    if isinstance(value, dict) and "amount" in value:
        return f"{value.get('amount')} {value.get('currency') or ''}".strip()
    if isinstance(value, dict) and "min" in value:
        return f"{value.get('min')}-{value.get('max')} {value.get('currency') or ''}".strip()
    return value


def field_value(record: dict[str, Any] | None, name: str) -> Any:
    """The comparable value of one field: money as "199.00 CNY", seller by name."""
    value = (record or {}).get(name)
    if name in ("price", "original_price", "price_range"):
        return _money(value)
    if name == "seller" and isinstance(value, dict):
        return value.get("name")
    if name == "shipping" and isinstance(value, dict):
        return value.get("text")
    if name == "removed":
        return bool(value)
    if name == "countdown":
        return (value.get("event") or "end") if isinstance(value, dict) else value
    return value


def _anomaly(a: dict[str, Any]) -> dict[str, Any]:
    return {"code": a.get("code"), "severity": a.get("severity"), "text": a.get("text")}


def listing_facts(record: dict[str, Any] | None) -> dict[str, Any]:
    """What the diff compares, and nothing else: each field's comparable value, promises,
    claims and anomalies (without evidence). Plain JSON, and a record of its own: the
    facts of facts are the same facts."""
    record = record or {}
    facts: dict[str, Any] = {name: field_value(record, name) for name in FIELDS}
    facts["promises"] = [_promise(p) for p in _dicts(record.get("promises"))]
    facts["claims"] = [_claim(c) for c in _dicts(record.get("claims"))]
    facts["anomalies"] = [_anomaly(a) for a in _dicts(record.get("anomalies"))]
    return facts


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def field_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[dict[str, Any]]:
    out = []
    for name in FIELDS:
        a, b = field_value(old, name), field_value(new, name)
        if a != b:
            out.append({"field": name, "old": a, "new": b})
    return out


def _promise(p: dict[str, Any]) -> dict[str, Any]:
    return {"code": p.get("code"), "text": p.get("text"), "params": p.get("params") or {}}


def _pkey(p: dict[str, Any]) -> str:
    return json.dumps(_promise(p), ensure_ascii=False, sort_keys=True)


def _minus(items: list[dict[str, Any]], other: list[dict[str, Any]], key: Any) -> list[dict[str, Any]]:
    """Items of ``items`` left after pairing each with an identical one of ``other``."""
    pool = Counter(key(item) for item in other)
    left = []
    for item in items:
        k = key(item)
        if pool[k]:
            pool[k] -= 1
        else:
            left.append(item)
    return left


def _unmatched(old: list[dict[str, Any]], new: list[dict[str, Any]],
               key: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Items of old and new left after pairing identical ones (multiset difference)."""
    return _minus(old, new, key), _minus(new, old, key)


def promise_changes(old: Iterable[dict[str, Any]], new: Iterable[dict[str, Any]]) -> dict[str, Any]:
    gone, came = _unmatched([_promise(p) for p in old], [_promise(p) for p in new], _pkey)
    reworded = []
    removed = []
    for p in gone:
        twin = next((q for q in came if q["code"] == p["code"]), None)
        if twin is None:
            removed.append(p)
        else:
            came.remove(twin)
            reworded.append({"code": p["code"], "old": p, "new": twin})
    return {"added": came, "removed": removed, "reworded": reworded}


def _claim(c: dict[str, Any]) -> dict[str, Any]:
    return {"text": " ".join(str(c.get("text") or "").split()), "flags": list(c.get("flags") or [])}


def claim_changes(old: Iterable[dict[str, Any]], new: Iterable[dict[str, Any]]) -> dict[str, Any]:
    gone, came = _unmatched([_claim(c) for c in old], [_claim(c) for c in new],
                            lambda c: c["text"])
    reworded = []
    removed = []
    for c in gone:
        best, score = None, CLAIM_SIMILAR
        for d in came:
            ratio = difflib.SequenceMatcher(None, c["text"], d["text"]).ratio()
            if ratio >= score:
                best, score = d, ratio
        if best is None:
            removed.append(c)
        else:
            came.remove(best)
            reworded.append({"old": c, "new": best})
    return {"added": came, "removed": removed, "reworded": reworded}


def anomaly_changes(old: Iterable[dict[str, Any]], new: Iterable[dict[str, Any]]) -> dict[str, Any]:
    gone, came = _unmatched([_anomaly(a) for a in old], [_anomaly(a) for a in new],
                            lambda a: str(a["code"]))
    return {"added": came, "removed": gone}


def text_diff(old: str, new: str, *, context: int = 1,
              max_lines: int = TEXT_DIFF_MAX_LINES) -> tuple[list[str], bool]:
    """Unified diff lines of the visible text (at most ``max_lines``) and whether it was cut."""
    a = [line.rstrip() for line in old.splitlines()]
    b = [line.rstrip() for line in new.splitlines()]
    lines = []
    for n, line in enumerate(difflib.unified_diff(a, b, "before", "after", n=context, lineterm="")):
        if n >= max_lines:
            return lines, True
        lines.append(line)
    return lines, False


def diff_facts(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    """The diff of two records (or of their :func:`listing_facts`) without the text."""
    old, new = listing_facts(old), listing_facts(new)
    fields = field_changes(old, new)
    promises = promise_changes(old["promises"], new["promises"])
    claims = claim_changes(old["claims"], new["claims"])
    anomalies = anomaly_changes(old["anomalies"], new["anomalies"])
    listing_changed = bool([f for f in fields if f["field"] not in MINOR_FIELDS]
                           or any(promises.values()) or any(claims.values())
                           or any(anomalies.values()))
    return {"fields": fields, "promises": promises, "claims": claims, "anomalies": anomalies,
            "listing_changed": listing_changed}


def diff_records(old: dict[str, Any] | None, new: dict[str, Any] | None,
                 old_text: str = "", new_text: str = "") -> dict[str, Any]:
    diff = diff_facts(old, new)
    text, cut = text_diff(old_text, new_text)
    return {
        **diff,
        "text": text,
        "text_truncated": cut,
        "text_changed": bool(text),
        "changed": diff["listing_changed"] or bool(text),
    }


def summary_lines(diff: dict[str, Any]) -> list[str]:
    """The diff for a person, one change per line."""
    out = []
    for f in diff["fields"]:
        out.append(f"{f['field']}: {_show(f['old'])} → {_show(f['new'])}")
    p = diff["promises"]
    for x in p["removed"]:
        out.append(f"promise removed: {x['code']}: {x['text']}")
    for x in p["added"]:
        out.append(f"promise added: {x['code']}: {x['text']}")
    for x in p["reworded"]:
        out.append(f"promise reworded: {x['code']}: {x['old']['text']} → {x['new']['text']}")
    c = diff["claims"]
    for x in c["removed"]:
        out.append(f"claim removed [{', '.join(x['flags'])}]: {x['text']}")
    for x in c["added"]:
        out.append(f"claim added [{', '.join(x['flags'])}]: {x['text']}")
    for x in c["reworded"]:
        out.append(f"claim reworded [{', '.join(x['new']['flags'])}]: {x['old']['text']} → {x['new']['text']}")
    a = diff.get("anomalies") or {}
    for x in a.get("added") or []:
        out.append(f"anomaly appeared: {x['code']}")
    for x in a.get("removed") or []:
        out.append(f"anomaly no longer flagged: {x['code']}")
    return out


def _show(value: Any) -> str:
    return "-" if value is None else str(value)
