"""Bringing a page to rest: scroll through it for lazy content, then wait for quiet.

Every wait here is bounded by a deadline (``time.monotonic()`` seconds); when a bound is
hit the page is taken as it is and the caller records a warning.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any

from agent.capture.scripts import DOM_STILL_JS, HEIGHT_JS, SCROLL_RUN_JS, WATCH_DOM_JS
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
        self._changed = asyncio.Event()
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
        self._change()

    def _end(self, request: Any) -> None:
        self.inflight.discard(request)
        self._change()

    def _change(self) -> None:
        self.last = time.monotonic()
        self._changed.set()

    def _socket(self, ws: Any) -> None:
        self._sockets.append(ws)
        ws.on("framesent", self._sent)
        ws.on("framereceived", self._received)

    def _sent(self, _payload: Any) -> None:
        self.ws_waiting += 1
        self.started += 1
        self._change()

    def _received(self, _payload: Any) -> None:
        self.ws_waiting = max(0, self.ws_waiting - 1)
        self._change()

    def quiet_for(self) -> float:
        """Seconds since the network last changed; 0 while anything is in flight."""
        return 0.0 if self.busy else time.monotonic() - self.last

    @property
    def busy(self) -> bool:
        return bool(self.inflight) or self.ws_waiting > 0

    async def until_quiet(self, quiet: float, deadline: float) -> bool:
        """Wait until nothing is in flight and nothing has changed for ``quiet`` seconds;
        False when ``deadline`` comes first. Wakes on the network's own events, never polls."""
        while True:
            now = time.monotonic()
            if not self.busy and now - self.last >= quiet:
                return True
            if now >= deadline:
                return False
            wait = deadline - now if self.busy else min(deadline - now, quiet - (now - self.last))
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), wait)
            except TimeoutError:
                pass

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


async def dom_still(page: Any, quiet: float, deadline: float) -> float:
    """Seconds the DOM has been still, once that reaches ``quiet`` (or at ``deadline``, or
    after a few seconds at most, for the caller to look at the network again). The page
    waits on its own timer: one call, however long the wait."""
    most = max(0.0, min(deadline - time.monotonic(), PAGE_ANSWER_S - 2.0))
    ms = await _answered(page.evaluate(DOM_STILL_JS, [quiet * 1000, most * 1000]), most, deadline)
    if ms is None:  # a new document without the watch: it has just changed
        await _bounded(page.evaluate(WATCH_DOM_JS), deadline)
        return 0.0
    return float(ms) / 1000


async def until_still(page: Any, net: NetworkWatch, quiet: float, deadline: float) -> tuple[bool, bool]:
    """Wait until no request is in flight and neither the network nor the DOM has changed
    for ``quiet`` seconds (counted from before the call). Returns (network quiet, DOM still)
    as they were when it returned: both True, or ``deadline`` came."""
    net_ok = dom_ok = False
    while True:
        net_ok = await net.until_quiet(quiet, deadline)
        if not net_ok:
            return False, dom_ok
        dom_ok = await dom_still(page, quiet, deadline) >= quiet
        net_ok = not net.busy and net.quiet_for() >= quiet
        if dom_ok and net_ok:
            return True, True
        if time.monotonic() >= deadline:
            return net_ok, dom_ok


# At the bottom, wait at most this long for what is still loading (it may make the page
# taller); still for STEP_QUIET_S counts as done.
STEP_WAIT_S = 1.5
STEP_QUIET_S = 0.15
# Scrolling runs in the page, as many steps as fit in this (the page answers between calls).
SCROLL_CALL_S = 2.0


def _at_bottom(state: dict[str, Any], max_height: int) -> bool:
    return state["y"] + state["viewport"] >= min(state["height"], max_height) - 2


async def scroll_through(page: Any, net: NetworkWatch, *, step: int, delay_ms: int,
                         max_height: int, deadline: float) -> list[str]:
    """Scroll down a viewport at a time so lazy content loads, a frame per step (the steps
    run in the page, many per call); at the bottom wait while what the steps started
    is still going (it may make the page taller); stop once the bottom is reached and stays
    put, or at ``max_height``, or where the page will not scroll further. Returns warnings."""
    warnings: list[str] = []
    try:
        await _bounded(page.evaluate(WATCH_DOM_JS), deadline)
        while True:
            if time.monotonic() >= deadline:
                warnings.append("scroll: stopped at the time bound before the bottom of the page")
                break
            budget = max(0.0, min(SCROLL_CALL_S, deadline - time.monotonic()))
            # a step lets a frame pass, so lazy loaders see it and start their requests;
            # those finish while the next steps run (settling waits for the rest), and
            # content they add is seen in the height the next step reads
            state = await _scroll_call(page, [step, max_height, delay_ms, budget * 1000], budget, deadline)
            if not (_at_bottom(state, max_height) or state["stuck"]):
                continue
            # at the bottom (or where it will not scroll): what is still loading may make
            # the page taller
            stuck, height = state["stuck"], state["height"]
            await until_still(page, net, STEP_QUIET_S, min(deadline, time.monotonic() + STEP_WAIT_S))
            state = await _scroll_call(page, [step, max_height, 0, 0], 0.0, deadline)
            if _at_bottom(state, max_height) or (stuck and state["height"] == height):
                break
        await _bounded(page.evaluate("() => window.scrollTo(0, 0)"), deadline)
    except PageHung:
        raise
    except TimeoutError:
        warnings.append("scroll: stopped at the time bound before the bottom of the page")
    except Exception as exc:  # the page navigated or closed under us
        warnings.append(f"scroll: interrupted ({first_line(exc)})")
    return warnings


async def _scroll_call(page: Any, args: list[Any], budget: float, deadline: float) -> dict[str, Any]:
    return await _answered(page.evaluate(SCROLL_RUN_JS, args), budget, deadline)


async def _answered(coro: Any, takes: float, deadline: float) -> Any:
    """Await a page call that itself takes up to ``takes`` seconds: TimeoutError at
    ``deadline``, PageHung when it takes PAGE_ANSWER_S longer than it should."""
    left = deadline - time.monotonic()
    try:
        return await asyncio.wait_for(coro, max(0.05, min(left, takes + PAGE_ANSWER_S)))
    except TimeoutError:
        if left > takes + PAGE_ANSWER_S:
            raise PageHung(f"the page did not answer for {PAGE_ANSWER_S:g} s") from None
        raise


async def wait_quiet(page: Any, net: NetworkWatch, *, quiet_ms: int, deadline: float) -> list[str]:
    """Go on as soon as no request is in flight and neither the network nor the DOM has
    changed for ``quiet_ms`` (counted from before this call: after a scroll that is usually
    long since, and then it returns at once). Returns warnings when ``deadline`` comes first."""
    net_ok = dom_ok = False
    try:
        await _bounded(page.evaluate(WATCH_DOM_JS), deadline)
        net_ok, dom_ok = await until_still(page, net, quiet_ms / 1000, deadline)
        if net_ok and dom_ok:
            return []
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
