"""A group's shared index, ledger and seals in PostgreSQL (``[storage] index = "postgresql://…"``).

The index is :class:`storage.index.Index` itself, run on PostgreSQL: the same schema and the
same queries. :class:`Connection` gives psycopg the face of the ``sqlite3`` connection those
queries were written for, and names the few places where the two differ (``DIALECT``,
``BEGIN IMMEDIATE``, the row type, U+0000 in text); nothing else is translated. Only the
table of the schema's version (``index_meta``, SQLite's ``user_version``) is PostgreSQL's own.

The ledger is one table of ``(seq, snapshot_id, prev)``. A commit is one transaction that
takes ``LOCK TABLE ledger IN EXCLUSIVE MODE``, reads the head, writes the manifest (whose
``prev`` is that head, so its id is made under the lock), its signature, the ledger row and
the index rows, and commits: that commit is the moment the snapshot exists, and a worker
killed before it leaves nothing but unreferenced blobs, since the server rolls back the
transaction of a connection that went away and frees its lock. Why a table lock: it is
scoped to this store's table (two stores in two schemas never wait on each other, unlike an
advisory lock's one global number), needs no head row kept in step, lets readers through
(plain SELECTs take no conflicting lock), and waiting on it is cheaper than an optimistic
insert that fails after the blobs were hashed and the manifest signed. The table's
constraints hold the chain even against a writer that skips the lock: ``seq`` is unique,
``prev`` is unique (no fork) and must be the snapshot at ``seq - 1``.

Seals: signatures and timestamp tokens are public and live in the ``seals`` table, write-once,
so every worker sees them. The signing key never enters the database: each worker keeps the
group's key in its own store folder (``keys/ed25519.key``, owner-only); the database holds
only its public half (``seal_keys``, one row: the first key published is the group's), and a
worker whose key is another refuses to sign rather than make a chain no one can check.
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from storage.blobs import HEX64
from storage.errors import StoreError
from storage.files import write_once
from storage.index import SCHEMA, VERSION, Index
from storage.seal import Sealer, SealError, key_id

# SQLite's spelling -> PostgreSQL's, for what the shared queries use: null-safe equality.
DIALECT = ((re.compile(r"\bIS \?"), "IS NOT DISTINCT FROM ?"),)

LEDGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (
    seq INTEGER PRIMARY KEY CHECK (seq > 0),
    snapshot_id TEXT NOT NULL UNIQUE CHECK (snapshot_id ~ '^[0-9a-f]{64}$'),
    prev TEXT UNIQUE,
    prev_seq INTEGER GENERATED ALWAYS AS (seq - 1) STORED,
    committed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (seq, snapshot_id),
    CHECK ((seq = 1) = (prev IS NULL)),
    FOREIGN KEY (prev_seq, prev) REFERENCES ledger (seq, snapshot_id)
);
CREATE TABLE IF NOT EXISTS seals (
    snapshot_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (snapshot_id, kind)
);
CREATE TABLE IF NOT EXISTS seal_keys (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    key_id TEXT NOT NULL,
    pem TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS index_meta (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    version INTEGER NOT NULL
);
"""

# Held while the tables are made or rebuilt (CREATE TABLE IF NOT EXISTS races in PostgreSQL,
# and there is no table to lock yet): an advisory lock, taken once per open.
SETUP_LOCK = 0x6A79_7061_6970_6731


def is_url(value: str | None) -> bool:
    return bool(value) and str(value).startswith(("postgresql://", "postgres://"))


def where(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return f"postgresql://{user}{host}{port}{parts.path}"


class Row(tuple):  # type: ignore[type-arg]
    """A result row read by position, by column name, or unpacked (like ``sqlite3.Row``)."""

    names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.names)


def _rows(cursor: Any) -> Any:
    names = {d.name: n for n, d in enumerate(cursor.description or [])}

    def make(values: Any) -> Row:
        row = Row(values)
        row.names = names
        return row

    return make


