"""``jianyipai watch``: capture the configured targets on their schedules, say what changed.

One browser (one ``Capturer``) serves every capture; ``watch.concurrency`` (by default
``capture.parallel``) of them run at once, pages of one host one at a time with
``watch.host_gap`` seconds between them. When a
target runs next is computed with APScheduler's triggers (interval or crontab) and kept in
``STORE/watch.sqlite`` (a group's store: its PostgreSQL database, so the next leader on
another machine goes on with it), written when a run ends: a restart runs what was due and
not done, and nothing twice. A failed capture is retried after ``backoff``, ``2×backoff``…, each
failure recorded; a login wall or captcha is stored as a blocked capture, not a change.
The clock and the random source are injected, so tests run hours of schedule in seconds.
With ``enqueue`` (``watch --queue``) a due target becomes a job on the task queue instead
of a capture here: the workers capture, retry and keep hosts polite.
"""
from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Any, Protocol

from agent.batch import Outcome, capture_one, parallel_pages
from agent.capture.sessions import load as load_session
from agent.errors import JianyipaiError, first_line
from agent.pipeline import Capturer
from agent.settings import Settings
from agent.watch.notify import Notifier, change_payload
from agent.watch.targets import Target, cron_trigger
from storage import Store, steplog
from storage.diff import summary_lines
from storage.history import compare, previous_shown
from storage.times import parse as parse_time
from storage.watchstate import WatchState


class Clock(Protocol):
    def now(self) -> float: ...
    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


Event = dict[str, Any]


