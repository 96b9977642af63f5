"""``jianyipai worker``: a process that takes capture jobs from the queue and runs them.

Dramatiq runs ``capture.parallel`` worker threads, each holding one job; Playwright's async
API wants one event loop. So one asyncio loop thread per worker process owns the browser
(one long-lived :class:`Capturer`) and the store (the folder store's SQLite index is a
connection of the thread that opened it); each worker thread hands its job to that loop
and waits for the outcome, and the pages of different jobs run side by side on the loop as
in ``capture URL…``. A job runs exactly as the command line's capture does
(``agent.batch.capture_one``): capture, commit, the steps after the commit; a watched
target's job (``watch --queue``) then has its change checked and notified as ``watch`` does.

A job is committed once. Its snapshot's manifest names it (``job: {id, queue}``, indexed),
and a job whose id the store already holds is not captured again: the broker redelivers a
job whose worker died after the commit but before the acknowledgement (killed during the
steps after the commit, or a COMMIT whose reply was lost), and the store, not the broker,
knows whether that commit happened.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import dramatiq
from dramatiq.middleware import CurrentMessage

from agent.batch import Say, capture_one, parallel_pages
from agent.capture.browser import check_devices
from agent.capture.sessions import load as load_session
from agent.errors import CaptureError, JianyipaiError
from agent.pipeline import Capturer
from agent.queue.broker import QUEUE_NAME, BadJob, Job, Queue, check_job
from agent.queue.hosts import Hosts
from agent.settings import Settings
from agent.urls import check_url
from agent.watch.notify import Notifier
from agent.watch.scheduler import check_change, event_line
from agent.watch.targets import Target
from storage import Store

T = TypeVar("T")
POLL_MS = 500  # how often an idle worker asks for jobs (each ask is also its heartbeat)


class Worker:
    def __init__(self, settings: Settings, open_store: Callable[[], Store], say: Say) -> None:
        self.settings = settings
        self.open_store = open_store
        self.say = say
        self.queue = Queue(settings, handler=self.handle)
        self.hosts = Hosts(settings, self.queue.redis)
        self.notifier = Notifier.from_settings(settings)
        self.pages = parallel_pages(settings)
        self.loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(target=self.loop.run_forever, name="captures",
                                             daemon=True)
        self._browser_lock: asyncio.Lock | None = None
        self.store: Store | None = None
        self.capturer: Capturer | None = None

    def run(self, stop: threading.Event) -> None:
        """Take jobs until ``stop`` is set, then let the captures in flight finish."""
        self.queue.ping()
        self._loop_thread.start()
        try:
            self._call(self._open())
            worker = dramatiq.Worker(self.queue.broker, worker_threads=self.pages,
                                     worker_timeout=POLL_MS)
            worker.queue_prefetch = self.pages  # hold no more jobs than run: others take the rest
            worker.start()
            self.say(f"worker: ready, {self.pages} pages at once, jobs from {self.queue.url}")
            while not stop.wait(0.5):
                pass
            self.say("worker: stopping after the captures in flight")
            worker.stop()
        finally:
            self._call(self._close())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._loop_thread.join()
            self.loop.close()
            self.queue.close()

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    async def _open(self) -> None:
        self._browser_lock = asyncio.Lock()
        self.store = self.open_store()
        self.capturer = await Capturer(self.settings).__aenter__()

    async def _close(self) -> None:
        if self.capturer is not None:
            await self.capturer.__aexit__(None, None, None)
        if self.store is not None:
            self.store.close()

    async def _browser(self) -> Capturer:
        """The browser, started again if it died (a crash fails one job, not the worker)."""
        assert self._browser_lock is not None and self.capturer is not None
        async with self._browser_lock:
            if not self.capturer.browser.is_connected():
                self.say("worker: the browser died; starting a new one")
                try:
                    await self.capturer.__aexit__(None, None, None)
                except Exception:
                    pass  # what is left of the dead browser
                self.capturer = await Capturer(self.settings).__aenter__()
        return self.capturer

    def handle(self, job: Job) -> str:
        """Run one job (on a Dramatiq worker thread); the snapshot id. BadJob for a job that
        can never succeed, CaptureError for a capture that failed (retried)."""
        job = check_job(job)
        try:
            check_url(job["url"])
            check_devices(self.settings, [job["url"]], job.get("device"))
        except JianyipaiError as exc:
            raise BadJob(str(exc)) from None
        message = CurrentMessage.get_current_message()
        assert message is not None
        return self._call(self._capture(job, message.message_id,
                                        message.options.get("retries", 0) + 1))

    async def _capture(self, job: Job, job_id: str, attempt: int) -> str:
        assert self.store is not None
        url = job["url"]
        done = self.store.index.of_job(job_id)
        if done is not None:  # committed, then the worker died before the queue heard of it
            self.say(f"worker: {url} was already captured as {done[:12]} (job {job_id[:8]} redelivered)")
            return done
        session = None
        if job.get("session"):
            try:
                session = load_session(self.store.root, job["session"])
            except JianyipaiError as exc:
                raise BadJob(str(exc)) from None
        async with self.hosts.turn(url):
            capturer = await self._browser()
            self.say(f"worker: capturing {url} (job {job_id[:8]}, attempt {attempt})")
            outcome = await capture_one(capturer, self.store, url, job["kind"], session=session,
                                        say=self.say, device=job.get("device"),
                                        shared_text=job.get("shared_text"),
                                        job={"id": job_id, "queue": QUEUE_NAME})
        if outcome.snapshot_id is None:
            self.say(f"worker: failed {url} (job {job_id[:8]}, attempt {attempt}): {outcome.error}")
            raise CaptureError(outcome.error or "no snapshot")
        self.say(f"worker: ok {url} -> {outcome.snapshot_id[:12]} (job {job_id[:8]})")
        if job.get("notify"):
            target = Target(url, job["kind"], label=job.get("label"), device=job.get("device"),
                            session=job.get("session"))
            event = {"event": "captured", "url": url, "kind": job["kind"],
                     "label": job.get("label"), "id": outcome.snapshot_id}
            await check_change(self.store, self.notifier, target, outcome, event)
            self.say(event_line(event))
        return outcome.snapshot_id
