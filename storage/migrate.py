"""Copy a store's chain into another store (a folder, or a group's PostgreSQL index and
its blob back end) keeping every snapshot id and their order: each snapshot's blobs first,
then its seals and its ledger row (``Store.adopt``), oldest first. What the destination holds
already is skipped, so a copy cut short is finished by running it again."""
from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization

from storage.errors import StoreError
from storage.files import write_once
from storage.seal import key_id
from storage.store import Store

SEALS = ("sig", "tsr")


@dataclass
class Copied:
    snapshots: int = 0  # appended to the destination now
    already: int = 0  # there before
    blobs: int = 0  # blobs written to the destination now
    seals: int = 0  # signatures and timestamps the destination lacked
    head: str | None = None  # the chain's newest snapshot, on both sides


def copy_store(src: Store, dst: Store) -> Copied:
    src_ids, dst_ids = src.ledger.ids(), dst.ledger.ids()
    diverge = _divergence(src_ids, dst_ids)
    if diverge is not None or len(dst_ids) > len(src_ids):
        raise StoreError("the destination holds another chain"
                         f" ({_where(src_ids, dst_ids, diverge)}); nothing copied")
    _copy_key(src, dst)
    done = Copied(already=len(dst_ids), head=src_ids[-1] if src_ids else None)
    present = set(dst_ids)
    for snapshot_id in src_ids:
        new = snapshot_id not in present
        if new:
            done.blobs += _copy_blobs(src, dst, snapshot_id)
        seals = {s: data for s in SEALS if (data := src.seals.read(snapshot_id, s)) is not None
                 and (new or dst.seals.read(snapshot_id, s) is None)}
        if new or seals:
            dst.adopt(snapshot_id, seals)
        done.snapshots += new
        done.seals += len(seals)
    return done


def compare(src: Store, dst: Store) -> str | None:
    """None when both ledgers list the same snapshots in the same order; else where not."""
    src_ids, dst_ids = src.ledger.ids(), dst.ledger.ids()
    if src_ids == dst_ids:
        return None
    return _where(src_ids, dst_ids, _divergence(src_ids, dst_ids))


def _divergence(a: list[str], b: list[str]) -> int | None:
    """The first position where both have a snapshot and they differ."""
    return next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)


def _where(src_ids: list[str], dst_ids: list[str], at: int | None) -> str:
    if at is not None:
        return f"snapshot {at + 1} is {src_ids[at][:12]} here, {dst_ids[at][:12]} there"
    return f"{len(src_ids)} snapshots here, {len(dst_ids)} there"


def _copy_blobs(src: Store, dst: Store, snapshot_id: str) -> int:
    """The manifest and its artifacts, each checked against its name on the way."""
    manifest = src.manifest(snapshot_id)[1]
    digests = [snapshot_id] + [str(a.get("sha256")) for a in (manifest.get("artifacts") or {}).values()
                               if isinstance(a, dict)]
    copied = 0
    for digest in dict.fromkeys(digests):
        if dst.blobs.exists(digest):
            continue
        if dst.blobs.put(src.blobs.get(digest)) != digest:
            raise StoreError(f"blob {digest[:12]} no longer hashes to its name here; run verify")
        copied += 1
    return copied


def _copy_key(src: Store, dst: Store) -> None:
    """The destination checks (and goes on making) signatures with the source's key: its
    public half goes along (to the group's database too); its private half is copied only
    between folders of this machine, owner-only, never into a database or object store."""
    public = src.seals.public_key()
    if public is None:
        return  # a store that never signed
    theirs = dst.seals.public_key()
    if theirs is not None and key_id(theirs) != key_id(public):
        raise StoreError(f"the destination signs with another key ({key_id(theirs)[:12]}, here"
                         f" {key_id(public)[:12]}); nothing copied")
    private = src.seals.private_path
    if private.is_file() and not dst.seals.private_path.exists():
        dst.seals.keys.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_once(dst.seals.private_path, private.read_bytes(), 0o600)
    write_once(dst.seals.public_path, public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo), 0o644)
    if dst.seals.private_path.exists():
        dst.seals.signer()  # a group's database with no key yet takes this one
