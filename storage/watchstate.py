"""What ``jianyipai watch`` keeps between runs: the schedule, the failures, the watcher lock.

``STORE/watch.sqlite`` is state, not evidence: the next run of each target (so a restart
neither loses nor doubles a run) and every failed capture (a failure is not a snapshot and
never a change). Rows of ``failures`` are only ever inserted. ``STORE/watch.lock`` is held
(flock) by the one watcher running on the store; it names that watcher's pid.

A group's store (``index``, a ``postgresql://`` URL: the store's index database) keeps both
tables in that database instead, with the same schema and queries through
:class:`storage.pg.Connection`, so that a ``watch --queue`` leader on another machine goes on
with the schedule of the one before it. Its watcher lock is a session advisory lock there:
the server frees it when the watcher's connection goes, a killed watcher's included.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path
from typing import Any

from storage.errors import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS schedule (
    key TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    next_run REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_run REAL,
    last_snapshot TEXT
);
CREATE TABLE IF NOT EXISTS failures (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    url TEXT NOT NULL,
    at REAL NOT NULL,
    attempt INTEGER NOT NULL,
    final INTEGER NOT NULL,
    error TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_url ON failures(url, n);
"""


class WatcherBusyError(StoreError):
    """Raised by WatchState.lock when another watcher already runs on this store."""


# The watcher lock of a group's store: a number of PostgreSQL's advisory locks (per database).
PG_LOCK = 0x6A79_7061_6970_6777


class WatchState:
    """``index``: the store's ``storage.index`` setting; a ``postgresql://`` URL puts the state
    in that database, else it is the folder's."""

    def __init__(self, root: Path, *, index: str | None = None) -> None:
        self.root = Path(root)
        self._lock_fd: int | None = None
        self._pg_locked = False
        self.db: Any
        if index:
            from storage import pg

            self.db = pg.Connection(index)
            try:
                with self.db:  # CREATE TABLE IF NOT EXISTS races in PostgreSQL
                    self.db.execute("SELECT pg_advisory_xact_lock(?)", (pg.SETUP_LOCK,))
                    self.db.executescript(SCHEMA)
            except pg.psycopg.Error as exc:
                self.db.close()
                raise StoreError(f"cannot set up the watch state at {pg.where(index)}: {exc}") from None
            return
        self.db = sqlite3.connect(self.root / "watch.sqlite", timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.unlock()
        self.db.close()

    # -- one watcher per store ----------------------------------------------------------

    def lock(self) -> None:
        if not isinstance(self.db, sqlite3.Connection):
            if not self.db.execute("SELECT pg_try_advisory_lock(?)", (PG_LOCK,)).fetchone()[0]:
                from storage.pg import where

                raise WatcherBusyError(
                    f"another watcher is running on the store's index {where(self.db.url)}; "
                    "one watcher per store")
            self._pg_locked = True
            return
        path = self.root / "watch.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise WatcherBusyError(
                f"another watcher (pid {holder}) is running on the store {self.root}; "
                "one watcher per store") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._lock_fd = fd

    def unlock(self) -> None:
        if self._pg_locked:
            from storage import pg

            self._pg_locked = False
            try:
                self.db.execute("SELECT pg_advisory_unlock(?)", (PG_LOCK,))
            except (StoreError, pg.psycopg.Error):
                pass  # the connection is gone, and the server freed the lock with it
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing drops the flock
            self._lock_fd = None

    # -- schedule -----------------------------------------------------------------------

    def schedule(self) -> dict[str, dict[str, Any]]:
        return {r["key"]: dict(r) for r in self.db.execute("SELECT * FROM schedule")}

    def set_next(self, key: str, url: str, kind: str, next_run: float, *, attempts: int = 0,
                 last_run: float | None = None, last_snapshot: str | None = None) -> None:
        self.db.execute(
            "INSERT INTO schedule (key, url, kind, next_run, attempts, last_run, last_snapshot)"
            " VALUES (?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET next_run=excluded.next_run,"
            " attempts=excluded.attempts,"
            " last_run=coalesce(excluded.last_run, schedule.last_run),"
            " last_snapshot=coalesce(excluded.last_snapshot, schedule.last_snapshot)",
            (key, url, kind, next_run, attempts, last_run, last_snapshot),
        )

    # -- failures -----------------------------------------------------------------------

    def add_failure(self, key: str, url: str, at: float, attempt: int, error: str, final: bool) -> None:
        self.db.execute(
            "INSERT INTO failures (key, url, at, attempt, final, error) VALUES (?,?,?,?,?,?)",
            (key, url, at, attempt, int(final), error),
        )

    def last_failures(self) -> dict[str, float]:
        """url -> when its capture last failed (the viewer's front page)."""
        rows = self.db.execute("SELECT url, max(at) AS at FROM failures GROUP BY url")
        return {r["url"]: r["at"] for r in rows}

    def failures(self, url: str | None = None) -> list[dict[str, Any]]:
        if url is None:
            rows = self.db.execute("SELECT * FROM failures ORDER BY n")
        else:
            rows = self.db.execute("SELECT * FROM failures WHERE url = ? ORDER BY n", (url,))
        return [{**dict(r), "final": bool(r["final"])} for r in rows]
