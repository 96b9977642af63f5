"""Comparing stored snapshots: one pair (``compare``) or a target's whole timeline.

A snapshot whose record is flagged ``blocked`` (login wall, captcha, anti-bot page) is in
the timeline as what it is, but is never compared with a listing: changes are always
between two captures that showed the listing.
"""
from __future__ import annotations

from typing import Any

from storage.diff import FIELDS, diff_records, field_value
from storage.errors import ArtifactNotFoundError, SnapshotNotFoundError, StoreError
from storage.store import Store


def _text(store: Store, snapshot_id: str) -> str:
    try:
        return store.artifact(snapshot_id, "text").decode("utf-8", "replace")
    except ArtifactNotFoundError:
        return ""


def compare(store: Store, old_ref: str, new_ref: str) -> dict[str, Any]:
    """The diff of two snapshots, with who they are."""
    old_id, old_m = store.manifest(old_ref)
    new_id, new_m = store.manifest(new_ref)
    old_r, new_r = store.record(old_id) or {}, store.record(new_id) or {}
    diff = diff_records(old_r, new_r, _text(store, old_id), _text(store, new_id))
    return {
        "old": _who(old_id, old_m, old_r),
        "new": _who(new_id, new_m, new_r),
        **diff,
    }


def _who(snapshot_id: str, manifest: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    return {"id": snapshot_id, "captured_at": manifest.get("captured_at"),
            "target": manifest.get("target"), "blocked": record.get("blocked")}


def snapshots_of(store: Store, url: str, kind: str | None = None) -> list[dict[str, Any]]:
    """Index summaries of one target, oldest first."""
    rows = store.summaries(url, newest_first=False)
    return [r for r in rows if kind is None or (r.get("target") or {}).get("kind") == kind]


def last_two(store: Store, url: str) -> tuple[str, str]:
    """The two newest captures of ``url`` that showed the listing (not a blocked page)."""
    found: list[str] = []
    for row in reversed(snapshots_of(store, url)):
        if not (store.record(row["id"]) or {}).get("blocked"):
            found.append(row["id"])
            if len(found) == 2:
                return found[1], found[0]
    if not snapshots_of(store, url):
        raise SnapshotNotFoundError(f"no snapshots of {url} in this store")
    raise StoreError(f"{url} has fewer than two captures that show the listing; nothing to compare")


def previous_shown(store: Store, url: str, kind: str, before: str) -> str | None:
    """The newest capture of the target before snapshot ``before`` that was not blocked."""
    rows = snapshots_of(store, url, kind)
    ids = [r["id"] for r in rows]
    if before not in ids:
        return None
    for snapshot_id in reversed(ids[: ids.index(before)]):
        if not (store.record(snapshot_id) or {}).get("blocked"):
            return snapshot_id
    return None


def timeline(store: Store, url: str) -> list[dict[str, Any]]:
    """Every capture of ``url``, oldest first, each with the fields that changed since the
    previous capture that showed the listing (``price`` is there on every row, to plot)."""
    out: list[dict[str, Any]] = []
    prev: tuple[str, dict[str, Any], str] | None = None
    for row in snapshots_of(store, url):
        snapshot_id = row["id"]
        record = store.record(snapshot_id) or {}
        entry: dict[str, Any] = {
            "id": snapshot_id,
            "captured_at": row.get("captured_at"),
            "status": row.get("status"),
            "price": field_value(record, "price"),
            "amount": (record.get("price") or {}).get("amount"),
            "currency": (record.get("price") or {}).get("currency"),
            "blocked": record.get("blocked"),
            "changed": [],
        }
        if record.get("blocked"):
            out.append(entry)
            continue
        text = _text(store, snapshot_id)
        if prev is not None:
            diff = diff_records(prev[1], record, prev[2], text)
            entry["changed"] = [f["field"] for f in diff["fields"]]
            for part in ("promises", "claims"):
                for how, items in diff[part].items():
                    if items:
                        entry["changed"].append(f"{part}.{how}")
            if diff["text_changed"]:
                entry["changed"].append("text")
            entry["since"] = prev[0]
            entry["changes"] = {k: diff[k] for k in ("fields", "promises", "claims")}
        prev = (snapshot_id, record, text)
        out.append(entry)
    return out


__all__ = ["FIELDS", "compare", "last_two", "previous_shown", "snapshots_of", "timeline"]
