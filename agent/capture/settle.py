"""Bringing a page to rest: scroll through it for lazy content, then wait for quiet.

Every wait here is bounded by a deadline (``time.monotonic()`` seconds); when a bound is
hit the page is taken as it is and the caller records a warning.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any

from agent.capture.scripts import DOM_QUIET_MS_JS, HEIGHT_JS, SCROLL_STEP_JS, WATCH_DOM_JS
from agent.errors import first_line

LONG_LIVED = {"eventsource", "websocket"}  # open for the page's life: never "in flight"


class NetworkWatch:
    """Requests and WebSocket messages in flight on the page (listeners removed on close).

    Playwright reports the requests of every frame, out-of-process ones included, on the
    page. A WebSocket message sent counts as a request started; one received, as one ended;
    the socket itself, like an EventSource stream, is never in flight.
    """

    def __init__(self, page: Any) -> None:
        self.page = page
        self.inflight: set[Any] = set()
        self.ws_waiting = 0
        self.last = time.monotonic()
        self.started = 0
        self._sockets: list[Any] = []
        self._on = (("request", self._start), ("requestfinished", self._end),
                    ("requestfailed", self._end), ("websocket", self._socket))
        for event, handler in self._on:
            page.on(event, handler)

    def _start(self, request: Any) -> None:
        if request.resource_type in LONG_LIVED:
            return
        self.inflight.add(request)
        self.started += 1
        self.last = time.monotonic()

    def _end(self, request: Any) -> None:
        self.inflight.discard(request)
        self.last = time.monotonic()

    def _socket(self, ws: Any) -> None:
        self._sockets.append(ws)
        ws.on("framesent", self._sent)
        ws.on("framereceived", self._received)

    def _sent(self, _payload: Any) -> None:
        self.ws_waiting += 1
        self.started += 1
        self.last = time.monotonic()

    def _received(self, _payload: Any) -> None:
        self.ws_waiting = max(0, self.ws_waiting - 1)
        self.last = time.monotonic()

    def quiet_for(self) -> float:
        """Seconds since the network last changed; 0 while anything is in flight."""
        return 0.0 if self.busy else time.monotonic() - self.last

    @property
    def busy(self) -> bool:
        return bool(self.inflight) or self.ws_waiting > 0

    def close(self) -> None:
        for event, handler in self._on:
            try:
                self.page.remove_listener(event, handler)
            except Exception:
                pass
        for ws in self._sockets:
            for event, handler in (("framesent", self._sent), ("framereceived", self._received)):
                try:
                    ws.remove_listener(event, handler)
                except Exception:
                    pass


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


# At the bottom, wait at most this long for what is still loading (it may make the page
# taller); still for STEP_QUIET_S counts as done.
STEP_WAIT_S = 1.5
STEP_QUIET_S = 0.15


async def scroll_through(page: Any, net: NetworkWatch, *, step: int, delay_ms: int,
                         max_height: int, deadline: float) -> list[str]:
    """Scroll down a viewport at a time so lazy content loads, two frames per step; at the
    bottom wait while what the steps started is still going (it may make the page taller);
    stop once the bottom is reached and stays put, or at ``max_height``. Returns warnings."""
    warnings: list[str] = []
    try:
        await _bounded(page.evaluate(WATCH_DOM_JS), deadline)
        state = await _bounded(page.evaluate(SCROLL_STEP_JS, None), deadline)
        while True:
            if time.monotonic() >= deadline:
                warnings.append("scroll: stopped at the time bound before the bottom of the page")
                break
            bottom = min(state["height"], max_height)
            if state["y"] + state["viewport"] >= bottom - 2:
                # at the bottom: anything still loading may make the page taller
                await _until_still(page, net, deadline)
                state = await _bounded(page.evaluate(SCROLL_STEP_JS, None), deadline)
                if state["y"] + state["viewport"] >= min(state["height"], max_height) - 2:
                    break
                continue
            # a step lets two frames pass, so lazy loaders see it and start their requests;
            # those finish while the next steps run (settling waits for the rest), and
            # content they add is seen in the height the next step reads
            state = await _bounded(page.evaluate(SCROLL_STEP_JS, min(state["y"] + step, max_height)),
                                   deadline)
            if delay_ms:
                await asyncio.sleep(delay_ms / 1000)
        await _bounded(page.evaluate("() => window.scrollTo(0, 0)"), deadline)
    except PageHung:
        raise
    except TimeoutError:
        warnings.append("scroll: stopped at the time bound before the bottom of the page")
    except Exception as exc:  # the page navigated or closed under us
        warnings.append(f"scroll: interrupted ({first_line(exc)})")
    return warnings


async def _until_still(page: Any, net: NetworkWatch, deadline: float) -> None:
    """Wait (at most STEP_WAIT_S) until no request is in flight and the DOM has been still
    for STEP_QUIET_S."""
    end = min(deadline, time.monotonic() + STEP_WAIT_S)
    while time.monotonic() < end:
        if not net.inflight and net.quiet_for() >= STEP_QUIET_S:
            dom_ms = await _bounded(page.evaluate(DOM_QUIET_MS_JS), deadline)
            if float(dom_ms) >= STEP_QUIET_S * 1000:
                return
        await asyncio.sleep(0.03)


async def wait_quiet(page: Any, net: NetworkWatch, *, quiet_ms: int, deadline: float) -> list[str]:
    """Go on as soon as no request is in flight and neither the network nor the DOM has
    changed for ``quiet_ms`` (counted from before this call: after a scroll that is usually
    long since). Returns warnings when ``deadline`` comes first."""
    quiet = quiet_ms / 1000
    net_ok = dom_ok = False
    try:
        await _bounded(page.evaluate(WATCH_DOM_JS), deadline)
        while True:
            net_ok = net.quiet_for() >= quiet
            if net_ok:
                dom_ms = await _bounded(page.evaluate(DOM_QUIET_MS_JS), deadline)
                dom_ok = float(dom_ms) >= quiet_ms
                if dom_ok:
                    return []
            if time.monotonic() >= deadline:
                break
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
