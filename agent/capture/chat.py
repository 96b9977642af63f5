"""Chat pages: load the whole history, then show the whole thread for the screenshot.

A chat window shows its newest messages and loads older ones, a page at a time and often
slowly, when its message list is scrolled to the top. :func:`load_history` finds that
scroll container (from a chat profile, else the scrollable element holding the longest
run of repeated rows), scrolls it to the top again and again, and waits each time for
older messages to arrive. It stops at the start of the history (a start marker such as
没有更多消息了), when scrolling brings nothing new ``chat.stall_limit`` times, or at a bound
(time, pages, messages), and says which in the manifest's ``chat`` entry:

    {"history": "start" | "stalled" | "bound" | "none", "bound": "time" | "pages" |
     "messages" (only when history is "bound"), "pages_loaded": N, "messages_seen": N,
     "container": how it was found, "scrolls": N}

:func:`expand_thread` then lets the scroll container grow to its full height, so the
full-page screenshot shows the whole thread rather than the visible window of it.
"""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from agent.capture.scripts import EXPAND_JS, FIND_JS, IMAGES_DONE_JS, SCROLL_JS, STATE_JS
from agent.errors import first_line
from agent.settings import Settings
from extractors.chat_profiles import all_chat_profiles
from extractors.sites import host_of

MIN_WAIT_S = 0.6  # a scroll that started no request within this long brings nothing
NET_TAIL_S = 0.4  # after the last response, give the page this long to render it
SETTLE_S = 0.2  # rows must stay still this long before a page counts as arrived
EXPAND_WAIT_S = 4.0

def _specs() -> list[dict[str, Any]]:
    return [p.browser_spec() for p in all_chat_profiles()]


