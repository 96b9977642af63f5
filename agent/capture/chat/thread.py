"""The live chat thread while a capture scrolls it back: the frame that holds it, the rows
collected so far (:mod:`agent.capture.chat.rows`), the list's shots
(:mod:`agent.capture.chat.screens`), and a fresh look for it (in any frame) whenever the
page replaced it or its frame went away.
"""
from __future__ import annotations

import time
from typing import Any

from agent.capture.chat.find import Found, call, find_thread
from agent.capture.chat.rows import Collector
from agent.capture.chat.screens import Shots
from agent.capture.settle import NetworkWatch
from agent.settings import Settings

REDETECT_S = 5.0  # how long to look for a list that left the page


class Thread:
    """The live thread: its frame, the rows collected so far, the list's shots."""

    def __init__(self, page: Any, found: Found, net: NetworkWatch, info: dict[str, Any],
                 settings: Settings) -> None:
        self.page = page
        self.found = found
        self.net = net
        self.info = info
        self.collector = Collector()
        self.shots = Shots(max_height=settings.get("capture", "max_height"))
        self.step_mode = False
        self.moving_up = True
        self.reordered = False
        self.redetected = 0

    @property
    def frame(self) -> Any:
        return self.found.frame

    async def call(self, fn: str, arg: dict[str, Any] | None = None, *, deadline: float) -> Any:
        return await call(self.frame, fn, arg, budget=min(10.0, deadline - time.monotonic() + 1.0))

    async def state(self, *, deadline: float) -> dict[str, Any] | None:
        """The thread now; looks for it again when the page replaced it (None: gone)."""
        for _ in range(2):
            try:
                now = await self.call("state", deadline=deadline)
            except TimeoutError:
                raise
            except Exception:  # the frame navigated or went away
                now = None
            if isinstance(now, dict) and not now.get("gone"):
                return now
            if not await self.redetect(deadline):
                return None
        return None

    async def redetect(self, deadline: float) -> bool:
        found, _ = await find_thread(self.page, self.net,
                                     until=min(deadline, time.monotonic() + REDETECT_S))
        if found is None:
            return False
        self.found = found
        self.redetected += 1
        return True

    async def scroll(self, to: str, *, deadline: float) -> None:
        self.moving_up = to in ("top", "up")
        try:
            await self.call("scroll", {"to": to}, deadline=deadline)
        except TimeoutError:
            raise
        except Exception:
            pass  # the next state() finds out what happened

    async def collect(self, *, deadline: float) -> None:
        try:
            got = await self.call("collect", deadline=deadline)
        except TimeoutError:
            raise
        except Exception:
            return
        if not isinstance(got, dict) or got.get("gone"):
            return
        self.collector.add(got.get("units") or [], moving_up=self.moving_up)
        self.reordered = self.reordered or bool(got.get("reordered"))
        if self.step_mode:
            rect = await self.call("rect", deadline=deadline)
            if rect:
                await self.shots.take(self.frame, rect, float(got.get("top") or 0), deadline=deadline)

    @property
    def needs_document(self) -> bool:
        """Whether the record must be read from a document built from the rows."""
        return self.collector.windowed or not self.found.main or self.found.shadow or self.reordered

    def summary(self) -> dict[str, Any]:
        c = self.collector
        out: dict[str, Any] = {"frame": None if self.found.main else self.found.url,
                               "shadow": self.found.shadow, "windowed": c.windowed,
                               "rows_collected": c.row_count}
        if self.reordered:
            out["reordered"] = True
        if c.gaps:
            out["gaps"] = c.gaps
        if self.redetected:
            out["redetected"] = self.redetected
        return out
