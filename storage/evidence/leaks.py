"""Privacy clues: which shop, page or chat showed which of the user's own identifiers, when.

Every new snapshot is scanned (after its commit, :func:`scan_new`) for the identifiers in
``STORE/identities.json``: its visible text, its chat messages one by one, and (for phone,
e-mail and ID numbers) its page source. Each hit is one line appended to
``STORE/leaks.jsonl`` (owner-only): snapshot, target and final URL, site and shop, when it
was captured, which identifier (id, kind, label; never the value or its hash), where.
"""
from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from storage import Store
from storage.evidence.identities import Identities
from storage.times import rfc3339

LOG = "leaks.jsonl"
SOURCE_KINDS = ("phone", "email", "id")  # looked for in the page source too (no windows)


def scan(store: Store, snapshot_id: str, idents: Identities) -> list[dict[str, Any]]:
    """The hits of one snapshot, one per identifier found (nothing written)."""
    if not idents.items:
        return []
    manifest = json.loads(store.blobs.get(snapshot_id))
    arts = manifest.get("artifacts") or {}

    def blob(name: str) -> str:
        art = arts.get(name)
        return store.blobs.get(art["sha256"]).decode("utf-8", "replace") if art else ""

    found: dict[str, dict[str, Any]] = {}

    def note(where: str, hits: dict[str, int], message: dict[str, Any] | None = None) -> None:
        for ident_id, count in hits.items():
            entry = found.setdefault(ident_id, {"where": [], "count": 0, "messages": []})
            if where not in entry["where"]:
                entry["where"].append(where)
            if where == "text":  # chat messages and the source repeat what the text shows
                entry["count"] += count
            if message is not None:
                entry["messages"].append({k: message.get(k) for k in ("id", "sender", "role", "sent_at")})

    note("text", idents.find(blob("text")))
    record = store.record(snapshot_id) or {}
    for message in record.get("messages") or []:
        if isinstance(message, dict) and message.get("text"):
            note("chat", idents.find(str(message["text"])), message)
    note("source", idents.find(blob("html"), kinds=SOURCE_KINDS))
    if not found:
        return []
    target = manifest.get("target") or {}
    final = manifest.get("final_url") or target.get("url") or ""
    seller = record.get("seller") if isinstance(record.get("seller"), dict) else {}
    counterpart = record.get("counterpart")
    if isinstance(counterpart, dict):
        counterpart = counterpart.get("name")
    base = {"snapshot": snapshot_id, "target_url": target.get("url"), "target_kind": target.get("kind"),
            "final_url": final, "title": manifest.get("title"),
            "site": record.get("site") or urlsplit(final).hostname,
            "shop": (seller or {}).get("name") or counterpart,
            "captured_at": manifest.get("captured_at")}
    by_id = {i.id: i for i in idents.items}
    now = rfc3339(timespec="seconds")
    return [{**base, "identity": ident_id, "kind": by_id[ident_id].kind, "label": by_id[ident_id].label,
             **entry, "found_at": now} for ident_id, entry in found.items()]


def read(root: Path) -> list[dict[str, Any]]:
    path = Path(root) / LOG
    if not path.exists():
        return []
    hits = []
    for line in path.read_text("utf-8").splitlines():
        try:
            hit = json.loads(line)
        except ValueError:
            continue  # a line cut short by a crash; the others stand
        if isinstance(hit, dict):
            hits.append(hit)
    return hits


def append(root: Path, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Append the hits not logged yet (same snapshot and identifier); return those."""
    if not hits:
        return []
    path = Path(root) / LOG
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        seen = {(h.get("snapshot"), h.get("identity")) for h in read(root)}
        new = [h for h in hits if (h["snapshot"], h["identity"]) not in seen]
        if new:
            data = "".join(json.dumps(h, ensure_ascii=False, sort_keys=True) + "\n" for h in new)
            os.write(fd, data.encode("utf-8"))
            os.fsync(fd)
        return new
    finally:
        os.close(fd)


def rescan(store: Store) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Scan every snapshot in the ledger again; yield (id, hits newly logged)."""
    idents = Identities(store.root)
    for snapshot_id in store.ledger.ids():
        yield snapshot_id, append(store.root, scan(store, snapshot_id, idents))


def scan_new(store: Store, snapshot_id: str) -> list[dict[str, Any]]:
    """Scan one new snapshot for the user's identifiers; log and return the hits not logged yet."""
    idents = Identities(store.root)
    if not idents.items:
        return []
    return append(store.root, scan(store, snapshot_id, idents))