class _Net:
    """Requests in flight on the page while history loads (listeners removed on close)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.inflight: set[Any] = set()
        self.last = time.monotonic()
        self.started = 0
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)

    def _start(self, request: Any) -> None:
        self.inflight.add(request)
        self.started += 1
        self.last = time.monotonic()

    def _end(self, request: Any) -> None:
        self.inflight.discard(request)
        self.last = time.monotonic()

    def close(self) -> None:
        for event, handler in (("request", self._start), ("requestfinished", self._end),
                               ("requestfailed", self._end)):
            try:
                self.page.remove_listener(event, handler)
            except Exception:
                pass


async def _eval(page: Any, js: str, arg: Any = None, *, deadline: float) -> Any:
    budget = max(0.5, min(10.0, deadline - time.monotonic() + 1.0))
    if arg is None:
        return await asyncio.wait_for(page.evaluate(js), budget)
    return await asyncio.wait_for(page.evaluate(js, arg), budget)


def _grew(now: dict[str, Any], before: dict[str, Any]) -> bool:
    return now["count"] > before["count"] or now["first"] != before["first"] or \
        now["height"] > before["height"] + 4


async def _wait_for_older(page: Any, net: _Net, before: dict[str, Any], *, page_wait: float,
                          deadline: float) -> tuple[bool, dict[str, Any] | None]:
    """After one scroll to the top: (did older messages arrive, the state then)."""
    t0 = time.monotonic()
    started = net.started
    end = min(deadline, t0 + page_wait)
    state: dict[str, Any] | None = before
    changed_at: float | None = None
    last_sig: tuple[Any, ...] | None = None
    while True:
        await asyncio.sleep(0.1)
        state = await _eval(page, STATE_JS, deadline=deadline)
        now = time.monotonic()
        if state is None:
            return False, None
        sig = (state["count"], state["first"], state["height"])
        if _grew(state, before):
            if sig != last_sig:
                changed_at, last_sig = now, sig
            if not state["loading"] and not net.inflight and now - changed_at >= SETTLE_S:
                return True, state
        elif state["start"] and not state["loading"]:
            return False, state
        elif not state["loading"] and not net.inflight and now - t0 >= MIN_WAIT_S and \
                (net.started == started or now - net.last >= NET_TAIL_S):
            return False, state
        if now >= end:
            return _grew(state, before), state


async def load_history(page: Any, *, deadline: float, settings: Settings) -> tuple[dict[str, Any], list[str]]:
    """Scroll the thread back to its start or a bound; return (manifest info, warnings)."""
    max_pages = settings.get("chat", "max_pages")
    max_messages = settings.get("chat", "max_messages")
    page_wait = settings.get("chat", "page_wait")
    stall_limit = settings.get("chat", "stall_limit")
    warnings: list[str] = []
    info: dict[str, Any] = {"history": "none", "pages_loaded": 0, "messages_seen": 0,
                            "container": None, "scrolls": 0}
    try:
        found = await _eval(page, FIND_JS, {"specs": _specs(), "host": host_of(page.url) or "",
                                             "url": page.url}, deadline=deadline)
    except Exception as exc:
        warnings.append(f"chat: could not look for the message list ({first_line(exc)})")
        return info, warnings
    if not found or not found.get("how"):
        warnings.append("chat: no scrollable message list found on the page (is it a chat "
                        "window?); captured as it is, without loading older messages")
        return info, warnings
    info["container"] = found["how"]
    net = _Net(page)
    state: dict[str, Any] | None = None
    stalls = 0
    try:
        while True:
            state = await _eval(page, STATE_JS, deadline=deadline)
            if state is None:
                warnings.append("chat: the message list left the page while loading history")
                break
            info["messages_seen"] = state["count"]
            if state["start"]:
                info["history"] = "start"
                break
            bound = None
            if time.monotonic() >= deadline:
                bound = ("time", "at the time bound (raise capture.timeout or --timeout)")
            elif info["pages_loaded"] >= max_pages:
                bound = ("pages", f"after {max_pages} pages (chat.max_pages)")
            elif state["count"] >= max_messages:
                bound = ("messages", f"at {state['count']} messages (chat.max_messages {max_messages})")
            if bound is not None:
                info["history"], info["bound"] = "bound", bound[0]
                warnings.append(f"chat: stopped loading older messages {bound[1]}; the start of "
                                f"the thread was not reached ({state['count']} messages loaded)")
                break
            await _eval(page, SCROLL_JS, deadline=deadline)
            info["scrolls"] += 1
            grew, after = await _wait_for_older(page, net, state, page_wait=page_wait,
                                                deadline=deadline)
            if after is not None and after["start"]:
                info["messages_seen"] = after["count"]
                if grew:
                    info["pages_loaded"] += 1
                info["history"] = "start"
                break
            if grew:
                info["pages_loaded"] += 1
                stalls = 0
                continue
            stalls += 1
            if stalls >= stall_limit:
                info["history"] = "stalled"
                if after is not None:
                    info["messages_seen"] = after["count"]
                warnings.append(
                    f"chat: no start-of-history marker; stopped after {stall_limit} scrolls to "
                    f"the top brought nothing new ({info['messages_seen']} messages loaded), "
                    "which is most likely, but not certainly, the start of the thread")
                break
    except TimeoutError:
        info["history"], info["bound"] = "bound", "time"
        warnings.append("chat: the page stopped answering while loading older messages; "
                        "kept what had loaded")
    except Exception as exc:  # the page navigated or closed under us
        info["history"], info["bound"] = "bound", "error"
        warnings.append(f"chat: loading older messages was interrupted ({first_line(exc)})")
    finally:
        net.close()
    return info, warnings


async def expand_thread(page: Any) -> list[str]:
    """Make the whole thread part of the page's height, for the full-page screenshot."""
    deadline = time.monotonic() + EXPAND_WAIT_S
    try:
        result = await _eval(page, EXPAND_JS, deadline=deadline)
    except Exception as exc:
        return [f"screenshot: could not expand the chat's message list ({first_line(exc)}); "
                "the screenshot may show only part of the thread"]
    state = (result or {}).get("state")
    if state != "expanded":
        return []
    try:
        while time.monotonic() < deadline:
            if await _eval(page, IMAGES_DONE_JS, deadline=deadline):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.05)
        after = await _eval(page, "() => { const b = window.__jianyipaiChat.box; "
                                  "return {scroll: b.scrollHeight, client: b.clientHeight}; }",
                            deadline=deadline)
    except Exception as exc:
        return [f"screenshot: the chat's message list changed while expanding ({first_line(exc)})"]
    if after["client"] + 2 < after["scroll"]:
        return [f"screenshot: the chat's message list could not be fully expanded; it shows "
                f"{after['client']} of {after['scroll']} px of the thread ({json.dumps(result['before'])})"]
    return []
