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


def stamp_pending(settings: Settings, store: Store, only: list[str] | None = None, *,
                  first: str | None = None, limit: int | None = None,
                  stop_on_failure: bool = False) -> StampRun:
    """Stamp every snapshot with no token yet (or just ``only``); failures are logged, kept pending.

    ``first`` is tried before the others; ``limit`` bounds how many are tried; with
    ``stop_on_failure`` the first failure ends the run (the authorities are down: waiting out
    their time-outs once per pending snapshot would stall every capture behind them).
    """
    run = StampRun()
    urls = settings.get("evidence", "tsa")
    if not urls:
        return run
    ids = only if only is not None else store.ledger.ids()
    todo = tsa.pending(store.seals, ids)
    if first is not None and first in todo:
        todo.remove(first)
        todo.insert(0, first)
    for snapshot_id in todo[:limit]:
        try:
            run.stamped.append(tsa.stamp(store.seals, snapshot_id, urls,
                                         settings.get("evidence", "tsa_timeout")))
        except tsa.TimestampError as exc:
            run.failed[snapshot_id] = str(exc)
            if stop_on_failure:
                break
    return run


RETRIES_PER_COMMIT = 20


def attach(store: Store, settings: Settings) -> None:
    """After each commit, stamp the new snapshot and retry any that were left pending."""
    if not settings.get("evidence", "tsa"):
        return
    state: dict[str, Any] = {"warned": False}

    def after(snapshot_id: str) -> None:
        # the new snapshot first; then a few left pending by an outage, while the TSA answers
        run = stamp_pending(settings, store, first=snapshot_id, limit=RETRIES_PER_COMMIT + 1,
                            stop_on_failure=True)
        if snapshot_id in run.failed and not state["warned"]:
            state["warned"] = True
            output.echo_err(f"jianyipai: warning: snapshot {snapshot_id[:12]} kept but not yet"
                            f" timestamped ({run.failed[snapshot_id]}); retried on the next"
                            " capture or `jianyipai stamp`")

    store.after_commit.append(after)


def roots(settings: Settings) -> list[Any]:
    return tsa.load_roots(settings.get("evidence", "tsa_roots"))
