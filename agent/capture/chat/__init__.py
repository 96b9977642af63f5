"""Chat pages: find the thread, load its whole history, collect every row, show it all.

A chat window fills its message list after ``load`` (XHR, WebSocket), shows its newest
messages and loads older ones, a page at a time and often slowly, when the list is
scrolled to the top. Some lists keep only the rows near the viewport in the DOM (windowed
lists); many sit in an <iframe> from the chat vendor's origin, or in a shadow root.

:func:`load_history`

1. waits for the thread (:mod:`agent.capture.chat.find`): every frame, open shadow roots,
   until it appears, the page goes quiet, or ``capture.settle`` passes;
2. scrolls it back: straight to the top when the DOM holds every row, one viewport at a
   time when the list is windowed (its rows cover much less than its scroll height, or
   rows already read have left the DOM), each time waiting for older messages;
3. reads the rows at every position (:mod:`agent.capture.chat.rows`), and, for a windowed
   list, shoots the list (:mod:`agent.capture.chat.screens`);
4. stops at the start of the history (a start marker such as 没有更多消息了), when
   scrolling brings nothing new ``chat.stall_limit`` times, or at a bound (time, pages,
   messages); when the page replaces the list, looks for it again and goes on.

The manifest's ``chat`` entry says how it went (see ``docs/chat.md``). :func:`finish`
then builds the document the record is read from, when the page's own DOM will not do
(a windowed list, a frame, a shadow root, rows drawn in another order than the DOM's), and
grows the list (and its frames) to full height for the full-page screenshot.
"""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from agent.capture.chat import frames as chat_frames
from agent.capture.chat.find import Look, find_thread
from agent.capture.chat.thread import Thread
from agent.capture.settle import NetworkWatch
from agent.errors import first_line
from agent.settings import Settings

__all__ = ["ChatRun", "Finished", "Thread", "finish", "load_history"]

MIN_WAIT_S = 0.6  # a scroll to the top that started no request within this long brings nothing
STEP_WAIT_S = 0.15  # a step that started no request within this long is done
NET_TAIL_S = 0.4  # after the last response, give the page this long to render it
SETTLE_S = 0.2  # rows must stay still this long before a page counts as arrived
EXPAND_WAIT_S = 4.0


@dataclass
class ChatRun:
    """What loading the history gave: the manifest's ``chat`` entry, warnings, the thread."""

    info: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    thread: Thread | None = None


def _not_found(look: Look) -> str:
    loading = [u for u in look.not_ready if u and u != "about:blank"]
    tail = ""
    if loading:
        tail = f"; {len(loading)} frame(s) never finished loading ({', '.join(loading[:3])})"
    return (f"chat: no scrollable message list found on the page or in its frames (is it a chat "
            f"window?){tail}; captured as it is, without loading older messages")


def _grew(now: dict[str, Any], before: dict[str, Any], step_mode: bool) -> bool:
    if step_mode:  # rows come and go as a windowed list scrolls; only its height tells
        return now["height"] > before["height"] + 4
    return now["count"] > before["count"] or now["first"] != before["first"] or \
        now["height"] > before["height"] + 4


async def _wait_for_older(thread: Thread, before: dict[str, Any], *, least: float, page_wait: float,
                          deadline: float) -> tuple[bool, dict[str, Any] | None]:
    """After a scroll: (did older messages arrive, the state then)."""
    net = thread.net
    t0 = time.monotonic()
    started = net.started
    end = min(deadline, t0 + page_wait)
    state: dict[str, Any] | None = before
    changed_at: float | None = None
    last_sig: tuple[Any, ...] | None = None
    while True:
        await asyncio.sleep(0.05 if least < MIN_WAIT_S else 0.1)
        state = await thread.state(deadline=deadline)
        now = time.monotonic()
        if state is None:
            return False, None
        sig = (state["count"], state["first"], state["height"])
        if _grew(state, before, thread.step_mode):
            if sig != last_sig:
                changed_at, last_sig = now, sig
            if not state["loading"] and not net.busy and now - (changed_at or now) >= SETTLE_S:
                return True, state
        elif state["start"] and not state["loading"]:
            return False, state
        elif not state["loading"] and not net.busy and now - t0 >= least and \
                (net.started == started or now - net.last >= NET_TAIL_S):
            return False, state
        if now >= end:
            return _grew(state, before, thread.step_mode), state


