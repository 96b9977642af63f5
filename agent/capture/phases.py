"""The browser phases of one capture, in order, each a function of the page.

``navigate`` is the only phase allowed to fail a capture (nothing answered, nothing to
keep). Every later phase returns what it got and the warnings to keep; the pipeline
(``agent.pipeline``) runs each one guarded and bounded, so a failure is a warning.

Time: every phase takes a ``deadline`` (``time.monotonic()`` seconds) and returns by it.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from agent.capture import chat as chat_history
from agent.capture.response import navigation_error, response_meta
from agent.capture.screenshot import SCALE, full_page
from agent.capture.scripts import CHECKED_BOXES_JS, PII_BOXES_JS, PRICE_HINTS_JS
from agent.capture.settle import (
    PAGE_ANSWER_S,
    NetworkWatch,
    PageHung,
    page_height,
    scroll_through,
    wait_quiet,
)
from agent.errors import CaptureError
from agent.settings import Settings
from storage.evidence.screenmask import patterns as pii_patterns


@dataclass
class Answer:
    """What the server answered for the page itself, read as soon as it answered."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    server: dict[str, Any] | None = None
    tls: dict[str, Any] | None = None
    redirects: list[dict[str, Any]] = field(default_factory=list)
    response_url: str | None = None
    warnings: list[str] = field(default_factory=list)


async def bounded(coro: Any, deadline: float, *, least: float = 0.05) -> Any:
    """Await ``coro`` until ``deadline``; a page that does not answer by then raises PageHung."""
    wait = max(least, deadline - time.monotonic())
    try:
        return await asyncio.wait_for(coro, wait)
    except TimeoutError:
        raise PageHung(f"the page did not answer within {min(wait, PAGE_ANSWER_S):.1f} s") from None


async def navigate(page: Any, url: str, *, deadline: float) -> Any:
    """Go to ``url``; the response (None for a file). The one phase that fails a capture."""
    from playwright.async_api import Error as PlaywrightError

    try:
        response = await page.goto(url, wait_until="commit",
                                   timeout=max(1000.0, (deadline - time.monotonic()) * 1000))
    except PlaywrightError as exc:
        raise CaptureError(navigation_error(url, exc)) from None
    if response is None and not url.startswith("file:"):
        raise CaptureError(f"no response from {url}")
    return response


async def answer(response: Any, *, deadline: float) -> Answer:
    """What the server answered, read right after navigation, while Playwright still holds
    the response (on pages with hundreds of requests it lets old ones go)."""
    if response is None:
        return Answer()
    return Answer(**await bounded(response_meta(response), deadline, least=2.0))


async def load(page: Any, *, deadline: float) -> list[str]:
    try:
        await page.wait_for_load_state("load", timeout=max(100.0, (deadline - time.monotonic()) * 1000))
    except Exception:
        return ["load: the page had not finished loading at the time bound; kept as rendered"]
    return []


def viewport(page: Any, settings: Settings) -> dict[str, int]:
    """The page's viewport: the settings', or the device's a capture poses as."""
    return page.viewport_size or {"width": settings.get("browser", "viewport_width"),
                                  "height": settings.get("browser", "viewport_height")}


async def scroll(page: Any, net: NetworkWatch, settings: Settings, *, deadline: float) -> list[str]:
    """Scroll through the page so that lazy content loads."""
    if not settings.get("capture", "scroll"):
        return []
    end = min(deadline, time.monotonic() + settings.get("capture", "settle") + 30)
    return await scroll_through(
        page, net, step=max(200, viewport(page, settings)["height"] - 100),
        delay_ms=settings.get("capture", "scroll_delay_ms"),
        max_height=settings.get("capture", "max_height"), deadline=end,
    )


async def chat(page: Any, settings: Settings, *, deadline: float) -> chat_history.ChatRun:
    """Wait for a chat's thread (in any frame), load its older messages back to the start
    or a bound, and collect every row on the way."""
    return await chat_history.load_history(page, deadline=deadline, settings=settings)


async def settle(page: Any, net: NetworkWatch, settings: Settings, *, deadline: float) -> list[str]:
    end = min(deadline, time.monotonic() + settings.get("capture", "settle"))
    return await wait_quiet(page, net, quiet_ms=settings.get("capture", "quiet_ms"), deadline=end)


def unicode_text(value: Any) -> str:
    """Page text as Python text that encodes as UTF-8: a page's script can leave lone
    surrogates in the DOM, which no UTF-8 file can hold (each becomes "?")."""
    return str(value or "").encode("utf-8", "replace").decode("utf-8")


async def html(page: Any, *, deadline: float) -> str:
    return unicode_text(await bounded(page.content(), deadline))


async def text(page: Any, *, deadline: float) -> str:
    return unicode_text(await bounded(
        page.evaluate("() => document.body ? document.body.innerText : ''"), deadline))


async def title(page: Any, *, deadline: float) -> str:
    return unicode_text(await bounded(page.title(), deadline))


async def user_agent(page: Any, *, deadline: float) -> str | None:
    return await bounded(page.evaluate("() => navigator.userAgent"), deadline)


async def price_hints(page: Any, *, deadline: float) -> list[dict[str, Any]] | None:
    """Where and how big the visible prices are drawn (only a browser knows)."""
    return await bounded(page.evaluate(PRICE_HINTS_JS), deadline)


async def checked_boxes(page: Any, *, deadline: float) -> list[dict[str, Any]] | None:
    """Whether each checkbox and radio is ticked in the live page (a checkout's add-ons):
    the saved HTML has only their default."""
    return await bounded(page.evaluate(CHECKED_BOXES_JS), deadline)


async def expand_chat(thread: chat_history.Thread | None, *, deadline: float) -> chat_history.Finished:
    """The document the chat record is read from (when the page's DOM will not do), then
    the thread grown to its full height, in its frame too, for the full-page screenshot."""
    return await bounded(chat_history.finish(thread, deadline=deadline), deadline)


async def pii_boxes(page: Any, *, deadline: float) -> dict[str, Any] | None:
    """Where personal data is drawn, for ``--redact`` to paint over later (in CSS px; the
    screenshot has one pixel per CSS px whatever the device's pixel ratio)."""
    found = await bounded(page.evaluate(PII_BOXES_JS, pii_patterns()), deadline)
    return {**found, "dpr": 1} if isinstance(found, dict) and SCALE == "css" else found


async def screenshot(page: Any, settings: Settings, *, deadline: float,
                     gate: asyncio.Semaphore | None = None) -> tuple[bytes, list[str]]:
    """The full-page PNG; ``gate`` is held while a page too tall for one shot is shot."""
    height = await page_height(page, deadline)
    return await bounded(full_page(
        page, height=height, viewport_width=viewport(page, settings)["width"],
        max_height=settings.get("capture", "max_height"),
        single_shot_max=settings.get("capture", "single_shot_max"),
        timeout_ms=max(500.0, (deadline - time.monotonic()) * 1000), gate=gate,
    ), deadline, least=0.5)


__all__ = ["PAGE_ANSWER_S", "Answer", "NetworkWatch", "PageHung", "bounded", "chat", "checked_boxes",
           "expand_chat", "html",
           "answer", "load", "navigate", "pii_boxes", "price_hints", "screenshot", "scroll", "settle",
           "text", "title", "user_agent"]
