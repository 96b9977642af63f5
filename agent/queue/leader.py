"""One scheduler among several ``watch --queue``: a Redis lock with a time to live.

The leader holds redis-py's ``Lock`` (``SET NX PX`` with a random token; only the holder of
the token may extend or release it) and extends it every third of ``queue.leader_ttl``.
A leader that dies stops extending it; the lock expires and a standby, which tries every
third of the TTL, takes over. A leader that cannot extend it in time (the lock expired:
a long pause, a lost connection) stops scheduling at once, so two never fire together.
"""
from __future__ import annotations

import asyncio

import redis
from redis.exceptions import LockError

from agent.queue.broker import NAMESPACE, QueueError
from agent.settings import Settings

LOCK = f"{NAMESPACE}:watch-leader"


class Leadership:
    def __init__(self, settings: Settings, client: redis.Redis) -> None:
        self.ttl = settings.get("queue", "leader_ttl")
        self.lock = client.lock(LOCK, timeout=self.ttl, thread_local=False)

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Wait until this process leads (True) or ``stop`` is set (False)."""
        while not stop.is_set():
            try:
                if await asyncio.to_thread(self.lock.acquire, blocking=False):
                    return True
            except redis.RedisError as exc:
                raise QueueError(f"cannot reach the task queue for the leader lock: {exc}") from None
            try:
                await asyncio.wait_for(stop.wait(), self.ttl / 3)
            except TimeoutError:
                pass
        return False

    async def hold(self, stop: asyncio.Event) -> str | None:
        """Keep the lead until ``stop`` is set; when it is lost, set ``stop`` and say why."""
        while True:
            try:
                await asyncio.wait_for(stop.wait(), self.ttl / 3)
                return None
            except TimeoutError:
                pass
            try:
                await asyncio.to_thread(self.lock.reacquire)
            except (LockError, redis.RedisError) as exc:
                stop.set()
                return f"lost the scheduler lead ({type(exc).__name__}: {exc})"

    def release(self) -> None:
        try:
            self.lock.release()
        except (LockError, redis.RedisError):
            pass  # expired already, or the broker is gone: the TTL ends it
