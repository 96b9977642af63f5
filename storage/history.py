"""Comparing stored snapshots: one pair (``compare``) or a target's whole timeline.

A snapshot whose record is flagged ``blocked`` (login wall, captcha, anti-bot page) is in
the timeline as what it is, but is never compared with a listing: changes are always
between two captures that showed the listing, of the same kind.

A capture *differs* when its listing does (``listing_changed`` of the diff: fields other
than the minor ones, promises, claims, anomalies) from the capture before it that showed
the listing. The index keeps that per snapshot, with the listing's facts
(``storage.index``), so "last changed" and "the last capture that differs" are one query,
and the words for a change are made from two rows of the index, never from records.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storage.changes import change_phrases
from storage.diff import FIELDS, diff_facts, diff_records, field_value
from storage.errors import ArtifactNotFoundError, SnapshotNotFoundError, StoreError
from storage.index import Index
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


def who(store: Store, ref: str) -> dict[str, Any]:
    """Which snapshot ``ref`` is: id, capture time, target, blocked."""
    snapshot_id, manifest = store.manifest(ref)
    return _who(snapshot_id, manifest, store.record(snapshot_id) or {})


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


@dataclass(frozen=True)
class Choice:
    """Which two captures ``diff URL`` compares. ``same``: how many captures, from
    ``first_same`` to the newest, show the newest listing; ``changed`` False: every capture
    that showed the listing shows the same one, and ``old`` is the first of them."""
    old: str
    new: str
    changed: bool
    same: int
    first_same: str


def last_different(store: Store, url: str) -> Choice:
    """The newest capture of ``url`` that showed the listing, and the newest one before it
    whose listing differs (not merely the one before: a watch that saw the same page fifty
    times compares with the page before those fifty)."""
    db = store.index.db
    newest = db.execute("SELECT seq, id, kind FROM snapshots WHERE target_url = ? AND listing IS NOT NULL"
                        " ORDER BY seq DESC LIMIT 1", (url,)).fetchone()
    shown = db.execute("SELECT id FROM snapshots WHERE target_url = ? AND kind IS ? AND listing IS NOT NULL"
                       " ORDER BY seq", (url, newest["kind"])).fetchall() if newest else []
    if len(shown) < 2:
        last_two(store, url)  # raises the error that says why there is nothing to compare
        raise StoreError(f"{url} has fewer than two captures that show the listing; nothing to compare")
    change = db.execute("SELECT seq, id, since FROM snapshots WHERE target_url = ? AND kind IS ?"
                        " AND differs = 1 ORDER BY seq DESC LIMIT 1", (url, newest["kind"])).fetchone()
    if change is None:
        return Choice(shown[0]["id"], newest["id"], False, len(shown), shown[0]["id"])
    same = db.execute("SELECT count(*) FROM snapshots WHERE target_url = ? AND kind IS ?"
                      " AND listing IS NOT NULL AND seq >= ?", (url, newest["kind"], change["seq"])).fetchone()[0]
    return Choice(change["since"], newest["id"], True, int(same), change["id"])


def last_changes(index: Index, urls: list[str]) -> dict[str, dict[str, Any]]:
    """url -> its newest capture that differs: ``{id, captured_at, since, changes}`` (the
    phrases), for the targets among ``urls`` that ever changed. One indexed query each."""
    found = {}
    for url in dict.fromkeys(urls):
        row = index.db.execute("SELECT id, captured_at, since FROM snapshots"
                               " WHERE target_url = ? AND differs = 1 ORDER BY seq DESC LIMIT 1",
                               (url,)).fetchone()
        if row is not None:
            found[url] = {"id": row["id"], "captured_at": row["captured_at"], "since": row["since"]}
    words = changes_of(index, [f["id"] for f in found.values()])
    return {url: {**f, "changes": words.get(f["id"], [])} for url, f in found.items()}


def changes_of(index: Index, ids: list[str]) -> dict[str, list[dict[str, str]]]:
    """id -> what changed since the capture before it that showed the listing, in words
    (``change_phrases``), for those of ``ids`` where something did, from the index alone."""
    if not ids:
        return {}
    rows = index.db.execute(
        "SELECT s.id, s.listing, p.listing AS earlier FROM snapshots s JOIN snapshots p ON p.id = s.since"
        f" WHERE s.id IN ({','.join('?' * len(ids))})", list(ids))
    out = {}
    for r in rows:
        if phrases := change_phrases(diff_facts(json.loads(r["earlier"]), json.loads(r["listing"]))):
            out[r["id"]] = phrases
    return out


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
    """Every capture of ``url``, oldest first, each with what changed since the previous
    capture of its kind that showed the listing: ``changed`` (the parts, by name),
    ``changes_text`` (each change in words, ``[{zh, en}]``), ``differs``, and ``changes``
    (the diff without the text). ``price`` is there on every row, to plot."""
    out: list[dict[str, Any]] = []
    last: dict[Any, tuple[str, dict[str, Any], str]] = {}  # kind -> previous shown capture
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
            "changes_text": [],
            "differs": False,
        }
        if record.get("blocked"):
            out.append(entry)
            continue
        text = _text(store, snapshot_id)
        kind = (row.get("target") or {}).get("kind")
        prev = last.get(kind)
        if prev is not None:
            diff = diff_records(prev[1], record, prev[2], text)
            entry["changed"] = [f["field"] for f in diff["fields"]]
            for part in ("promises", "claims", "anomalies"):
                for how, items in diff[part].items():
                    if items:
                        entry["changed"].append(f"{part}.{how}")
            if diff["text_changed"]:
                entry["changed"].append("text")
            entry["since"] = prev[0]
            entry["changes"] = {k: diff[k] for k in ("fields", "promises", "claims", "anomalies")}
            entry["changes_text"] = change_phrases(diff)
            entry["differs"] = diff["listing_changed"]
        last[kind] = (snapshot_id, record, text)
        out.append(entry)
    return out


__all__ = ["FIELDS", "Choice", "change_phrases", "changes_of", "compare", "last_changes", "last_different",
           "last_two", "previous_shown", "snapshots_of", "timeline", "who"]
