"""Check a store from its bytes alone: blobs, manifests, the chain, the index."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from storage import sealcheck, steplog
from storage.blobs import HEX64
from storage.store import Store
from storage.warc import revisits


@dataclass
class Problem:
    snapshot: str | None
    artifact: str | None
    what: str

    def __str__(self) -> str:
        where = []
        if self.snapshot:
            where.append(f"snapshot {self.snapshot}")
        if self.artifact:
            where.append(f"artifact {self.artifact}")
        return f"{' '.join(where) or 'store'}: {self.what}"


@dataclass
class Report:
    snapshots: int = 0
    head: str | None = None  # the ledger's newest snapshot: two stores with the same chain agree
    blobs: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signed: int = 0  # signatures that verify with keys/ed25519.pub
    stamped: int = 0  # RFC 3161 tokens that verify
    unstamped: list[str] = field(default_factory=list)  # snapshots with no token (yet)
    index_rows: int = 0  # index rows compared with their manifests
    # steps after a commit that failed (timestamp, identity scan, notification): the snapshot
    # is intact; what it is owed is listed here, not counted as a problem
    after_commit: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(store: Store, tsa_roots: list[Any] | None = None) -> Report:
    """``tsa_roots``: certificates a timestamp authority must chain to (None: integrity only)."""
    report = Report()
    bad_blobs: dict[str, str] = {}
    for name in store.blobs:
        report.blobs += 1
        if not HEX64.match(name):
            report.problems.append(Problem(None, None, f"stray file blobs/{name[:2]}/{name}"))
            continue
        now = store.blobs.rehash(name)
        if now is None:
            bad_blobs[name] = "missing"
        elif now[0] != name:
            bad_blobs[name] = f"content changed (now hashes to {now[0]})"

    ids, tail = store.ledger.read()
    report.head = ids[-1] if ids else None
    if tail is not None:
        report.notes.append("the ledger ends with an interrupted append, which never committed")
    prev: str | None = None
    for n, snapshot_id in enumerate(ids, start=1):
        report.snapshots += 1
        if not HEX64.match(snapshot_id):
            report.problems.append(Problem(None, None, f"ledger line {n} is not a snapshot id"))
            prev = None
            continue
        problem = _check_snapshot(store, snapshot_id, prev, bad_blobs)
        report.problems.extend(problem)
        prev = snapshot_id

    in_ledger = set(ids)
    for snapshot_id in store.index.ids():
        if snapshot_id not in in_ledger:
            report.problems.append(
                Problem(snapshot_id, None, "indexed but missing from the ledger (removed?)")
            )
    # a revisit's body lives in an earlier snapshot's WARC: that snapshot must be there, before it
    report.problems.extend(Problem(*p) for p in revisits.check(store, [i for i in ids if HEX64.match(i)]))
    seals = sealcheck.check(store, ids, tsa_roots or [])
    report.problems.extend(Problem(*p) for p in seals.problems)
    report.notes.extend(seals.notes)
    report.after_commit = steplog.read(store.root)
    report.signed, report.stamped = seals.signed, seals.stamped
    report.unstamped, report.index_rows = seals.unstamped, seals.index_rows
    return report


def _check_snapshot(
    store: Store, snapshot_id: str, prev: str | None, bad_blobs: dict[str, str]
) -> list[Problem]:
    out: list[Problem] = []
    if not store.blobs.exists(snapshot_id):
        return [Problem(snapshot_id, "manifest", "missing")]
    if snapshot_id in bad_blobs:
        return [Problem(snapshot_id, "manifest", bad_blobs[snapshot_id])]
    try:
        manifest = json.loads(store.blobs.get(snapshot_id))
    except ValueError:
        return [Problem(snapshot_id, "manifest", "not JSON")]
    if not isinstance(manifest, dict):
        return [Problem(snapshot_id, "manifest", "not a JSON object")]
    if manifest.get("prev") != prev:
        out.append(
            Problem(snapshot_id, "manifest", f"chain broken: prev is {manifest.get('prev')}, ledger has {prev}")
        )
    artifacts = manifest.get("artifacts")
    if not isinstance(artifacts, dict):
        return out + [Problem(snapshot_id, "manifest", "has no artifacts table")]
    for name, art in sorted(artifacts.items()):
        digest = art.get("sha256", "") if isinstance(art, dict) else ""
        if not HEX64.match(str(digest)):
            out.append(Problem(snapshot_id, name, "no valid sha256 in the manifest"))
            continue
        if digest in bad_blobs:
            out.append(Problem(snapshot_id, name, bad_blobs[digest]))
            continue
        now = store.blobs.rehash(digest)
        if now is None:
            out.append(Problem(snapshot_id, name, "missing"))
        elif now[1] != art.get("size"):
            out.append(Problem(snapshot_id, name, f"size {now[1]}, manifest says {art.get('size')}"))
    return out
