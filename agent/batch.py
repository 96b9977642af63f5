"""Committing captures, and what follows a commit; batches of pages in one browser.

``capture_one`` is capture (``agent.pipeline``) ─► commit ─► after commit. Only a failure
before the commit is a failed capture: the steps after it (trusted timestamp, the scan for
the user's identifiers) are logged in ``storage.steplog`` when they fail, and ``verify``
shows them. ``capture_all`` runs a batch ``capture.parallel`` pages at a time.
"""
from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agent.capture.sessions import Session
from agent.errors import JianyipaiError, first_line
from agent.pipeline import MEDIA, Capture, Capturer, json_bytes
from agent.settings import Settings
from agent.urls import Pasted
from storage import Artifact, Store, StoreError, steplog
from storage.evidence import leaks, tsa
from storage.findings import stored_anomalies

BEFORE_COMMIT = ("stored anomalies",)  # after the capture, in agent.batch (tests inject failures)
AFTER_COMMIT = ("timestamp", "identity scan")  # in this order; tests inject failures into each


@dataclass
class Outcome:
    url: str
    snapshot_id: str | None = None
    manifest: dict[str, Any] | None = None
    record: dict[str, Any] | None = None
    error: str | None = None
    after_commit: list[str] = field(default_factory=list)  # steps after the commit that failed
    commit_s: float | None = None  # seconds to write the artifacts and commit the snapshot


Say = Callable[[str], None]


def after_commit(settings: Settings, store: Store, snapshot_id: str, say: Say, *,
                 inject: dict[str, BaseException] | None = None) -> list[str]:
    """Timestamp and identity scan of a committed snapshot. Never raises: each failure is
    logged in the store (``verify`` shows it) and returned, and the snapshot stays."""
    failed = []
    for name, step in (("timestamp", _stamp), ("identity scan", _scan)):
        try:
            if inject and name in inject:
                raise inject[name]
            step(settings, store, snapshot_id, say)
        except Exception as exc:
            error = first_line(exc)
            failed.append(f"{name}: {error}")
            try:
                steplog.append(store.root, snapshot_id, name, error)
            except OSError:
                pass
            say(f"jianyipai: warning: snapshot {snapshot_id[:12]} kept; {name} failed ({error})")
    return failed


STAMP_RETRIES = 20  # snapshots left pending by an outage, retried after each commit


def _stamp(settings: Settings, store: Store, snapshot_id: str, say: Say) -> None:
    urls = settings.get("evidence", "tsa")
    if not urls:
        return
    run = tsa.stamp_pending(store.seals, store.ledger.ids(), urls,
                            settings.get("evidence", "tsa_timeout"), first=snapshot_id,
                            limit=STAMP_RETRIES + 1, stop_on_failure=True)
    if snapshot_id in run.failed:
        raise tsa.TimestampError(f"not yet timestamped ({run.failed[snapshot_id]}); retried on "
                                 "the next capture or `jianyipai stamp`")


def _scan(settings: Settings, store: Store, snapshot_id: str, say: Say) -> None:
    for hit in leaks.scan_new(store, snapshot_id):
        say(f"jianyipai: privacy: {hit['label']} ({hit['kind']}) shown on {hit['final_url']} "
            f"(snapshot {snapshot_id[:12]}); see `jianyipai leaks`")


async def capture_one(capturer: Capturer, store: Store, url: str, kind: str, *,
                      session: Session | None = None, say: Say = lambda _: None,
                      inject: dict[str, BaseException] | None = None,
                      **how: Any) -> Outcome:
    """Capture, commit, then the after-commit steps. A failure before the commit is the
    outcome's ``error``; nothing after the commit can make it one. ``how``: more options of
    :meth:`Capturer.capture` (``device``, ``shared_text``)."""
    outcome = Outcome(url)
    try:
        cap = await capturer.capture(url, kind, session=session,
                                     payload_origin=store.payload_origin, inject=inject, **how)
        _add_stored_anomalies(store, cap, inject)
        t0 = time.monotonic()
        # the artifacts are hashed and written (each synced to disk) on a worker thread while
        # the other pages go on; the commit then finds them stored and only links them
        await asyncio.to_thread(_write_blobs, store, [a.data for a in cap.artifacts.values()])
        outcome.snapshot_id, outcome.manifest = store.commit(
            cap.manifest, list(cap.artifacts.values()), record=cap.record, payloads=cap.payloads)
        outcome.commit_s = round(time.monotonic() - t0, 3)
        outcome.record = cap.record
    except (JianyipaiError, StoreError) as exc:
        outcome.error = str(exc)
        return outcome
    except Exception as exc:  # a browser crash on one page must not end the batch
        outcome.error = f"unexpected failure: {first_line(exc)}"
        return outcome
    # on this thread: the store's index is an SQLite connection of this thread
    outcome.after_commit = after_commit(capturer.settings, store, outcome.snapshot_id, say,
                                        inject=inject)
    return outcome


