"""What changed between two captures of a listing: pure functions over records and text.

``diff_records(old, new, old_text, new_text)`` returns a plain dict (the ``--json`` form):

- ``fields``: ``[{field, old, new}]`` for price, original price, title, availability,
  seller, sku, shipping, rating, review count, status, removed;
- ``promises``: ``added`` / ``removed`` / ``reworded`` (same taxonomy code, other wording
  or parameters: ``{code, old, new}``), each promise as ``{code, text, params}``;
- ``claims``: ``added`` / ``removed`` / ``reworded`` with their flags;
- ``text``: a unified diff of the visible text (bounded), and ``text_changed``;
- ``changed``: whether anything above differs.

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

FIELDS = ("title", "price", "original_price", "price_range", "availability", "seller", "sku",
          "shipping", "rating", "review_count", "status", "removed")


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
    return value


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


def diff_records(old: dict[str, Any] | None, new: dict[str, Any] | None,
                 old_text: str = "", new_text: str = "") -> dict[str, Any]:
    old, new = old or {}, new or {}
    fields = field_changes(old, new)
    promises = promise_changes(old.get("promises") or [], new.get("promises") or [])
    claims = claim_changes(old.get("claims") or [], new.get("claims") or [])
    text, cut = text_diff(old_text, new_text)
    listing_changed = bool(fields or any(promises.values()) or any(claims.values()))
    return {
        "fields": fields,
        "promises": promises,
        "claims": claims,
        "text": text,
        "text_truncated": cut,
        "text_changed": bool(text),
        "listing_changed": listing_changed,
        "changed": listing_changed or bool(text),
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
    return out


def _show(value: Any) -> str:
    return "-" if value is None else str(value)
