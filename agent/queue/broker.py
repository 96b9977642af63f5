"""The capture queue: one Dramatiq actor on a Redis broker, its jobs and its dead letters.

Dramatiq's Redis broker keeps each job until a worker acknowledges it: a worker that dies
mid-capture (``kill -9``) stops sending heartbeats, and after ``queue.heartbeat_timeout``
the broker's own maintenance puts the jobs it had taken back on the queue. A capture that
fails is retried by Dramatiq's ``Retries`` with exponential backoff; a bad job (a URL, kind,
phone or session that can never work) is not retried. A job that gives up lands in
Dramatiq's dead-letter queue, and :class:`DeadLetters` keeps why (url, error, attempts,
when) for ``watch --failures``.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import CurrentMessage, Middleware, Retries

from agent.capture import KINDS
from agent.errors import JianyipaiError, UsageError, first_line
from agent.settings import Settings
from storage.times import from_timestamp

NAMESPACE = "jianyipai"  # prefix of every Redis key the queue uses
QUEUE_NAME = "capture"
DEAD = f"{NAMESPACE}:dead"  # sorted set: why each dead-lettered job failed, by when
KEEP_MS = 7 * 86400 * 1000  # dead letters are kept a week, as Dramatiq's XQ
MAX_BACKOFF_MS = 3600 * 1000
# Of a million broker commands, how many also requeue the jobs of workers whose heartbeat
# stopped (Dramatiq's default, 1000, takes many minutes on an idle queue to notice).
MAINTENANCE_CHANCE = 100_000
# "notify": a watched target's job: after the commit the worker compares the capture with
# the one before it and tells [notify] of a change, as `watch` does ("label" names it there)
JOB_KEYS = ("url", "kind", "device", "shared_text", "session", "label", "notify")

Job = dict[str, Any]


class QueueError(JianyipaiError):
    """Raised by agent.queue when the broker cannot be reached."""


class BadJob(JianyipaiError):
    """Raised by a worker for a job that can never succeed: it is not retried."""


def make_job(url: str, kind: str, *, device: str | None = None, shared_text: str | None = None,
             session: str | None = None, label: str | None = None, notify: bool = False) -> Job:
    job = {"url": url, "kind": kind, "device": device, "shared_text": shared_text,
           "session": session, "label": label, "notify": notify or None}
    return {k: v for k, v in job.items() if v is not None}


def check_job(job: Any) -> Job:
    """The job, or BadJob saying what is wrong with it."""
    if not isinstance(job, dict) or not isinstance(job.get("url"), str):
        raise BadJob(f"not a capture job: {job!r}")
    unknown = set(job) - set(JOB_KEYS)
    if unknown:
        raise BadJob(f"capture job with unknown keys: {', '.join(sorted(unknown))}")
    if job.get("kind", "listing") not in KINDS:
        raise BadJob(f"capture job of unknown kind {job.get('kind')!r}")
    for key in ("device", "shared_text", "session", "label"):
        if job.get(key) is not None and not isinstance(job[key], str):
            raise BadJob(f"capture job's {key} must be text")
    if not isinstance(job.get("notify", False), bool):
        raise BadJob("capture job's notify must be true or false")
    return {"kind": "listing", **job}


class Queue:
    """The broker, the capture actor and the dead-letter list. ``handler(job) -> snapshot id``
    runs a job (only a worker gives one; the commands that enqueue do not)."""

    def __init__(self, settings: Settings, handler: Callable[[Job], str] | None = None) -> None:
        url = settings.get("queue", "broker")
        if not url:
            raise UsageError("no task queue: set [queue] broker = \"redis://HOST:6379/0\" in the "
                             "config file (or JIANYIPAI_BROKER)")
        self.url = url
        try:
            self.redis = redis.Redis.from_url(url)
        except ValueError as exc:
            raise UsageError(f"queue.broker: {exc}") from None
        self.handler = handler
        self.dead = DeadLetters(self.redis)
        self.broker = RedisBroker(
            client=self.redis, namespace=NAMESPACE,
            heartbeat_timeout=int(settings.get("queue", "heartbeat_timeout") * 1000),
            dead_message_ttl=KEEP_MS, maintenance_chance=MAINTENANCE_CHANCE,
            # "after" hooks run the list backwards: the dead letters see what Retries decided
            middleware=[CurrentMessage(), self.dead,
                        Retries(max_retries=settings.get("queue", "retries"),
                                min_backoff=max(1, int(settings.get("queue", "backoff") * 1000)),
                                max_backoff=MAX_BACKOFF_MS)])
        self.actor: dramatiq.Actor[[Job], str] = dramatiq.Actor(
            self._run, broker=self.broker, actor_name="capture", queue_name=QUEUE_NAME,
            priority=0, options={"throws": (BadJob,)})

    def _run(self, job: Job) -> str:
        if self.handler is None:
            raise RuntimeError("this process only enqueues capture jobs")
        return self.handler(job)

    def ping(self) -> None:
        """QueueError unless the broker answers."""
        try:
            self.redis.ping()
        except redis.RedisError as exc:
            raise self._unreachable(exc) from None

    def enqueue(self, job: Job) -> str:
        """Send one job; its id."""
        try:
            return self.actor.send(check_job(job)).message_id
        except redis.RedisError as exc:
            raise self._unreachable(exc) from None

    def failures(self) -> list[dict[str, Any]]:
        try:
            return self.dead.rows()
        except redis.RedisError as exc:
            raise self._unreachable(exc) from None

    def _unreachable(self, exc: Exception) -> QueueError:
        return QueueError(f"cannot reach the task queue at {self.url}: {first_line(exc)}")

    def close(self) -> None:
        self.broker.close()


class DeadLetters(Middleware):
    """Why each job that gave up failed, next to Dramatiq's dead-letter queue (which keeps the
    message itself): ``{job, url, kind, error, attempts, at}``, newest first."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def after_process_message(self, broker: Any, message: Any, *, result: Any = None,
                              exception: BaseException | None = None) -> None:
        if exception is None or not message.failed:
            return
        retries = message.options.get("retries", 0)
        attempts = retries + 1 if isinstance(exception, BadJob) else retries  # Retries counted it
        job = message.args[0] if message.args else {}
        job = job if isinstance(job, dict) else {}
        now = time.time()
        row = {"job": message.message_id, "url": job.get("url"), "kind": job.get("kind"),
               "error": first_line(exception), "attempts": attempts,
               "at": from_timestamp(now, "seconds")}
        self.redis.zadd(DEAD, {json.dumps(row, ensure_ascii=False, sort_keys=True): now})
        self.redis.zremrangebyscore(DEAD, 0, now - KEEP_MS / 1000)

    def rows(self) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in self.redis.zrevrange(DEAD, 0, -1)]
