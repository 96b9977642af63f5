"""Politeness per host across every worker, with Dramatiq's rate limiters on Redis.

A capture of a host waits until fewer than ``queue.host_concurrency`` captures of it run
anywhere (``ConcurrentRateLimiter``) and no capture of it started in the last
``queue.host_gap`` seconds (``WindowRateLimiter``). A worker killed while it holds a slot
frees it when the slot's key expires, a little after the longest a capture may take.
"""
from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import redis
from dramatiq.rate_limits import ConcurrentRateLimiter, WindowRateLimiter
from dramatiq.rate_limits.backends import RedisBackend

from agent.queue.broker import NAMESPACE
from agent.settings import Settings

POLL_S = 0.5  # between two tries for a busy host (with up to as much again at random)


class Hosts:
    def __init__(self, settings: Settings, client: redis.Redis) -> None:
        self.backend = RedisBackend(client=client)
        self.limit = settings.get("queue", "host_concurrency")
        self.gap = settings.get("queue", "host_gap")
        # a slot outlives any capture that holds it: only a dead worker's slot expires
        self.slot_ttl_ms = int((2 * settings.get("capture", "timeout") + 60) * 1000)

    @asynccontextmanager
    async def turn(self, url: str) -> AsyncIterator[None]:
        """Wait for this URL's host to be free, hold a slot of it while the body runs."""
        host = urlsplit(url).netloc.lower() or url
        slots = ConcurrentRateLimiter(self.backend, f"{NAMESPACE}:host-slots:{host}",
                                      limit=self.limit, ttl=self.slot_ttl_ms)
        starts = (WindowRateLimiter(self.backend, f"{NAMESPACE}:host-starts:{host}",
                                    limit=1, window=self.gap) if self.gap else None)
        while True:
            with slots.acquire(raise_on_failure=False) as got:
                if got and starts is not None:
                    with starts.acquire(raise_on_failure=False) as started:  # counts, never released
                        got = started
                if got:
                    yield
                    return
            await asyncio.sleep(POLL_S * (1 + random.random()))
