"""The store: one folder holding blobs, the ledger and the index.

Layout::

    STORE/
      jianyipai-store.json   what this folder is, and the group's back ends it belongs to
      blobs/ab/ab12…         every artifact and manifest, named by its SHA-256, read-only
      ledger                 snapshot ids, oldest first, one per line, append-only
      index.sqlite           a cache of the manifests (WAL); rebuilt when behind
      tmp/                   half-written blobs live here until renamed into blobs/
      lock                   taken while a snapshot is committed
      keys/                  the store's Ed25519 signing key (owner-only) and its public half
      seals/                 <id>.sig signatures and <id>.tsr trusted timestamps, write-once

A snapshot is written in this order: artifact blobs, manifest blob, signature, ledger line,
index row.
Only the ledger line makes it exist, so a kill at any moment leaves at most unreferenced
blobs behind and the store stays verifiable.

A group's store keeps the ledger, the index and the seals in PostgreSQL instead (``index``, a
``postgresql://`` URL: storage/pg.py); the folder still holds this worker's signing key and
everything else that is one machine's own (sessions, watch state, step log). Its blobs can
live in an S3-compatible bucket (``blobs``, an ``s3://`` URL: storage/blobs_s3.py). The
marker records both, so that the folder is never read without them (storage/backends.py).
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage import backends
from storage.backends import Backends
from storage.blobs import HEX64, Blobs, BlobStore
from storage.canonical import canonical_json, sha256_hex
from storage.errors import (
    AmbiguousIdError,
    ArtifactNotFoundError,
    SnapshotNotFoundError,
    StoreError,
)
from storage.index import Index
from storage.ledger import Ledger
from storage.seal import Sealer
from storage.warc.revisits import Payload, PayloadOrigin
from storage.warc.revisits import payloads as read_payloads

FORMAT = "jianyipai-store/1"
MARKER = "jianyipai-store.json"


@dataclass(frozen=True)
class Artifact:
    name: str
    data: bytes
    media_type: str


class Store:
    def __init__(self, root: str | os.PathLike[str], *, create: bool = True,
                 index: str | None = None, blobs: str | None = None, moving: bool = False) -> None:
        """``moving``: open the folder with back ends other than those its marker records
        (``migrate``, which calls ``record_backends`` once the copy is whole)."""
        self.root = Path(root).expanduser()
        self.backends = Backends.of(index, blobs)
        marker = self.root / MARKER
        recorded = Backends()
        if not marker.is_file():
            if not create:
                raise StoreError(f"no jianyipai store at {self.root}")
            if self.root.exists() and not self.root.is_dir():
                raise StoreError(f"store path {self.root} exists and is not a folder")
            if self.root.is_dir() and any(
                # keys/: a group's key copied in before the worker's first run
                p.name not in {"blobs", "tmp", "lock", "ledger", "sessions", "keys"} for p in self.root.iterdir()
            ):
                raise StoreError(
                    f"{self.root} is a non-empty folder that is not a jianyipai store"
                )
            self._create()
        else:
            try:
                found = json.loads(marker.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise StoreError(f"cannot read {marker}: {exc}") from None
            if found.get("format") != FORMAT:
                raise StoreError(f"{self.root} holds store format {found.get('format')!r};"
                                 f" this tool reads {FORMAT}")
            recorded = Backends.recorded(found)
        adopt = not moving and not recorded.same(self.backends)
        if adopt:
            backends.check(self.root, recorded, self.backends, len(self._own_ledger().ids()),
                           any((self.root / "blobs").glob("*/*")))
        (self.root / "tmp").mkdir(exist_ok=True)
        self.blobs: Blobs = BlobStore(self.root / "blobs", self.root / "tmp")
        if blobs:  # a group's shared blobs: an s3:// URL
            from storage.blobs_s3 import S3BlobStore

            self.blobs = S3BlobStore.from_url(blobs)
        if index:  # a group's shared ledger, index and seals
            from storage.pg import open_parts

            self.ledger, self.index, self.seals = open_parts(index, self.root)
        else:
            self.ledger = self._own_ledger()
            self.index = Index(self.root / "index.sqlite")
            self.seals = Sealer(self.root)
        if adopt:  # back ends that answer (a misspelt bucket is never recorded) take the folder
            next(iter(self.blobs), None)
            self.record_backends()
        self._checked: dict[str, float] = {}  # blob digest -> when it last hashed to its name
        self.sync_index()

    def describe(self) -> str:
        """The store, for messages: its folder, or the group's back ends and this worker's folder."""
        shared = " and ".join(p for p in (self.backends.index, self.backends.blobs) if p)
        return f"{shared} (worker folder {self.root})" if shared else str(self.root)

    def _own_ledger(self) -> Ledger:
        return Ledger(self.root / "ledger", self.root / "lock")

    def record_backends(self) -> None:
        """Make the marker name the back ends this store was opened with."""
        try:
            tmp = self.root / "tmp" / f"{MARKER}.{os.getpid()}"  # workers may do it at once
            tmp.write_text(json.dumps({"format": FORMAT, **self.backends.fields()}) + "\n", "utf-8")
            os.replace(tmp, self.root / MARKER)
        except OSError as exc:
            raise StoreError(f"cannot update {self.root / MARKER}: {exc.strerror}") from None

    def _create(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            for sub in ("blobs", "tmp"):
                (self.root / sub).mkdir(exist_ok=True)
            tmp = self.root / "tmp" / MARKER
            tmp.write_text(json.dumps({"format": FORMAT}) + "\n", "utf-8")
            os.replace(tmp, self.root / MARKER)
        except OSError as exc:
            raise StoreError(f"cannot create a store at {self.root}: {exc.strerror}") from None

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------

    def commit(self, manifest: dict[str, Any], artifacts: list[Artifact], *,
               record: dict[str, Any] | None = None,
               payloads: list[Payload] | None = None) -> tuple[str, dict[str, Any]]:
        """Write the artifacts and the manifest; return (snapshot id, manifest as stored).

        ``manifest`` gets its ``artifacts``, ``signer`` and ``prev`` filled here. ``record``
        and ``payloads`` (the full responses in its WARC) are what the index keeps; when not
        given they are read back from the ``record`` and ``warc`` artifacts.
        """
        manifest = dict(manifest)
        table: dict[str, dict[str, Any]] = {}
        for art in artifacts:
            digest = self.blobs.put(art.data)
            table[art.name] = {"sha256": digest, "size": len(art.data), "media_type": art.media_type}
        manifest["artifacts"] = table
        manifest["signer"] = self.seals.signer()
        if payloads is None:
            payloads = [p for a in artifacts if a.name == "warc" for p in read_payloads(a.data)]
        if record is None:
            record = _record_of(artifacts)
        with self.ledger.locked():
            count, manifest["prev"] = self.ledger.tip()
            data = canonical_json(manifest)
            snapshot_id = self.blobs.put(data)
            self.seals.sign(snapshot_id)  # before the ledger line: every snapshot is signed
            self.ledger.append(snapshot_id)  # the snapshot exists from here on
            try:
                self.index.add(count + 1, snapshot_id, manifest, manifest.get("title"),
                               record, [tuple(p) for p in payloads])
            except self.index.Error:
                pass  # the index is a cache: sync_index() brings it up to the ledger on next open
        return snapshot_id, manifest

    def sync_index(self) -> None:
        """Bring the index up to the ledger (after a crash, or a copied store)."""
        if self.index.ids() == self.ledger.ids():
            return
        with self.ledger.locked():  # workers sharing an index: one rebuilds, the others wait
            ids = self.ledger.ids()
            indexed = self.index.ids()
            start = len(indexed) if ids[: len(indexed)] == indexed else 0
            if start == 0 and indexed:
                self.index.reset()
            for seq, snapshot_id in enumerate(ids[start:], start=start + 1):
                try:
                    manifest = self._load_manifest(snapshot_id)
                except StoreError:
                    continue  # verify reports it
                self.index.add(seq, snapshot_id, manifest, manifest.get("title"),
                               self._stored_record(manifest), self._stored_payloads(manifest))

    def adopt(self, snapshot_id: str, seals: dict[str, bytes]) -> bool:
        """Append a snapshot copied from another store (its blobs are here already) with its
        seals, keeping its id: its manifest's ``prev`` must be this ledger's head. False when
        the ledger holds it already (its missing seals are kept all the same)."""
        manifest = self._load_manifest(snapshot_id)
        with self.ledger.locked():
            ids = self.ledger.ids()
            head = ids[-1] if ids else None
            new = snapshot_id not in ids
            if new and manifest.get("prev") != head:
                raise StoreError(f"snapshot {snapshot_id[:12]} follows {str(manifest.get('prev'))[:12]},"
                                 f" but this store's last snapshot is {str(head)[:12]}")
            for suffix, data in seals.items():
                self.seals.keep(snapshot_id, suffix, data)
            if not new:
                return False
            self.ledger.append(snapshot_id)
            try:
                self.index.add(len(ids) + 1, snapshot_id, manifest, manifest.get("title"),
                               self._stored_record(manifest), self._stored_payloads(manifest))
            except self.index.Error:
                pass  # as in commit: sync_index() catches up
        return True

    def _stored_payloads(self, manifest: dict[str, Any]) -> list[tuple[str, str, str, str]]:
        art = (manifest.get("artifacts") or {}).get("warc")
        if not isinstance(art, dict):
            return []
        try:
            return [tuple(p) for p in read_payloads(self.blobs.get(str(art.get("sha256"))))]
        except StoreError:
            return []

    def _stored_record(self, manifest: dict[str, Any]) -> dict[str, Any] | None:
        art = (manifest.get("artifacts") or {}).get("record")
        if not isinstance(art, dict):
            return None
        try:
            record = json.loads(self.blobs.get(str(art.get("sha256"))))
        except (StoreError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    # -- reading ---------------------------------------------------------------------

    def resolve(self, ref: str) -> str:
        """A full snapshot id from a unique prefix of one (at least 4 hex digits)."""
        ref = ref.strip().lower()
        if len(ref) < 4 or any(c not in "0123456789abcdef" for c in ref) or len(ref) > 64:
            raise SnapshotNotFoundError(f"not a snapshot id or id prefix: {ref!r}")
        found = self.index.match_prefix(ref)
        if not found:
            raise SnapshotNotFoundError(f"no snapshot with id {ref}")
        if len(found) > 1:
            raise AmbiguousIdError(f"id prefix {ref} is ambiguous; give more digits")
        return found[0]

    def _load_manifest(self, snapshot_id: str) -> dict[str, Any]:
        data = self.blobs.get(snapshot_id)
        try:
            manifest = json.loads(data)
        except ValueError:
            raise StoreError(f"manifest {snapshot_id} is not JSON") from None
        if not isinstance(manifest, dict):
            raise StoreError(f"manifest {snapshot_id} is not a JSON object")
        return manifest

    def manifest(self, ref: str) -> tuple[str, dict[str, Any]]:
        snapshot_id = self.resolve(ref)
        return snapshot_id, self._load_manifest(snapshot_id)

    def artifact(self, ref: str, name: str) -> bytes:
        snapshot_id, manifest = self.manifest(ref)
        if name == "manifest":
            return self.blobs.get(snapshot_id)
        if name in ("signature", "timestamp"):
            seal = self.seals.read(snapshot_id, "sig" if name == "signature" else "tsr")
            if seal is None:
                raise ArtifactNotFoundError(f"snapshot {snapshot_id[:12]} has no {name} (yet)")
            return seal
        art = (manifest.get("artifacts") or {}).get(name)
        if art is None:
            names = ", ".join(sorted(manifest.get("artifacts") or {}))
            raise ArtifactNotFoundError(f"snapshot {snapshot_id[:12]} has no artifact {name!r} (has: {names})")
        return self.blobs.get(art["sha256"])

    def record(self, ref: str) -> dict[str, Any] | None:
        try:
            return json.loads(self.artifact(ref, "record"))
        except ArtifactNotFoundError:
            return None

    def summaries(self, target_url: str | None = None, newest_first: bool = True) -> list[dict[str, Any]]:
        return self.index.summaries(target_url, newest_first)

    def payload_origin(self, url: str, digest: str) -> PayloadOrigin | None:
        """The earliest snapshot whose WARC holds the body of ``url`` with this payload digest
        (warcio's ``sha1:BASE32``) in full, if its WARC blob is here and intact; else None."""
        for snapshot_id, warc_sha, date, record_id in self.index.payload_origins(url, digest):
            if self._intact(warc_sha):
                return PayloadOrigin(snapshot_id, url, digest, date, record_id)
        return None

    INTACT_FOR_S = 600.0

    def _intact(self, digest: str) -> bool:
        """Whether a blob still hashes to its name; re-checked at most every INTACT_FOR_S, since
        one capture asks about the same few WARCs once per response."""
        checked = self._checked.get(digest)
        if checked is not None and time.monotonic() - checked < self.INTACT_FOR_S:
            return True
        now = self.blobs.rehash(digest) if HEX64.match(digest) else None
        if now is None or now[0] != digest:
            return False
        self._checked[digest] = time.monotonic()
        return True

    @staticmethod
    def hash(data: bytes) -> str:
        return sha256_hex(data)


def _record_of(artifacts: list[Artifact]) -> dict[str, Any] | None:
    """The record among the artifacts being committed, for the index."""
    for art in artifacts:
        if art.name == "record":
            try:
                record = json.loads(art.data)
            except ValueError:
                return None
            return record if isinstance(record, dict) else None
    return None
