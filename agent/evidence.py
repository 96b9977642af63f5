"""Trusted timestamps wired to the settings: stamp after each commit, retry what is pending."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent import output
from agent.settings import Settings
from storage import Store, tsa


@dataclass
class StampRun:
    stamped: list[tsa.Stamp] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def stamp_pending(settings: Settings, store: Store, only: list[str] | None = None) -> StampRun:
    """Stamp every snapshot with no token yet (or just ``only``); failures are logged, kept pending."""
    run = StampRun()
    urls = settings.get("evidence", "tsa")
    if not urls:
        return run
    ids = only if only is not None else store.ledger.ids()
    for snapshot_id in tsa.pending(store.seals, ids):
        try:
            run.stamped.append(tsa.stamp(store.seals, snapshot_id, urls,
                                         settings.get("evidence", "tsa_timeout")))
        except tsa.TimestampError as exc:
            run.failed[snapshot_id] = str(exc)
    return run


def attach(store: Store, settings: Settings) -> None:
    """After each commit, stamp the new snapshot and retry any that were left pending."""
    if not settings.get("evidence", "tsa"):
        return
    state: dict[str, Any] = {"warned": False}

    def after(snapshot_id: str) -> None:
        run = stamp_pending(settings, store)
        if snapshot_id in run.failed and not state["warned"]:
            state["warned"] = True
            output.echo_err(f"jianyipai: warning: snapshot {snapshot_id[:12]} kept but not yet"
                            f" timestamped ({run.failed[snapshot_id]}); retried on the next"
                            " capture or `jianyipai stamp`")

    store.after_commit.append(after)


def roots(settings: Settings) -> list[Any]:
    return tsa.load_roots(settings.get("evidence", "tsa_roots"))