async def load_history(page: Any, *, deadline: float, settings: Settings) -> ChatRun:
    """Find the thread, scroll it back to its start or a bound, collecting every row."""
    info: dict[str, Any] = {"history": "none", "pages_loaded": 0, "messages_seen": 0,
                            "container": None, "scrolls": 0}
    run = ChatRun(info)
    t0 = time.monotonic()
    net = NetworkWatch(page)
    try:
        try:
            found, look = await find_thread(
                page, net, until=min(deadline, t0 + settings.get("capture", "settle")))
        except Exception as exc:
            run.warnings.append(f"chat: could not look for the message list ({first_line(exc)})")
            return run
        info["found_after_s"] = round(time.monotonic() - t0, 2)
        if found is None:
            run.warnings.append(_not_found(look))
            return run
        info["container"] = found.how
        thread = run.thread = Thread(page, found, net, info, settings)
        try:
            await _load(thread, info, run.warnings, deadline=deadline, settings=settings)
        except TimeoutError:
            info["history"], info["bound"] = "bound", "time"
            run.warnings.append("chat: the page stopped answering while loading older messages; "
                                "kept what had loaded")
        except Exception as exc:  # the page navigated or closed under us
            info["history"], info["bound"] = "bound", "error"
            run.warnings.append(f"chat: loading older messages was interrupted ({first_line(exc)})")
        info.update(thread.summary())
        info["messages_seen"] = max(info["messages_seen"], thread.collector.row_count)
        if thread.collector.gaps:
            run.warnings.append(f"chat: the list jumped while scrolling back; {thread.collector.gaps} "
                                "stretch(es) of the thread may be missing between the rows collected")
    finally:
        net.close()
    return run


async def _load(thread: Thread, info: dict[str, Any], warnings: list[str], *, deadline: float,
                settings: Settings) -> None:
    max_pages = settings.get("chat", "max_pages")
    max_messages = settings.get("chat", "max_messages")
    page_wait = settings.get("chat", "page_wait")
    stall_limit = settings.get("chat", "stall_limit")
    if not thread.found.scrollable:
        info["history"] = "static"  # the list does not scroll: what it shows is all it has
        await thread.collect(deadline=deadline)
        return
    first = await thread.state(deadline=deadline)
    if first is not None and first["sparse"]:
        thread.step_mode = True
        if not first["atBottom"]:  # windowed: start from the newest rows, then go up
            await thread.scroll("bottom", deadline=deadline)
    stalls = 0
    while True:
        state = await thread.state(deadline=deadline)
        if state is None:
            warnings.append("chat: the message list left the page while loading history, and "
                            "no other appeared; kept what had loaded")
            info["history"], info["bound"] = "bound", "gone"
            break
        await thread.collect(deadline=deadline)
        if thread.collector.windowed or state["sparse"]:
            thread.step_mode = True
        info["messages_seen"] = max(state["count"], thread.collector.row_count)
        if state["start"] and (not thread.step_mode or state["atTop"]):
            info["history"] = "start"
            break
        bound = None
        if time.monotonic() >= deadline:
            bound = ("time", "at the time bound (raise capture.timeout or --timeout)")
        elif info["pages_loaded"] >= max_pages:
            bound = ("pages", f"after {max_pages} pages (chat.max_pages)")
        elif info["messages_seen"] >= max_messages:
            bound = ("messages", f"at {info['messages_seen']} messages (chat.max_messages {max_messages})")
        if bound is not None:
            info["history"], info["bound"] = "bound", bound[0]
            warnings.append(f"chat: stopped loading older messages {bound[1]}; the start of "
                            f"the thread was not reached ({info['messages_seen']} messages loaded)")
            break
        stepping = thread.step_mode and not state["atTop"]
        await thread.scroll("up" if stepping else "top", deadline=deadline)
        info["scrolls"] += 1
        grew, after = await _wait_for_older(thread, state, least=STEP_WAIT_S if stepping else MIN_WAIT_S,
                                            page_wait=page_wait, deadline=deadline)
        if grew:
            info["pages_loaded"] += 1
            stalls = 0
        if stepping:
            continue
        if after is not None and after["start"] and not grew:
            info["history"] = "start"
            break
        if grew:
            continue
        stalls += 1
        if stalls >= stall_limit:
            info["history"] = "stalled"
            warnings.append(
                f"chat: no start-of-history marker; stopped after {stall_limit} scrolls to "
                f"the top brought nothing new ({info['messages_seen']} messages loaded), "
                "which is most likely, but not certainly, the start of the thread")
            break
    await thread.collect(deadline=deadline)


