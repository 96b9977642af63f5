"""Payloads already stored, and WARC revisit records that point at them.

An unchanged re-capture mostly fetches bytes the store already holds (images, scripts,
style sheets). Such a response is written as a WARC 1.1 ``revisit`` record (profile
identical-payload-digest: the HTTP headers, no body) naming where the body is:
``WARC-Refers-To-Target-URI``, ``WARC-Refers-To-Date``, ``WARC-Refers-To`` (the record id)
and our extension header ``WARC-Refers-To-Snapshot`` (the snapshot whose WARC holds it).

Payload digests are the ones warcio writes: ``sha1:`` + base32 of the body as stored.
"""
from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.utils import Digester

from storage.errors import StoreError

if TYPE_CHECKING:
    from storage.store import Store

PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
SNAPSHOT_HEADER = "WARC-Refers-To-Snapshot"


class Payload(NamedTuple):
    """A full response record in a WARC: the body of ``url`` with ``digest``."""

    url: str
    digest: str
    warc_date: str
    record_id: str


class PayloadOrigin(NamedTuple):
    """Where the store already holds a payload: which snapshot's WARC, which record."""

    snapshot_id: str
    url: str
    digest: str
    warc_date: str
    record_id: str


class Revisit(NamedTuple):
    url: str
    digest: str
    snapshot_id: str  # WARC-Refers-To-Snapshot ("" when absent)
    record_id: str  # WARC-Refers-To ("" when absent)
    target_uri: str
    target_date: str


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest warcio writes for ``body``."""
    digester = Digester("sha1")
    digester.update(body)
    return str(digester)


def has_revisits(warc: bytes) -> bool:
    """Cheap test before parsing: does this gzipped WARC hold any revisit record?"""
    try:
        return b"WARC-Type: revisit\r\n" in gzip.decompress(warc)
    except (OSError, EOFError, zlib.error):
        return False


def payloads(warc: bytes) -> list[Payload]:
    """The full response records of a WARC that carry a body (candidates for revisits)."""
    out: list[Payload] = []
    try:
        for record in ArchiveIterator(io.BytesIO(warc)):
            if record.rec_type != "response":
                continue
            h = record.rec_headers
            url, digest = h.get_header("WARC-Target-URI"), h.get_header("WARC-Payload-Digest")
            date, rid = h.get_header("WARC-Date"), h.get_header("WARC-Record-ID")
            body = record.content_stream().read()
            if url and digest and date and rid and body and payload_digest(body) == digest:
                out.append(Payload(url, digest, date, rid))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error):
        return out
    return out


def revisits(warc: bytes) -> list[Revisit]:
    out: list[Revisit] = []
    if not has_revisits(warc):
        return out
    for record in ArchiveIterator(io.BytesIO(warc)):
        if record.rec_type != "revisit":
            continue
        h = record.rec_headers
        out.append(Revisit(
            h.get_header("WARC-Target-URI") or "", h.get_header("WARC-Payload-Digest") or "",
            h.get_header(SNAPSHOT_HEADER) or "", h.get_header("WARC-Refers-To") or "",
            h.get_header("WARC-Refers-To-Target-URI") or "", h.get_header("WARC-Refers-To-Date") or "",
        ))
    return out


def referenced_snapshots(warcs: Iterable[bytes]) -> list[str]:
    """Snapshot ids the revisit records of these WARCs point at, first seen first."""
    seen: dict[str, None] = {}
    for warc in warcs:
        for rv in revisits(warc):
            if rv.snapshot_id:
                seen.setdefault(rv.snapshot_id, None)
    return list(seen)


def check(store: Store, ids: list[str]) -> list[tuple[str | None, str | None, str]]:
    """Every revisit in the ledger's WARCs names a snapshot before it whose WARC holds the
    payload (same URL, same digest, the record it names). Returns (snapshot, artifact, what)."""
    problems: list[tuple[str | None, str | None, str]] = []
    position = {sid: n for n, sid in enumerate(ids)}
    held: dict[str, dict[str, Payload] | None] = {}  # snapshot id -> its payloads by record id

    def payloads_of(sid: str) -> dict[str, Payload] | None:
        if sid not in held:
            held[sid] = None
            warc = _warc_of(store, sid)
            if warc is not None:
                held[sid] = {p.record_id: p for p in payloads(warc)}
        return held[sid]

    for n, sid in enumerate(ids):
        warc = _warc_of(store, sid)
        if warc is None:
            continue
        try:
            found = revisits(warc)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
            problems.append((sid, "warc", f"cannot be read as a WARC ({exc})"))
            continue
        for rv in found:
            where = f"revisit of {rv.url}"
            if not rv.snapshot_id:
                problems.append((sid, "warc", f"{where} names no {SNAPSHOT_HEADER}"))
                continue
            if rv.snapshot_id not in position:
                problems.append((sid, "warc", f"{where} refers to snapshot {rv.snapshot_id}, "
                                              "which is not in the ledger (removed?)"))
                continue
            if position[rv.snapshot_id] >= n:
                problems.append((sid, "warc", f"{where} refers to snapshot {rv.snapshot_id}, "
                                              "which does not precede it"))
                continue
            held_there = payloads_of(rv.snapshot_id)
            match = (held_there or {}).get(rv.record_id)
            if match is None or match.url != rv.target_uri or match.digest != rv.digest \
                    or match.warc_date != rv.target_date:
                problems.append((sid, "warc", f"{where}: snapshot {rv.snapshot_id}'s WARC holds "
                                              f"no record {rv.record_id or '(none named)'} with that "
                                              "URL, date and payload digest"))
    return problems


def _warc_of(store: Store, sid: str) -> bytes | None:
    try:
        manifest = json.loads(store.blobs.get(sid))
        art = (manifest.get("artifacts") or {}).get("warc")
        return store.blobs.get(str(art["sha256"])) if isinstance(art, dict) else None
    except (StoreError, ValueError, AttributeError, KeyError):
        return None


def supporting_snapshots(store: Store, ids: list[str]) -> list[str]:
    """Snapshots outside ``ids`` whose WARCs the revisits of ``ids`` need (transitively),
    in ledger order: a bundle of ``ids`` holds these too, so every revisit resolves in it."""
    chosen, out, queue = set(ids), [], list(ids)
    while queue:
        warc = _warc_of(store, queue.pop())
        for ref in referenced_snapshots([warc] if warc is not None else []):
            if ref not in chosen:
                if not store.blobs.exists(ref):
                    raise StoreError(f"a revisit record refers to snapshot {ref}, which is not in this store")
                chosen.add(ref)
                out.append(ref)
                queue.append(ref)
    order = {sid: n for n, sid in enumerate(store.ledger.ids())}
    return sorted(out, key=lambda sid: order.get(sid, len(order)))
