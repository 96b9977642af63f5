"""Bringing a page to rest: scroll through it for lazy content, then wait for quiet.

Every wait here is bounded by a deadline (``time.monotonic()`` seconds); when a bound is
hit the page is taken as it is and the caller records a warning.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any

from agent.capture.scripts import DOM_QUIET_MS_JS, HEIGHT_JS, WATCH_DOM_JS
from agent.errors import first_line


class NetworkWatch:
    """Counts requests in flight on a page, from Playwright's request events."""

    def __init__(self, page: Any) -> None:
        self.inflight: set[Any] = set()
        self.last_change = time.monotonic()
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)

    def _start(self, request: Any) -> None:
        self.inflight.add(request)
        self.last_change = time.monotonic()

    def _end(self, request: Any) -> None:
        self.inflight.discard(request)
        self.last_change = time.monotonic()

    def quiet_for(self) -> float:
        return 0.0 if self.inflight else time.monotonic() - self.last_change


# A page that does not answer a script call within this long has a busy or dead renderer
# (a script that never returns): waiting on won't bring anything more.
PAGE_ANSWER_S = 5.0


class PageHung(Exception):
    """Raised when the page stopped answering (its renderer is busy or gone)."""


async def _bounded(coro: Any, deadline: float) -> Any:
    """Await ``coro`` until ``deadline``; TimeoutError past it, PageHung when the page took
    over PAGE_ANSWER_S to answer one call."""
    left = deadline - time.monotonic()
    try:
        return await asyncio.wait_for(coro, max(0.05, min(left, PAGE_ANSWER_S)))
    except TimeoutError:
        if left > PAGE_ANSWER_S:
            raise PageHung(f"the page did not answer for {PAGE_ANSWER_S:g} s") from None
        raise


async def page_height(page: Any, deadline: float) -> int:
    return int(await _bounded(page.evaluate(HEIGHT_JS), deadline) or 0)


async def scroll_through(page: Any, *, step: int, delay_ms: int, max_height: int,
                         deadline: float) -> list[str]:
    """Scroll down a viewport at a time until the bottom stops moving; return warnings."""
    warnings: list[str] = []
    y = 0
    stalls = 0
    try:
        while True:
            height = await page_height(page, deadline)
            if y >= min(height, max_height):
                stalls += 1
                if stalls >= 2 or y >= max_height:
                    break
            else:
                stalls = 0
                y = min(y + step, height)
                await _bounded(page.evaluate("y => window.scrollTo(0, y)", y), deadline)
            await asyncio.sleep(delay_ms / 1000)
            if time.monotonic() >= deadline:
                warnings.append("scroll: stopped at the time bound before the bottom of the page")
                break
        await _bounded(page.evaluate("() => window.scrollTo(0, 0)"), deadline)
    except PageHung:
        raise
    except TimeoutError:
        warnings.append("scroll: stopped at the time bound before the bottom of the page")
    except Exception as exc:  # the page navigated or closed under us
        warnings.append(f"scroll: interrupted ({first_line(exc)})")
    return warnings


async def wait_quiet(page: Any, net: NetworkWatch, *, quiet_ms: int, deadline: float) -> list[str]:
    """Wait until no request is in flight and the DOM has not changed for ``quiet_ms``."""
    quiet = quiet_ms / 1000
    net_ok = dom_ok = False
    try:
        await _bounded(page.evaluate(WATCH_DOM_JS), deadline)
        while time.monotonic() < deadline:
            net_ok = net.quiet_for() >= quiet
            dom_ms = await _bounded(page.evaluate(DOM_QUIET_MS_JS), deadline)
            dom_ok = float(dom_ms) >= quiet_ms
            if net_ok and dom_ok:
                return []
            await asyncio.sleep(0.05)
    except PageHung:
        raise
    except TimeoutError:
        pass
    except Exception as exc:
        return [f"settle: interrupted ({first_line(exc)})"]
    out = []
    if not net_ok:
        out.append(f"settle: network not quiet at the time bound ({len(net.inflight)} requests in flight)")
    if not dom_ok:
        out.append("settle: page content still changing at the time bound")
    return out

