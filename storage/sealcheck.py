"""The verify steps beyond hashes and the chain: signatures, timestamps, the index's rows."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509

from storage.blobs import HEX64
from storage.errors import StoreError
from storage.evidence import tsa
from storage.store import Store


@dataclass
class SealFindings:
    problems: list[tuple[str | None, str | None, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signed: int = 0
    unsigned_legacy: int = 0
    stamped: int = 0
    unstamped: list[str] = field(default_factory=list)
    index_rows: int = 0


def check(store: Store, ids: list[str], roots: list[x509.Certificate]) -> SealFindings:
    found = SealFindings()
    for snapshot_id in ids:
        if not HEX64.match(snapshot_id) or not store.blobs.exists(snapshot_id):
            continue
        try:
            manifest = json.loads(store.blobs.get(snapshot_id))
        except (StoreError, ValueError):  # unreadable or corrupt: verify's blob checks report it
            continue
        if not isinstance(manifest, dict):
            continue
        if "signer" not in manifest and store.seals.read(snapshot_id, "sig") is None:
            found.unsigned_legacy += 1  # committed before the store signed snapshots
        else:
            problem = store.seals.check(snapshot_id, manifest.get("signer"))
            if problem:
                found.problems.append((snapshot_id, "signature", problem))
            else:
                found.signed += 1
        token = store.seals.read(snapshot_id, "tsr")
        if token is None:
            found.unstamped.append(snapshot_id)
            continue
        problem = tsa.check(token, snapshot_id, roots)
        if problem:
            found.problems.append((snapshot_id, "timestamp", problem))
        else:
            found.stamped += 1
    in_ledger = set(ids)
    for path in sorted(store.seals.dir.glob("*.sig")) if store.seals.dir.is_dir() else []:
        if path.stem not in in_ledger:
            found.notes.append(f"seals/{path.name} seals no snapshot in the ledger (removed?)")
    if found.unsigned_legacy:
        found.notes.append(f"{found.unsigned_legacy} snapshots predate signing and carry no signature")
    found.index_rows = _check_index(store, ids, found)
    return found


def _check_index(store: Store, ids: list[str], found: SealFindings) -> int:
    """Each index row must say what its manifest says (the index is a cache, not evidence)."""
    seq_of = {snapshot_id: n for n, snapshot_id in enumerate(ids, start=1)}
    rows = store.index.db.execute(
        "SELECT seq, id, prev, captured_at, target_url, final_url, status FROM snapshots"
    ).fetchall()
    arts: dict[str, dict[str, tuple[str, int]]] = {}
    for r in store.index.db.execute("SELECT snapshot_id, name, sha256, size FROM artifacts"):
        arts.setdefault(r[0], {})[r[1]] = (r[2], r[3])
    for row in rows:
        snapshot_id = row["id"]
        if snapshot_id not in seq_of or not store.blobs.exists(snapshot_id):
            continue  # verify's ledger checks report these
        try:
            manifest: dict[str, Any] = json.loads(store.blobs.get(snapshot_id))
        except (StoreError, ValueError):
            continue
        target = manifest.get("target") or {}
        expected = {"seq": seq_of[snapshot_id], "prev": manifest.get("prev"),
                    "captured_at": manifest.get("captured_at"), "target_url": target.get("url"),
                    "final_url": manifest.get("final_url"), "status": manifest.get("status")}
        wrong = [k for k, v in expected.items() if row[k] != v]
        table = {name: (a.get("sha256"), a.get("size"))
                 for name, a in (manifest.get("artifacts") or {}).items() if isinstance(a, dict)}
        if arts.get(snapshot_id, {}) != table:
            wrong.append("artifacts")
        if wrong:
            found.problems.append((snapshot_id, "index",
                                   f"index row differs from the manifest in {', '.join(wrong)}"
                                   f" (index changed: {_rebuild(store)})"))
    return len(rows)


def _rebuild(store: Store) -> str:
    """How to have the index made again from the ledger and the manifests, per back end."""
    if store.backends.index:
        return (f"run TRUNCATE snapshots, artifacts, payloads in {store.backends.index};"
                " the next command rebuilds them")
    return f"delete {store.root / 'index.sqlite'}; the next command rebuilds it"