def _add_stored_anomalies(store: Store, cap: Capture,
                          inject: dict[str, BaseException] | None) -> None:
    """The anomalies only the store's earlier captures show (``storage.findings``), added
    to the record before the commit; a failure is a warning in the manifest."""
    if "anomalies" not in cap.record:
        return  # not a listing, chat or checkout, or its record could not be read
    try:
        if inject and BEFORE_COMMIT[0] in inject:
            raise inject[BEFORE_COMMIT[0]]
        found = stored_anomalies(store, cap.manifest, cap.record)
    except Exception as exc:  # the net: the snapshot is committed without them
        cap.manifest["warnings"].append(f"{BEFORE_COMMIT[0]}: failed ({first_line(exc)})")
        cap.record.setdefault("warnings", []).append(
            "earlier captures were not compared: no anomalies from the store's history")
        cap.artifacts["record"] = Artifact("record", json_bytes(cap.record), MEDIA["record"])
        return
    if found:
        cap.record["anomalies"] = [*(cap.record.get("anomalies") or []), *found]
        cap.artifacts["record"] = Artifact("record", json_bytes(cap.record), MEDIA["record"])


def _write_blobs(store: Store, blobs: list[bytes]) -> None:
    for data in blobs:
        store.blobs.put(data)


async def capture_all(settings: Settings, store: Store, urls: Sequence[str | Pasted], kind: str, *,
                      on_start: Callable[[str], None] | None = None,
                      on_done: Callable[[Outcome], None] | None = None,
                      session: Session | None = None, say: Say = lambda _: None,
                      device: str | None = None,
                      inject: dict[str, BaseException] | None = None) -> list[Outcome]:
    """Capture the URLs in one browser, ``capture.parallel`` pages at a time, each in a fresh
    context; one failure is recorded and the rest go on. ``on_done`` sees the outcomes in the
    order of ``urls`` (and so does the caller), whatever order they finish in. A pasted
    share text keeps its text in the manifest; ``device`` (``--device``) is the phone every
    page poses as, else each page is a desktop or, on a mobile host, a phone."""
    outcomes: list[Outcome | None] = [None] * len(urls)
    told = 0
    gate = asyncio.Semaphore(parallel_pages(settings))

    async def one(i: int, wanted: str | Pasted) -> None:
        nonlocal told
        pasted = wanted if isinstance(wanted, Pasted) else Pasted(wanted)
        async with gate:
            if on_start:
                on_start(pasted.url)
            outcomes[i] = await capture_one(capturer, store, pasted.url, kind, session=session,
                                            say=say, inject=inject, device=device,
                                            shared_text=pasted.shared_text)
        while told < len(urls) and outcomes[told] is not None:
            if on_done:
                on_done(outcomes[told])  # type: ignore[arg-type]
            told += 1

    async with Capturer(settings) as capturer:
        await asyncio.gather(*(one(i, url) for i, url in enumerate(urls)))
    return [o for o in outcomes if o is not None]


def parallel_pages(settings: Settings) -> int:
    """``capture.parallel``, or when it is 0: two pages per core, at most one per 384 MiB of
    memory available, between 1 and 8."""
    chosen = settings.get("capture", "parallel")
    if chosen:
        return int(chosen)
    cores = os.cpu_count() or 1
    try:
        avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        avail = 2 << 30
    return max(1, min(8, 2 * cores, avail // (384 << 20)))


def run_capture(settings: Settings, store: Store, urls: Sequence[str | Pasted], kind: str,
                **hooks: Any) -> list[Outcome]:
    return asyncio.run(capture_all(settings, store, urls, kind, **hooks))
