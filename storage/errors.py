"""Exceptions raised by storage. Each carries a one-line message fit for a user."""
from __future__ import annotations


class StoreError(Exception):
    """Raised by storage when the store cannot do what was asked."""


class SnapshotNotFoundError(StoreError):
    """Raised by Store.resolve when no snapshot id starts with the given prefix."""


class AmbiguousIdError(StoreError):
    """Raised by Store.resolve when a prefix matches more than one snapshot."""


class ArtifactNotFoundError(StoreError):
    """Raised by Store.artifact when a snapshot has no artifact of that name."""
