"""Immutable blobs named by the SHA-256 of their bytes, written atomically."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from storage.canonical import sha256_hex
from storage.errors import StoreError
from storage.files import write_once

HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


class Blobs(Protocol):
    """What the store asks of a blob back end: this folder's ``BlobStore`` (the default) or
    ``storage.blobs_s3.S3BlobStore``. Blobs are named by the SHA-256 of their bytes and never
    rewritten."""

    def exists(self, digest: str) -> bool: ...

    def put(self, data: bytes) -> str:
        """Store ``data`` unless it is there; return its digest."""
        ...

    def get(self, digest: str) -> bytes:
        """The bytes; StoreError when the blob is missing (or, where checked, corrupt)."""
        ...

    def rehash(self, digest: str) -> tuple[str, int] | None:
        """Digest and size of the stored bytes now; None when the blob is gone."""
        ...

    def __iter__(self) -> Iterator[str]:
        """Every stored blob's name, in order."""
        ...


class BlobStore:
    """Files under ``root/ab/abcdef…``; a blob is never rewritten once it exists."""

    def __init__(self, root: Path, tmp: Path) -> None:
        self.root = root
        self.tmp = tmp

    def path(self, digest: str) -> Path:
        if not HEX64.match(digest):
            raise StoreError(f"not a SHA-256 digest: {digest!r}")
        return self.root / digest[:2] / digest

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def put(self, data: bytes) -> str:
        """Store ``data``; return its digest. Identical bytes are stored once."""
        digest = sha256_hex(data)
        final = self.path(digest)
        if final.is_file():
            return digest
        write_once(final, data, 0o444, tmp_dir=self.tmp)
        return digest

    def get(self, digest: str) -> bytes:
        try:
            return self.path(digest).read_bytes()
        except FileNotFoundError:
            raise StoreError(f"blob {digest} is missing from the store") from None

    def rehash(self, digest: str) -> tuple[str, int] | None:
        """Digest and size of the bytes on disk now, or None when the file is gone."""
        h = hashlib.sha256()
        size = 0
        try:
            with open(self.path(digest), "rb") as fh:
                while chunk := fh.read(_CHUNK):
                    h.update(chunk)
                    size += len(chunk)
        except FileNotFoundError:
            return None
        return h.hexdigest(), size

    def __iter__(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if sub.is_dir():
                for f in sorted(sub.iterdir()):
                    yield f.name
