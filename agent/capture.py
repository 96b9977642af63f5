"""Capturing one page: navigate, scroll, settle, then keep every artifact.

``Capturer`` owns one browser, reused across URLs; each capture gets a fresh context,
so nothing (cookies, cache, storage) leaks from one page into the next.
"""
from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent import __version__, chatcapture, screenmask
from agent import screenshot as shots
from agent.browser import launch
from agent.errors import CaptureError, first_line
from agent.records import PRICE_HINTS_JS, build_record, mark_blocked
from agent.response import navigation_error, response_meta, rfc3339
from agent.sessions import Session
from agent.settings import Settings
from agent.settle import NetworkWatch, page_height, scroll_through, wait_quiet
from agent.warc import PayloadLookup, har_to_warc
from storage import Artifact

SCHEMA = "jianyipai.snapshot/1"
KINDS = ("listing", "chat", "page")
MEDIA = {
    "screenshot": "image/png",
    "html": "text/html; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "warc": "application/warc+gzip",
    "record": "application/json",
}


@dataclass
class Capture:
    """What one capture produced, before the store gives it an id."""

    manifest: dict[str, Any]
    artifacts: list[Artifact]
    record: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Laps:
    """Seconds spent in each phase of a capture, for the manifest and the benchmark."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.monotonic()

    def __call__(self, name: str) -> None:
        now = time.monotonic()
        self.laps[name] = round(now - self._last, 3)
        self._last = now


class Capturer:
    """``async with Capturer(settings) as c: cap = await c.capture(url)``."""

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self.clock = clock
        self._pw_cm: Any = None
        self.browser: Any = None

    async def __aenter__(self) -> Capturer:
        from playwright.async_api import async_playwright

        self._pw_cm = async_playwright()
        pw = await self._pw_cm.__aenter__()
        try:
            s = self.settings
            self.browser = await launch(
                pw, s.get("browser", "path"), headless=s.get("browser", "headless"),
                extra_args=s.get("browser", "extra_args"),
            )
        except BaseException:
            await self._pw_cm.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self.browser is not None:
                await self.browser.close()
        finally:
            await self._pw_cm.__aexit__(None, None, None)

    async def capture(self, url: str, kind: str = "listing", *,
                      session: Session | None = None,
                      payload_origin: PayloadLookup | None = None) -> Capture:
        """``session``: a signed-in browser state (``jianyipai login``) to capture with.
        ``payload_origin(url, digest)``: where the store already holds a response body
        (``Store.payload_origin``); such responses become WARC revisit records."""
        s = self.settings
        started = self.clock()
        t0 = time.monotonic()
        deadline = t0 + s.get("capture", "timeout")
        with tempfile.TemporaryDirectory(prefix="jianyipai-") as tmp:
            har_path = Path(tmp) / "capture.har"
            context = await self.browser.new_context(
                viewport={"width": s.get("browser", "viewport_width"),
                          "height": s.get("browser", "viewport_height")},
                locale=s.get("browser", "locale"),
                timezone_id=s.get("browser", "timezone"),
                user_agent=s.get("browser", "user_agent"),
                ignore_https_errors=s.get("browser", "ignore_https_errors"),
                accept_downloads=False,
                service_workers="block",
                record_har_path=str(har_path),
                record_har_content="embed",
                storage_state=session.state if session is not None else None,
            )
            try:
                page = await context.new_page()
                result = await self._run(page, url, kind, deadline, started)
                t_close = time.monotonic()
            finally:
                try:
                    await asyncio.wait_for(context.close(), 30)
                except TimeoutError:
                    pass
            har = _read_har(har_path)

        manifest, artifacts, record, warnings = result
        warc, responses = har_to_warc(
            har, software=f"jianyipai/{__version__}",
            info={"browser": manifest["browser"]["version"], "isPartOf": url},
            payload_origin=payload_origin,
            keep={url, manifest["final_url"], *(hop["url"] for hop in manifest["redirects"])},
        )
        if responses == 0:
            warnings.append("warc: no network responses were recorded")
        artifacts.insert(3, Artifact("warc", warc, MEDIA["warc"]))
        manifest["timings"]["close_and_warc"] = round(time.monotonic() - t_close, 3)
        manifest["captured_at"] = rfc3339(started)
        manifest["duration_s"] = round(time.monotonic() - t0, 3)
        manifest["warnings"] = warnings
        if session is not None:
            manifest["session"] = session.name  # the name only: never the cookies
        return Capture(manifest, artifacts, record, warnings)

    async def _run(self, page: Any, url: str, kind: str, deadline: float,
                   started: datetime) -> tuple[dict[str, Any], list[Artifact], dict[str, Any], list[str]]:
        from playwright.async_api import Error as PlaywrightError

        s = self.settings
        warnings: list[str] = []
        net = NetworkWatch(page)
        lap = Laps()
        remaining_ms = max(1000.0, (deadline - time.monotonic()) * 1000)
        try:
            response = await page.goto(url, wait_until="commit", timeout=remaining_ms)
        except PlaywrightError as exc:
            raise CaptureError(navigation_error(url, exc)) from None
        if response is None and not url.startswith("file:"):
            raise CaptureError(f"no response from {url}")
        lap("navigate")

        try:
            await page.wait_for_load_state("load", timeout=max(100.0, (deadline - time.monotonic()) * 1000))
        except PlaywrightError:
            warnings.append("load: the page had not finished loading at the time bound; kept as rendered")
        lap("load")

        settle_end = min(deadline, time.monotonic() + s.get("capture", "settle") + 30)
        chat_info: dict[str, Any] | None = None
        if kind == "chat":
            # the history may take most of the time bound; keep some for the artifacts
            chat_end = deadline - min(15.0, s.get("capture", "timeout") * 0.25)
            chat_info, chat_warnings = await chatcapture.load_history(page, deadline=chat_end, settings=s)
            warnings += chat_warnings
        elif s.get("capture", "scroll"):
            warnings += await scroll_through(
                page, step=max(200, s.get("browser", "viewport_height") - 100),
                delay_ms=s.get("capture", "scroll_delay_ms"),
                max_height=s.get("capture", "max_height"), deadline=settle_end,
            )
        lap("scroll")
        quiet_end = min(deadline, time.monotonic() + s.get("capture", "settle"))
        warnings += await wait_quiet(page, net, quiet_ms=s.get("capture", "quiet_ms"), deadline=quiet_end)

        lap("settle")
        artifact_deadline = time.monotonic() + max(15.0, deadline - time.monotonic())
        html = await _guard(page.content(), artifact_deadline, "", warnings, "html")
        text = await _guard(page.evaluate("() => document.body ? document.body.innerText : ''"),
                            artifact_deadline, "", warnings, "text")
        title = await _guard(page.title(), artifact_deadline, "", warnings, "title")
        hints = None
        if kind == "listing":
            hints = await _guard(page.evaluate(PRICE_HINTS_JS), artifact_deadline, None, warnings,
                                 "price hints")
        lap("dom")
        if kind == "chat":
            warnings += await chatcapture.expand_thread(page)
        # where personal data is drawn, for --redact to paint over (after the chat expanded)
        pii = await _guard(page.evaluate(screenmask.PII_BOXES_JS, screenmask.patterns()),
                           artifact_deadline, None, warnings, "personal-data boxes")
        png = b""
        try:
            height = await page_height(page, artifact_deadline)
            png, shot_warnings = await asyncio.wait_for(shots.full_page(
                page, height=height, viewport_width=s.get("browser", "viewport_width"),
                max_height=s.get("capture", "max_height"),
                single_shot_max=s.get("capture", "single_shot_max"),
                timeout_ms=max(5000.0, (artifact_deadline - time.monotonic()) * 1000),
            ), max(5.0, artifact_deadline - time.monotonic() + 5))
            warnings += shot_warnings
        except Exception as exc:
            warnings.append(f"screenshot: failed ({first_line(exc)})")
        lap("screenshot")

        final_url = page.url
        meta = await response_meta(response)
        if final_url != meta.get("response_url") and meta.get("response_url"):
            warnings.append(f"navigation: the page moved on to {final_url} after loading")
        record = build_record(kind, html, final_url, status=meta["status"], title=title, hints=hints,
                              captured_at=started, timezone=s.get("browser", "timezone"))
        if blocked := mark_blocked(record, html, final_url, status=meta["status"], title=title, text=text):
            warnings.append(blocked)
        manifest: dict[str, Any] = {
            "schema": SCHEMA,
            "target": {"url": url, "kind": kind},
            "requested_url": url,
            "final_url": final_url,
            "redirects": meta["redirects"],
            "status": meta["status"],
            "headers": meta["headers"],
            "server": meta["server"],
            "tls": meta["tls"],
            "browser": {"name": "chromium", "version": self.browser.version},
            "user_agent": await _guard(page.evaluate("() => navigator.userAgent"), artifact_deadline,
                                       None, warnings, "user agent"),
            "viewport": {"width": s.get("browser", "viewport_width"),
                         "height": s.get("browser", "viewport_height")},
            "locale": s.get("browser", "locale"),
            "timezone": s.get("browser", "timezone"),
            "options": {
                "timeout_s": s.get("capture", "timeout"), "settle_s": s.get("capture", "settle"),
                "quiet_ms": s.get("capture", "quiet_ms"), "scroll": s.get("capture", "scroll"),
                "max_height": s.get("capture", "max_height"),
                "single_shot_max": s.get("capture", "single_shot_max"),
                "ignore_https_errors": s.get("browser", "ignore_https_errors"),
            },
            "title": record.get("title") or title or None,
            "tool": {"name": "jianyipai", "version": __version__},
            "timings": lap.laps,
        }
        if chat_info is not None:
            manifest["chat"] = chat_info
        artifacts = [
            Artifact("screenshot", png, MEDIA["screenshot"]),
            Artifact("html", html.encode("utf-8"), MEDIA["html"]),
            Artifact("text", text.encode("utf-8"), MEDIA["text"]),
            Artifact("record", _json_bytes(record), MEDIA["record"]),
        ]
        layout = {**({"price_hints": hints} if hints is not None else {}), **screenmask.layout_entry(pii)}
        if layout:
            artifacts.append(Artifact("layout", _json_bytes(layout), MEDIA["record"]))
        if not png:
            artifacts.pop(0)
        return manifest, artifacts, record, warnings


def _json_bytes(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


async def _guard(coro: Any, deadline: float, default: Any, warnings: list[str], what: str) -> Any:
    try:
        return await asyncio.wait_for(coro, max(1.0, deadline - time.monotonic()))
    except Exception as exc:
        warnings.append(f"{what}: could not be read ({first_line(exc)})")
        return default


def _read_har(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {"log": {"entries": []}}