class Watcher:
    def __init__(self, settings: Settings, store: Store, targets: tuple[Target, ...], *,
                 clock: Clock | None = None, rng: random.Random | None = None,
                 notifier: Notifier | None = None,
                 on_event: Callable[[Event], None] | None = None,
                 enqueue: Callable[[Target], str] | None = None) -> None:
        self.settings = settings
        self.enqueue = enqueue  # a target's job id on the task queue, instead of capturing
        self.store = store
        self.targets = {t.key: t for t in targets}
        self.clock = clock or RealClock()
        self.rng = rng or random.Random()
        self.notifier = notifier or Notifier()
        self.on_event = on_event or (lambda e: None)
        self.state = WatchState(store.root, index=settings.get("storage", "index"))
        self.events: list[Event] = []
        self.sched: dict[str, dict[str, Any]] = {}
        self._host_locks: dict[str, asyncio.Lock] = {}
        self._host_free: dict[str, float] = {}
        self.captures = 0

    def close(self) -> None:
        self.state.close()

    # -- the schedule --------------------------------------------------------------------

    def next_after(self, target: Target, moment: float) -> float:
        jitter = self.rng.uniform(0, self.settings.get("watch", "jitter"))
        if target.every is not None:
            return moment + target.every + jitter
        trigger = cron_trigger(str(target.cron), self.settings.get("watch", "timezone"))
        fire = trigger.get_next_fire_time(None, datetime.fromtimestamp(moment + 1, UTC))
        return (fire.timestamp() if fire else moment + 86400) + jitter

    def _load_schedule(self) -> None:
        saved = self.state.schedule()
        now = self.clock.now()
        for key, t in self.targets.items():
            row = saved.get(key)
            if row is None:
                row = {"next_run": now, "attempts": 0, "last_run": None}
                self.state.set_next(key, t.url, t.kind, now)
            else:
                # A capture committed but not yet written down here (killed in between)?
                latest = _latest_capture(self.store, t)
                if latest is not None and latest > (row["last_run"] or 0) + 1e-3:
                    row["next_run"] = max(row["next_run"], self.next_after(t, latest))
                    self.state.set_next(key, t.url, t.kind, row["next_run"], last_run=latest)
            self.sched[key] = dict(row)

    # -- running -------------------------------------------------------------------------

    async def run(self, *, once: bool = False, stop: asyncio.Event | None = None,
                  max_captures: int | None = None, grace: float = 15.0) -> list[Event]:
        """Run until ``stop`` is set (or, with ``once``, until what was due has run)."""
        stop = stop or asyncio.Event()
        self.state.lock()
        try:
            self._load_schedule()
            now = self.clock.now()
            pending = {k for k, r in self.sched.items() if r["next_run"] <= now} if once else set()
            sem = asyncio.Semaphore(self.settings.get("watch", "concurrency")
                                    or parallel_pages(self.settings))
            flying: dict[str, asyncio.Task[None]] = {}
            async with nullcontext() if self.enqueue else Capturer(self.settings) as capturer:
                while not stop.is_set():
                    if max_captures is not None and self.captures >= max_captures:
                        break
                    now = self.clock.now()
                    for key, row in self.sched.items():
                        if key in flying or row["next_run"] > now:
                            continue
                        if once and key not in pending:
                            continue
                        flying[key] = asyncio.create_task(self._job(capturer, sem, key, pending))
                    if once and not pending and not flying:
                        break
                    waits = [r["next_run"] - now for k, r in self.sched.items()
                             if k not in flying and (not once or k in pending)]
                    await self._wait(stop, flying, min(waits, default=3600.0))
                    for key in [k for k, task in flying.items() if task.done()]:
                        flying.pop(key).result()
                if flying:
                    await self._abandon(flying, grace)
        finally:
            self.state.unlock()
        return self.events

    async def _wait(self, stop: asyncio.Event, flying: dict[str, asyncio.Task[None]],
                    seconds: float) -> None:
        waiters: set[asyncio.Future[Any]] = {asyncio.ensure_future(stop.wait())}
        waiters |= set(flying.values())
        if flying:
            # Real captures take real time: do not let a fake clock race ahead of them.
            waiters.add(asyncio.ensure_future(asyncio.sleep(min(1.0, max(0.01, seconds)))))
        else:
            waiters.add(asyncio.ensure_future(self.clock.sleep(max(0.0, seconds))))
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for w in waiters:
            if w not in flying.values() and not w.done():
                w.cancel()

    async def _abandon(self, flying: dict[str, asyncio.Task[None]], grace: float) -> None:
        done, left = await asyncio.wait(set(flying.values()), timeout=grace) if grace > 0 else (set(), set(flying.values()))
        for task in left:
            task.cancel()
        await asyncio.gather(*left, return_exceptions=True)
        for key, task in flying.items():
            if task in left:
                self._emit({"event": "abandoned", "url": self.targets[key].url,
                            "kind": self.targets[key].kind})

    async def _job(self, capturer: Capturer, sem: asyncio.Semaphore, key: str,
                   pending: set[str]) -> None:
        t = self.targets[key]
        if self.enqueue is not None:
            await self._queue(t, pending)
            return
        async with sem:
            lock = self._host_locks.setdefault(t.host, asyncio.Lock())
            async with lock:
                wait = self._host_free.get(t.host, 0.0) - self.clock.now()
                if wait > 0:
                    await self.clock.sleep(wait)
                started = self.clock.now()
                try:
                    await self._capture(capturer, t, started, pending)
                finally:
                    self._host_free[t.host] = self.clock.now() + self.settings.get("watch", "host_gap")

    async def _capture(self, capturer: Capturer, t: Target, started: float, pending: set[str]) -> None:
        row = self.sched[t.key]
        attempt = row["attempts"] + 1
        self._emit({"event": "start", "url": t.url, "kind": t.kind, "at": started, "attempt": attempt})
        try:
            session = load_session(self.store.root, t.session) if t.session else None
        except JianyipaiError as exc:
            self._failed(t, row, attempt, str(exc), pending)
            return
        outcome = await capture_one(capturer, self.store, t.url, t.kind, session=session,
                                    say=lambda line: self._emit({"event": "note", "url": t.url,
                                                                 "text": line}),
                                    device=t.device, device_why="target device")
        if outcome.snapshot_id is None:
            self._failed(t, row, attempt, outcome.error or "no snapshot", pending)
            return
        # committed: from here on nothing may count as a failure or cause a retry
        snapshot_id, record = outcome.snapshot_id, outcome.record or {}
        self.captures += 1
        now = self.clock.now()
        row.update(next_run=self.next_after(t, now), attempts=0, last_run=now)
        self.state.set_next(t.key, t.url, t.kind, row["next_run"], attempts=0, last_run=now,
                            last_snapshot=snapshot_id)
        pending.discard(t.key)
        event: Event = {"event": "captured", "url": t.url, "kind": t.kind, "label": t.label,
                        "id": snapshot_id, "at": started, "next_run": row["next_run"],
                        "price": (record.get("price") or {}).get("amount")}
        await check_change(self.store, self.notifier, t, outcome, event)
        self._emit(event)

    async def _queue(self, t: Target, pending: set[str]) -> None:
        """Send the target's job to the queue; it is done here until its next run (retries
        of a failed capture are the queue's)."""
        row = self.sched[t.key]
        now = self.clock.now()
        attempts = row["attempts"]
        # the next run is recorded before the job is sent: a leader killed in between skips
        # this run (the next one comes) rather than its successor firing the target twice
        row.update(next_run=self.next_after(t, now), attempts=0)
        self.state.set_next(t.key, t.url, t.kind, row["next_run"], attempts=0)
        try:
            job = await asyncio.to_thread(self.enqueue, t)  # type: ignore[arg-type]
        except JianyipaiError as exc:
            self._failed(t, row, attempts + 1, str(exc), pending)
            return
        pending.discard(t.key)
        self._emit({"event": "queued", "url": t.url, "kind": t.kind, "job": job, "at": now,
                    "next_run": row["next_run"]})

    def _failed(self, t: Target, row: dict[str, Any], attempt: int, error: str,
                pending: set[str]) -> None:
        now = self.clock.now()
        retries = self.settings.get("watch", "retries")
        final = attempt > retries
        self.state.add_failure(t.key, t.url, now, attempt, error, final)
        if final:
            row.update(next_run=self.next_after(t, now), attempts=0)
            pending.discard(t.key)
        else:
            row.update(next_run=now + self.settings.get("watch", "backoff") * 2 ** (attempt - 1),
                       attempts=attempt)
        self.state.set_next(t.key, t.url, t.kind, row["next_run"], attempts=row["attempts"])
        self._emit({"event": "failed", "url": t.url, "kind": t.kind, "attempt": attempt,
                    "final": final, "error": error, "next_run": row["next_run"]})

    def _emit(self, event: Event) -> None:
        self.events.append(event)
        self.on_event(event)