@dataclass
class Finished:
    """What :func:`finish` made: the record's document, warnings, personal-data boxes."""

    html: str | None = None
    warnings: list[str] = field(default_factory=list)
    boxes: list[dict[str, Any]] = field(default_factory=list)  # in frames, in page coordinates


async def finish(thread: Thread | None, *, deadline: float) -> Finished:
    """Build the record's document if the DOM will not do, then grow the thread to full
    height (inside its frame, and the frames with it) for the full-page screenshot, and
    say where personal data is drawn where the page's own pass cannot see (frames, shadow
    roots)."""
    done = Finished()
    if thread is None:
        return done
    end = min(deadline, time.monotonic() + EXPAND_WAIT_S)
    if thread.needs_document:
        try:
            rows = thread.collector.html_rows() if thread.collector.windowed else None
            done.html = await thread.call("document", {"rows": rows}, deadline=deadline)
        except Exception as exc:
            done.warnings.append(f"chat: could not build the thread's document ({first_line(exc)}); "
                                 "the record is read from the page as it is")
    thread.info["record_from"] = "thread" if done.html else "page"
    # a windowed list draws only its viewport, however tall: its shots are the evidence
    grown = False if thread.collector.windowed else await _expand(thread, done, end)
    try:
        if not thread.found.main:
            done.boxes = await chat_frames.frame_boxes(thread.frame, deadline=end)
        elif thread.found.shadow:  # the page's own pass reads the light DOM only
            done.boxes = list((await chat_frames.pii_boxes(thread.frame, light=False, deadline=end))
                              .get("boxes") or [])
        if grown and not thread.found.main:
            thread.shots.parts = await chat_frames.paint_parts(thread.page, thread.frame, deadline=deadline)
    except Exception as exc:
        done.warnings.append(f"screenshot: the chat's frame could not be read for the screenshot "
                             f"({first_line(exc)}); it may show only part of the thread")
    return done


async def _expand(thread: Thread, done: Finished, end: float) -> bool:
    """Grow the list, and the frames that hold it; whether it was grown."""
    try:
        result = await thread.call("expand", deadline=end)
    except Exception as exc:
        done.warnings.append(f"screenshot: could not expand the chat's message list ({first_line(exc)}); "
                             "the screenshot may show only part of the thread")
        return False
    if (result or {}).get("state") != "expanded":
        return False
    try:
        while time.monotonic() < end:
            if await thread.call("images", deadline=end):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.05)
        after = await thread.call("rect", deadline=end)
        if not thread.found.main:
            await chat_frames.grow_frames(thread.frame, after["doc"], deadline=end)
    except Exception as exc:
        done.warnings.append(f"screenshot: the chat's message list changed while expanding ({first_line(exc)})")
        return False
    if after["client"] + 2 < after["scroll"]:
        done.warnings.append(
            f"screenshot: the chat's message list could not be fully expanded; it shows "
            f"{after['client']} of {after['scroll']} px of the thread ({json.dumps(result['before'])})")
    return True
