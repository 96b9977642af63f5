"""A listing against its own earlier captures: ``fictitious_original_price`` and
``countdown_reset`` (issue 14)."""
from __future__ import annotations

from typing import Any

from storage.store import Store


def anomalies(store: Store, manifest: dict[str, Any], record: dict[str, Any]) -> list[dict[str, Any]]:
    return []
