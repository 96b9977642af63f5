"""Finding a chat's message list: in every frame, through open shadow roots, and waiting
for it, because real chats fill their list after ``load`` (by XHR or a WebSocket).

:func:`find_thread` asks every frame of the page (cross-origin frames too: Playwright
evaluates in any of them) for its best candidate, again and again, until

- a candidate that scrolls and looks like a chat (a chat profile, or rows that show
  times) is there: taken at once;
- the page has gone quiet (no request or WebSocket message in flight, no element added or
  removed in any frame) for ``QUIET_S`` with no such candidate: the best one found is
  taken (a list that does not scroll, a list without times), or none;
- ``until``: the same.

Frames that did not answer or had not finished loading are named, so that "no message
list" can say which frame never loaded.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from agent.capture.chat.scripts import CHAT_LIB_JS
from agent.capture.settle import NetworkWatch
from extractors.chat_profiles import all_chat_profiles
from extractors.sites import host_of

FRAME_ANSWER_S = 1.5  # a frame that takes longer to answer one look is taken as not loaded
LOOK_EVERY_S = 0.25
QUIET_S = 2.0  # nothing moving for this long after load: the list is not coming


def specs() -> list[dict[str, Any]]:
    return [p.browser_spec() for p in all_chat_profiles()]


@dataclass
class Found:
    """The frame holding the thread, and what ``find`` said about it."""

    frame: Any
    how: str
    rows: int
    scrollable: bool
    shadow: bool
    main: bool
    url: str
    score: float = 0.0

    @property
    def chat_like(self) -> bool:
        return self.scrollable and (self.how.startswith("profile:") or self.score >= 1.3 * self.rows)


@dataclass
class Look:
    """One look at every frame."""

    found: list[Found] = field(default_factory=list)
    nodes: int = 0
    not_ready: list[str] = field(default_factory=list)  # frames that did not answer or load


async def call(frame: Any, fn: str, arg: dict[str, Any] | None = None, *, budget: float) -> Any:
    """Run one function of the in-page chat library in ``frame``."""
    return await asyncio.wait_for(frame.evaluate(CHAT_LIB_JS, {"fn": fn, "arg": arg or {}}),
                                  max(0.2, budget))


async def _name(frame: Any) -> str:
    """A frame's address; for one whose document never arrived, its <iframe>'s src."""
    if frame.url and frame.url != "about:blank":
        return str(frame.url)
    try:
        element = await asyncio.wait_for(frame.frame_element(), 0.5)
        try:
            src = await asyncio.wait_for(element.get_attribute("src"), 0.5)
        finally:
            await element.dispose()
        return str(src or "about:blank")
    except Exception:
        return "about:blank"


async def _ask(frame: Any, arg: dict[str, Any], budget: float) -> Any:
    try:
        return await call(frame, "find", arg, budget=min(FRAME_ANSWER_S, budget))
    except Exception:  # not answering, navigating, detached: look again next time
        return None


async def _look(page: Any, arg: dict[str, Any], budget: float) -> Look:
    look = Look()
    main = page.main_frame
    frames = [f for f in page.frames if not f.is_detached()]
    answers = await asyncio.gather(*(_ask(f, arg, budget) for f in frames))
    for frame, res in zip(frames, answers, strict=True):
        if not isinstance(res, dict) or (res.get("ready") != "complete" and frame is not main):
            look.not_ready.append(await _name(frame) if frame is not main else frame.url)
        if not isinstance(res, dict):
            continue
        look.nodes += int(res.get("nodes") or 0)
        if res.get("how"):
            look.found.append(Found(frame, str(res["how"]), int(res.get("n") or 0),
                                    bool(res.get("scrollable")), bool(res.get("shadow")),
                                    frame is main, frame.url,
                                    float(res.get("n") or 0) * (1 + float(res.get("timed") or 0))))
    return look


def _best(found: list[Found]) -> Found | None:
    if not found:
        return None
    return max(found, key=lambda f: (f.how.startswith("profile:"), f.scrollable, f.score, f.main))


async def find_thread(page: Any, net: NetworkWatch, *, until: float) -> tuple[Found | None, Look]:
    """The frame and list of the thread, waiting for it as long as the page is still busy."""
    arg = {"specs": specs(), "host": host_of(page.url) or "", "url": page.url}
    t0 = time.monotonic()
    last_nodes = -1
    changed = t0
    while True:
        now = time.monotonic()
        look = await _look(page, arg, max(0.2, until - now))
        best = _best(look.found)
        if best is not None and best.chat_like:
            return best, look
        now = time.monotonic()
        if look.nodes != last_nodes:
            last_nodes, changed = look.nodes, now
        quiet = not net.busy and now - max(changed, net.last) >= QUIET_S and not look.not_ready
        if now >= until or quiet:
            # the page is done (or out of time): the best there is, if it can be read at all
            return best, look
        await asyncio.sleep(min(LOOK_EVERY_S, max(0.0, until - time.monotonic())))
