"""Evidence storage: content-addressed blobs, the append-only ledger, the SQLite index."""
from __future__ import annotations

from storage.canonical import canonical_json, sha256_hex
from storage.errors import (
    AmbiguousIdError,
    ArtifactNotFoundError,
    SnapshotNotFoundError,
    StoreError,
)
from storage.store import Artifact, Store

__all__ = [
    "AmbiguousIdError",
    "Artifact",
    "ArtifactNotFoundError",
    "SnapshotNotFoundError",
    "Store",
    "StoreError",
    "canonical_json",
    "sha256_hex",
]