class Connection:
    """psycopg with the face of the ``sqlite3`` connection the index's queries expect:
    ``?`` parameters, ``execute``/``executemany``/``executescript``, and ``with db:`` as a
    transaction. Nested ``with db:`` is a savepoint, so an index write that fails inside a
    commit's transaction undoes only itself (the index is a cache; the ledger row stands).

    A database that went away (a restart, a failover) is waited for, up to ``WAIT_S``, at the
    start of a transaction or of a statement outside one, where running it again repeats
    nothing; a transaction it cut short raises, and the server has rolled it back."""

    WAIT_S = 120.0

    def __init__(self, url: str) -> None:
        self.url = url
        self._depth = 0
        try:
            self.pg = self._connect()
        except psycopg.Error as exc:
            raise StoreError(f"cannot reach the index at {where(url)}: {_first(exc)}") from None

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url, autocommit=True, row_factory=_rows, connect_timeout=10)

    def _reconnect(self) -> None:
        self.pg.close()
        deadline, pause = time.monotonic() + self.WAIT_S, 0.2
        while True:
            try:
                self.pg = self._connect()
                return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise StoreError(f"lost the index at {where(self.url)} and it did not come back"
                                     f" within {self.WAIT_S:.0f} s: {_first(exc)}") from None
            time.sleep(pause)
            pause = min(pause * 2, 5.0)

    def _run(self, sql: str, params: Any = None) -> Any:
        try:
            return self.pg.execute(sql, params)
        except psycopg.OperationalError:
            if not self._lost() or (self._depth and sql != "BEGIN"):
                raise
        self._reconnect()
        return self.pg.execute(sql, params)

    def _lost(self) -> bool:
        return bool(self.pg.closed or self.pg.broken)

    def execute(self, sql: str, params: Any = None) -> Any:
        if sql.strip().upper() == "BEGIN IMMEDIATE":
            return self._run("SELECT 1")  # SQLite's write lock up front; ``with db:`` has begun
        if params is None:
            return self._run(sql)
        return self._run(_translate(sql), _values(params))

    def executemany(self, sql: str, rows: Any) -> None:
        rows = [_values(r) for r in rows]
        if rows:
            with self.pg.cursor() as cur:
                cur.executemany(_translate(sql), rows)

    def executescript(self, script: str) -> None:
        self.pg.execute(script)

    def __enter__(self) -> Connection:
        self._depth += 1
        try:
            self._run("BEGIN" if self._depth == 1 else f"SAVEPOINT sp{self._depth}")
        except BaseException:
            self._depth -= 1
            raise
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        depth, self._depth = self._depth, self._depth - 1
        if self._lost():  # the server rolled the transaction back
            if kind is None:
                raise StoreError(f"lost the index at {where(self.url)} before the transaction"
                                 " committed; nothing of it was kept")
            return
        if depth == 1:
            self.pg.execute("COMMIT" if kind is None else "ROLLBACK")
        elif kind is None:
            self.pg.execute(f"RELEASE SAVEPOINT sp{depth}")
        else:
            self.pg.execute(f"ROLLBACK TO SAVEPOINT sp{depth}")

    def close(self) -> None:
        self.pg.close()


def _translate(sql: str) -> str:
    """``?`` -> ``%s`` (the shared queries keep ``?`` and ``%`` out of their SQL literals)."""
    for pattern, replacement in DIALECT:
        sql = pattern.sub(replacement, sql)
    return sql.replace("%", "%%").replace("?", "%s")


def _values(params: Any) -> tuple[Any, ...]:
    """PostgreSQL's text cannot hold U+0000 (SQLite's can): a page title with one is indexed
    with U+FFFD instead. The blobs, which are the evidence, keep every byte."""
    return tuple(v.replace("\x00", "\ufffd") if isinstance(v, str) else v for v in params)


