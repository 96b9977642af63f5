"""Check a store from its bytes alone: blobs, manifests, the chain, the index."""
from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from storage import sealcheck, steplog
from storage.blobs import HEX64, Blobs
from storage.canonical import sha256_hex
from storage.errors import StoreError
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
    """``tsa_roots``: certificates a timestamp authority must chain to (None: integrity only).

    Every blob is read once (see ``_ReadOnce``): on S3 each read is a download."""
    report = Report()
    listed: set[str] = set()
    for name in store.blobs:
        report.blobs += 1
        if HEX64.match(name):
            listed.add(name)
        else:
            report.problems.append(Problem(None, None, f"stray entry among the blobs: {name}"))
    blobs = store.blobs
    store.blobs = reads = _ReadOnce(blobs, listed)  # what the seal and revisit checks read too
    try:
        _check_chain(store, report, tsa_roots or [])
        for name in sorted(listed):
            reads.rehash(name)  # the blobs no snapshot names: every blob is re-hashed
    finally:
        store.blobs = blobs
    return report


def _check_chain(store: Store, report: Report, tsa_roots: list[Any]) -> None:
    ids, tail = store.ledger.read()
    # read first, reported after the chain: the WARCs these read are then hashed already
    revisit_problems = revisits.check(store, [i for i in ids if HEX64.match(i)])
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
        report.problems.extend(_check_snapshot(store, snapshot_id, prev))
        prev = snapshot_id

    in_ledger = set(ids)
    for snapshot_id in store.index.ids():
        if snapshot_id not in in_ledger:
            report.problems.append(
                Problem(snapshot_id, None, "indexed but missing from the ledger (removed?)")
            )
    # a revisit's body lives in an earlier snapshot's WARC: that snapshot must be there, before it
    report.problems.extend(Problem(*p) for p in revisit_problems)
    seals = sealcheck.check(store, ids, tsa_roots)
    report.problems.extend(Problem(*p) for p in seals.problems)
    report.notes.extend(seals.notes)
    report.after_commit = steplog.read(store.root)
    report.signed, report.stamped = seals.signed, seals.stamped
    report.unstamped, report.index_rows = seals.unstamped, seals.index_rows


def _check_snapshot(store: Store, snapshot_id: str, prev: str | None) -> list[Problem]:
    out: list[Problem] = []
    try:
        data = store.blobs.get(snapshot_id)
    except StoreError:
        data = b""  # why, the rehash below says
    problem = _changed(store.blobs.rehash(snapshot_id), snapshot_id)
    if problem:
        return [Problem(snapshot_id, "manifest", problem)]
    try:
        manifest = json.loads(data)
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
        now = store.blobs.rehash(digest)
        problem = _changed(now, digest)
        if problem:
            out.append(Problem(snapshot_id, name, problem))
        elif now is not None and now[1] != art.get("size"):
            out.append(Problem(snapshot_id, name, f"size {now[1]}, manifest says {art.get('size')}"))
    return out


def _changed(now: tuple[str, int] | None, digest: str) -> str | None:
    if now is None:
        return "missing"
    if now[0] != digest:
        return f"content changed (now hashes to {now[0]})"
    return None


class _ReadOnce:
    """The store's blobs as verify reads them: each blob is fetched at most once and its
    digest and size kept; the small ones (manifests, records) are kept whole, within a budget,
    since the chain, seal, index and revisit checks each read every manifest."""

    KEEP_UP_TO = 1 << 20  # bytes of one blob
    BUDGET = 64 << 20  # bytes of all kept blobs

    def __init__(self, blobs: Blobs, listed: set[str]) -> None:
        self.blobs = blobs
        self.listed = listed  # names the listing showed: there, unless removed since
        self.hashed: dict[str, tuple[str, int] | None] = {}
        self.kept: OrderedDict[str, bytes] = OrderedDict()
        self.kept_bytes = 0
        self.refused: dict[str, StoreError] = {}  # missing, or refused as changed: asked once

    def rehash(self, digest: str) -> tuple[str, int] | None:
        if digest not in self.hashed:
            self.hashed[digest] = self.blobs.rehash(digest)
        return self.hashed[digest]

    def get(self, digest: str) -> bytes:
        if digest in self.kept:
            self.kept.move_to_end(digest)
            return self.kept[digest]
        if digest in self.refused:
            raise self.refused[digest]
        try:
            data = self.blobs.get(digest)
        except StoreError as exc:
            self.refused[digest] = exc
            self.rehash(digest)  # what verify reports: missing, or what it hashes to now
            raise
        self.hashed[digest] = (sha256_hex(data), len(data))
        if len(data) <= self.KEEP_UP_TO:
            self.kept[digest] = data
            self.kept_bytes += len(data)
            while self.kept_bytes > self.BUDGET:
                self.kept_bytes -= len(self.kept.popitem(last=False)[1])
        return data

    def exists(self, digest: str) -> bool:
        if digest in self.hashed:
            return self.hashed[digest] is not None
        return digest in self.listed or self.blobs.exists(digest)

    def put(self, data: bytes) -> str:
        return self.blobs.put(data)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.listed))