async def check_change(store: Store, notifier: Notifier, t: Target, outcome: Outcome,
                       event: Event) -> None:
    """After a target's capture is committed (here, or by a worker for ``watch --queue``):
    a blocked page, or what changed since the capture before it, told to the notifier.
    Adds what it found to ``event``; a failure is logged in the store, never raised."""
    snapshot_id = str(outcome.snapshot_id)
    if outcome.after_commit:
        event["after_commit_failed"] = outcome.after_commit
    blocked = (outcome.record or {}).get("blocked")
    if blocked:
        event.update(event="blocked", blocked=blocked)
        return
    try:
        await _compare_and_notify(store, notifier, t, snapshot_id, outcome.manifest or {}, event)
    except Exception as exc:
        error = first_line(exc)
        steplog.append(store.root, snapshot_id, "change check", error)
        event["after_commit_failed"] = [*event.get("after_commit_failed", []),
                                        f"change check: {error}"]


async def _compare_and_notify(store: Store, notifier: Notifier, t: Target, snapshot_id: str,
                              manifest: dict[str, Any], event: Event) -> None:
    prev = previous_shown(store, t.url, t.kind, snapshot_id)
    if prev is None:
        event["first"] = True
        return
    diff = compare(store, prev, snapshot_id)
    changed = diff["listing_changed"] if t.kind == "listing" else diff["changed"]
    event.update(since=prev, changed=changed, summary=summary_lines(diff) if changed else [])
    if changed and notifier.active:
        payload = change_payload(
            {"url": t.url, "kind": t.kind, "label": t.label},
            {"id": prev, "captured_at": diff["old"]["captured_at"]},
            {"id": snapshot_id, "captured_at": manifest.get("captured_at")},
            diff, event["summary"])
        problems = await asyncio.to_thread(notifier.send, payload)
        event["notified"] = not problems
        if problems:
            event["notify_errors"] = problems
            for problem in problems:
                steplog.append(store.root, snapshot_id, "notification", problem)


def _latest_capture(store: Store, t: Target) -> float | None:
    rows = [r for r in store.summaries(t.url) if (r.get("target") or {}).get("kind") == t.kind]
    if not rows or not rows[0].get("captured_at"):
        return None
    moment = parse_time(str(rows[0]["captured_at"]))
    return moment.timestamp() if moment is not None else None


def event_line(event: Event) -> str:
    """A progress line for a person."""
    kind, url = event["event"], event.get("url")
    if kind == "start":
        extra = f" (attempt {event['attempt']})" if event.get("attempt", 1) > 1 else ""
        return f"watch: capturing {url}{extra}"
    if kind == "failed":
        then = "gave up until the next run" if event["final"] else "will retry"
        return f"watch: failed {url} (attempt {event['attempt']}): {event['error']}; {then}"
    if kind == "blocked":
        b = event["blocked"]
        return f"watch: blocked {url}: {b['kind']} page, stored as {event['id'][:12]}, not a change"
    if kind == "queued":
        return f"watch: queued {url} as job {event['job']}"
    if kind == "standby":
        return "watch: standing by until this process leads the schedule (watch --queue)"
    if kind == "leader":
        return "watch: this process leads the schedule"
    if kind == "abandoned":
        return f"watch: abandoned the capture of {url} (it runs again at the next start)"
    head = f"watch: ok {url} -> {event['id'][:12]}"
    if event.get("first"):
        return head + " (first capture)"
    if not event.get("changed"):
        return head + " (no change)"
    return head + " CHANGED: " + "; ".join(event.get("summary") or [])