def _first(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class PgIndex(Index):
    """The index (:class:`storage.index.Index`, every query unchanged) in PostgreSQL."""

    Error = psycopg.Error

    def __init__(self, db: Connection) -> None:
        self.path = None  # type: ignore[assignment]
        self.db = db  # type: ignore[assignment]
        with db:
            db.execute("SELECT pg_advisory_xact_lock(?)", (SETUP_LOCK,))
            db.executescript(LEDGER_SCHEMA)
            row = db.execute("SELECT version FROM index_meta", ()).fetchone()
            if row is None or row[0] != VERSION:
                db.executescript("DROP TABLE IF EXISTS snapshots; DROP TABLE IF EXISTS artifacts;"
                                 " DROP TABLE IF EXISTS payloads;")
                db.execute("INSERT INTO index_meta (version) VALUES (?) ON CONFLICT (one)"
                           " DO UPDATE SET version = excluded.version", (VERSION,))
            db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()


class PgLedger:
    """The ledger (same face as :class:`storage.ledger.Ledger`) as a table."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One transaction holding the ledger's lock: what is written inside commits at once."""
        with self.db:
            self.db.execute("LOCK TABLE ledger IN EXCLUSIVE MODE")
            yield

    def read(self) -> tuple[list[str], str | None]:
        """The committed ids (a table has no torn tail)."""
        return [r[0] for r in self.db.execute("SELECT snapshot_id FROM ledger ORDER BY seq", ())], None

    def ids(self) -> list[str]:
        return self.read()[0]

    def head(self) -> str | None:
        return self.tip()[1]

    def tip(self) -> tuple[int, str | None]:
        """(how many snapshots, the newest one's id), from the newest row alone."""
        row = self.db.execute("SELECT seq, snapshot_id FROM ledger ORDER BY seq DESC LIMIT 1", ()).fetchone()
        return (row[0], row[1]) if row else (0, None)

    def append(self, snapshot_id: str) -> None:
        """Append one id after the head. Call with the lock held."""
        if not HEX64.match(snapshot_id):
            raise ValueError(f"not a snapshot id: {snapshot_id!r}")
        self.db.execute(
            "INSERT INTO ledger (seq, snapshot_id, prev)"
            " SELECT coalesce(max(seq), 0) + 1, ?,"
            " (SELECT snapshot_id FROM ledger ORDER BY seq DESC LIMIT 1) FROM ledger",
            (snapshot_id,))


class PgSealer(Sealer):
    """Seals in the ``seals`` table; the key stays in this worker's folder (see the module)."""

    def __init__(self, root: Path, db: Connection) -> None:
        super().__init__(root)
        self.db = db
        self._published = False

    def _load_or_create(self) -> Ed25519PrivateKey:
        key = super()._load_or_create()
        if not self._published:
            self._publish(key.public_key())
        return key

    def _publish(self, public: Ed25519PublicKey) -> None:
        """Make this key the group's if there is none yet; refuse if the group's is another."""
        pem = public.public_bytes(serialization.Encoding.PEM,
                                  serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
        with self.db:
            self.db.execute("INSERT INTO seal_keys (key_id, pem) VALUES (?, ?) ON CONFLICT DO NOTHING",
                            (key_id(public), pem))
            group = self.db.execute("SELECT key_id FROM seal_keys", ()).fetchone()[0]
        if group != key_id(public):
            raise SealError(
                f"this worker's signing key {self.private_path} is not the group's key"
                f" ({group[:12]}…, in the index database); copy the group's keys/ed25519.key"
                " here (owner-only) before committing")
        self._published = True

    def public_key(self) -> Ed25519PublicKey | None:
        row = self.db.execute("SELECT pem FROM seal_keys", ()).fetchone()
        if row is None:  # no worker has signed yet: this one's key will be the group's
            return super().public_key()
        loaded = serialization.load_pem_public_key(row[0].encode("ascii"))
        if not isinstance(loaded, Ed25519PublicKey):
            raise SealError("the group's public key in the index database is not Ed25519")
        # exports and reports hand out keys/ed25519.pub: keep a copy beside this worker's store
        write_once(self.public_path, row[0].encode("ascii"), 0o644)
        return loaded

    def keep(self, snapshot_id: str, suffix: str, data: bytes) -> bool:
        if not HEX64.match(snapshot_id):
            raise SealError(f"not a snapshot id: {snapshot_id!r}")
        cur = self.db.execute("INSERT INTO seals (snapshot_id, kind, data) VALUES (?, ?, ?)"
                              " ON CONFLICT DO NOTHING", (snapshot_id, suffix, data))
        return cur.rowcount == 1

    def read(self, snapshot_id: str, suffix: str) -> bytes | None:
        row = self.db.execute("SELECT data FROM seals WHERE snapshot_id = ? AND kind = ?",
                              (snapshot_id, suffix)).fetchone()
        return bytes(row[0]) if row else None


def open_parts(url: str, root: Path) -> tuple[PgLedger, PgIndex, PgSealer]:
    """The ledger, index and sealer of the store at ``url``, sharing one connection (so that
    a commit's ledger row, index rows and signature are one transaction)."""
    if not is_url(url):
        raise StoreError(f"storage.index must be a postgresql:// URL, not {url!r}")
    db = Connection(url)
    try:
        return PgLedger(db), PgIndex(db), PgSealer(root, db)
    except psycopg.Error as exc:
        db.close()
        raise StoreError(f"cannot set up the index at {where(url)}: {_first(exc)}") from None
