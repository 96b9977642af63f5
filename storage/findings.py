"""Anomalies that only a store of earlier captures can show (issue 14).

The anomalies of ``extractors.anomalies`` are read from one page. These compare a new
capture with what the store already holds: a checkout page with the listing it sells
(``storage.checkout_match``), a listing with its own earlier captures
(``storage.listing_history``). Each is a list in the ``record.anomalies`` shape, computed
before the snapshot is committed; a failure is a warning in the manifest, never a lost
capture (``agent.batch``).
"""
from __future__ import annotations

from typing import Any

from storage import checkout_match, listing_history
from storage.store import Store


def stored_anomalies(store: Store, manifest: dict[str, Any], record: dict[str, Any]) -> list[dict[str, Any]]:
    """The anomalies of a new capture (``manifest``, ``record``, not yet committed) against
    the snapshots already in ``store``."""
    kind = (manifest.get("target") or {}).get("kind")
    if record.get("blocked"):
        return []  # a login wall or captcha page shows nothing to compare
    if kind == "checkout":
        return checkout_match.anomalies(store, manifest, record)
    if kind == "listing":
        return listing_history.anomalies(store, manifest, record)
    return []
