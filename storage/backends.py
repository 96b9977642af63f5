"""Which index and blob back ends a store folder belongs to, kept in its marker.

A worker's folder holds its key, sessions and watch state, while its snapshots live in the
group's PostgreSQL and bucket. Opened without the group's settings it would read as an empty
store (or one whose every blob is missing), and a capture would start a second chain in it.
So the marker records the back ends the folder was set up with (``index``, ``blobs``: URLs
without credentials; absent for the folder's own), and a store opened with others is refused
in one line that names the setting to give.

What must match is what the back end *is*, not how it is reached: the database (and its
``options``, where a schema is chosen) and the bucket with its prefix. Host names, ports,
users and endpoints may be spelled differently on each machine, or change when the server
moves, without making it another store.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from storage.errors import StoreError


class BackendMismatchError(StoreError):
    """Raised by ``Store`` when a folder is opened with back ends other than its own."""


@dataclass(frozen=True)
class Backends:
    """Where a store keeps its index and ledger, and its blobs; None: in the folder."""

    index: str | None = None  # postgresql://user@host:port/db, no password
    blobs: str | None = None  # s3://bucket/prefix?endpoint=…, never credentials

    @classmethod
    def of(cls, index: str | None, blobs: str | None) -> Backends:
        """From the settings' URLs; a malformed one is its back end's one-line StoreError."""
        return cls(_pg_shown(index) if index else None, _s3_shown(blobs) if blobs else None)

    @classmethod
    def recorded(cls, marker: dict[str, object]) -> Backends:
        index, blobs = marker.get("index"), marker.get("blobs")
        return cls(index if isinstance(index, str) else None, blobs if isinstance(blobs, str) else None)

    def fields(self) -> dict[str, str]:
        """What the marker keeps: nothing for a folder store, as before back ends were recorded."""
        return {k: v for k, v in (("index", self.index), ("blobs", self.blobs)) if v}

    def same(self, other: Backends) -> bool:
        return (_identity(self.index), _identity(self.blobs)) == (_identity(other.index),
                                                                _identity(other.blobs))


def check(root: object, recorded: Backends, wanted: Backends, snapshots: int, blob_files: bool) -> None:
    """Refuse, in one line, unless ``wanted`` may open the folder: the back ends it records, or
    in place of the folder's own ones while these hold nothing (``snapshots`` in its ledger,
    ``blob_files`` under blobs/): a new worker folder, or one that only made a key."""
    for part, env, mine, theirs, empty in (
            ("index", "JIANYIPAI_INDEX", recorded.index, wanted.index, snapshots == 0),
            ("blobs", "JIANYIPAI_BLOBS", recorded.blobs, wanted.blobs, not blob_files)):
        if _identity(mine) == _identity(theirs) or (mine is None and empty):
            continue
        what = "its index and ledger" if part == "index" else "its blobs"
        if mine is None:
            held = f"holds {snapshots} snapshots" if part == "index" else "keeps its blobs"
            raise BackendMismatchError(
                f"{root} is a folder store that {held} in the folder, not in {theirs}: move them"
                " with `jianyipai migrate --to CONFIG`, or give the group's store another --store folder")
        if theirs is None:
            raise BackendMismatchError(f'{root} keeps {what} in {mine}; open it with [storage] {part}'
                                       f' = "{mine}" in the --config file (or set {env})')
        raise BackendMismatchError(f"{root} keeps {what} in {mine}, not {theirs}: correct [storage]"
                                   f" {part} in the --config file (or {env}), or use another --store folder")


def _identity(shown: str | None) -> tuple[str, ...]:
    if shown is None:
        return ("folder",)
    parts = urlsplit(shown)
    if parts.scheme == "s3":
        return ("s3", parts.netloc, parts.path.strip("/"))
    options = dict(parse_qsl(parts.query)).get("options", "")
    return ("postgresql", parts.path.strip("/"), options)


def _pg_shown(url: str) -> str:
    """The index URL without its password (nor any other secret in its query)."""
    from storage.pg import checked_url, where

    checked_url(url)
    options = dict(parse_qsl(urlsplit(url).query)).get("options")
    return where(url) + (f"?{urlencode({'options': options})}" if options else "")


def _s3_shown(url: str) -> str:
    from storage.blobs_s3 import S3Location

    loc = S3Location.parse(url)
    query = {k: v for k, v in (("endpoint", loc.endpoint), ("region", loc.region),
                               ("profile", loc.profile)) if v}
    shown = f"s3://{loc.bucket}/{loc.prefix.rstrip('/')}".rstrip("/")
    return shown + (f"?{urlencode(query, safe=':/')}" if query else "")
