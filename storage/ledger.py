"""The ledger: an append-only file listing snapshot ids, oldest first.

Appending a line (written whole, then fsynced) is the moment a snapshot exists.
Each manifest names the one before it (``prev``), so the ledger and the manifests
together form a hash chain: removing or reordering a snapshot breaks it visibly.
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storage.blobs import HEX64


class Ledger:
    def __init__(self, path: Path, lock_path: Path) -> None:
        self.path = path
        self.lock_path = lock_path

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive across processes: only one writer commits at a time."""
        with open(self.lock_path, "a") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def read(self) -> tuple[list[str], str | None]:
        """The committed ids, and a torn tail (bytes of an interrupted append) if any."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return [], None
        text = raw.decode("ascii", errors="replace")
        lines = text.split("\n")
        tail = lines.pop()  # after the last newline: empty unless a write was cut short
        return lines, (tail or None)

    def ids(self) -> list[str]:
        return self.read()[0]

    def head(self) -> str | None:
        return self.tip()[1]

    def tip(self) -> tuple[int, str | None]:
        """(how many snapshots, the newest one's id): what the next commit follows."""
        ids = self.ids()
        return len(ids), (ids[-1] if ids else None)

    def append(self, snapshot_id: str) -> None:
        """Append one id. Call with the lock held."""
        if not HEX64.match(snapshot_id):
            raise ValueError(f"not a snapshot id: {snapshot_id!r}")
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            end = os.lseek(fd, 0, os.SEEK_END)
            _, tail = self.read()
            if tail is not None:
                # An earlier append was killed half-way; those bytes never committed.
                end -= len(tail.encode("ascii", errors="replace"))
                os.ftruncate(fd, end)
            os.lseek(fd, end, os.SEEK_SET)
            os.write(fd, (snapshot_id + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
