"""Signing in by hand: a browser window for the user, its storage state saved afterwards.

``jianyipai login URL`` opens a headed Chromium at URL. The user signs in as usual (a
password, an SMS code, a QR code scanned with the shop's app) and then presses Enter in
the terminal or closes the window. The context's storage state (cookies, local storage)
is read every few seconds while the window is open, so closing the window keeps what the
last read saw.
"""
from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from agent.capture.browser import context_options, launch
from agent.errors import UsageError, first_line
from agent.settings import Settings

POLL_S = 2.0


def has_display(env: dict[str, str] | None = None) -> bool:
    env = dict(os.environ) if env is None else env
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def _on_enter(loop: asyncio.AbstractEventLoop, event: asyncio.Event) -> None:
    """Set ``event`` when a line arrives on stdin (a daemon thread: never blocks exit).

    End of input (stdin closed or /dev/null) is not Enter: then only closing the window
    or the time bound ends the wait.
    """
    def run() -> None:
        try:
            line = sys.stdin.readline()
        except (OSError, ValueError):
            return
        if line:
            loop.call_soon_threadsafe(event.set)

    threading.Thread(target=run, name="login-enter", daemon=True).start()


async def sign_in(settings: Settings, url: str, *, timeout: float,
                  say: Callable[[str], None]) -> dict[str, Any]:
    """Open URL in a window, wait for the user, return the storage state it ended with."""
    if not has_display():
        raise UsageError("no display to open a browser window on (DISPLAY is not set); on a "
                         "machine without one, sign in on another computer, save the storage "
                         "state there and run `jianyipai login --import FILE`")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await launch(pw, settings.get("browser", "path"), headless=False,
                               extra_args=settings.get("browser", "extra_args"))
        try:
            # a window of the user's size: no fixed viewport
            context = await browser.new_context(**context_options(settings, viewport=None))
            page = await context.new_page()
            closed = asyncio.Event()
            page.on("close", lambda _: closed.set())
            browser.on("disconnected", lambda _: closed.set())
            try:
                await page.goto(url, wait_until="load", timeout=60_000)
            except Exception as exc:
                say(f"note: the page did not finish loading ({first_line(exc)}); sign in anyway")
            say("Sign in in the browser window. Then press Enter here (or close the window).")
            state = await context.storage_state()
            done = asyncio.Event()
            _on_enter(asyncio.get_running_loop(), done)
            end = time.monotonic() + timeout
            while not closed.is_set() and not done.is_set():
                if time.monotonic() >= end:
                    raise UsageError(f"no sign-in finished within {timeout:g} s; nothing saved")
                waiters = [asyncio.ensure_future(closed.wait()), asyncio.ensure_future(done.wait())]
                await asyncio.wait(waiters, timeout=POLL_S, return_when=asyncio.FIRST_COMPLETED)
                for w in waiters:
                    w.cancel()
                if not closed.is_set():
                    try:
                        state = await context.storage_state()
                    except Exception:
                        break  # the window went away between two reads
            return state
        finally:
            try:
                await browser.close()
            except Exception:
                pass
