"""The capture pipeline: one URL in, one snapshot's manifest and named artifacts out.
``capture``, ``watch``, ``demo`` and the viewer all go through here (``agent.batch``
then commits it and runs what follows a commit).

    navigate ─► what the server answered ─► load ─► scroll | chat thread ─► settle
    ─► DOM, text, title, price hints | checked boxes, personal-data boxes ─► screenshot
    ─► close (HAR)
    ─► record ─► blocked? ─► layout ─► WARC ─► manifest

**Store first, warn later.** Only ``navigate`` may fail a capture (nothing answered), and a
capture where nothing at all could be read from the page. Every other step runs through
:class:`Steps`: bounded in time, and a failure becomes a ``warnings`` entry that names the
step and the error, while the snapshot is committed with what was obtained.

**The time bound is a bound.** ``capture.timeout`` runs from navigation to the commit.
Loading (load, scroll, chat thread, settle) ends ``reserve_for_artifacts`` seconds before
it, so the artifacts always get their share; a page that stops answering is noticed at its
first unanswered read and the remaining reads of the page are skipped.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent import __version__
from agent.capture import KINDS, phases
from agent.capture.browser import Chromium, Device, context_options, find_device, wanted_device
from agent.capture.chat.screens import compose as compose_chat_screens
from agent.capture.chat.thread import Thread as ChatThread
from agent.capture.sessions import Session
from agent.errors import CaptureError, first_line
from agent.records import QR_KINDS, add_qr_codes, build_record, mark_blocked, minimal_record
from agent.settings import Settings
from storage import Artifact
from storage.evidence import screenmask
from storage.times import rfc3339
from storage.warc.har import PayloadLookup, Warc, entry_body, har_to_warc
from storage.warc.revisits import Payload

SCHEMA = "jianyipai.snapshot/1"
__all__ = ["KINDS", "Capture", "Capturer"]
MEDIA = {
    "screenshot": "image/png",
    "html": "text/html; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "warc": "application/warc+gzip",
    "record": "application/json",
    "layout": "application/json",
    "chat_html": "text/html; charset=utf-8",
}
# Every step after navigation, in the order it runs (tests inject a failure into each).
STEPS = ("response", "load", "scroll", "chat", "settle", "html", "text", "title", "user agent",
         "price hints", "checked boxes", "expand chat", "personal-data boxes", "screenshot", "close", "record",
         "blocked", "qr codes", "layout", "warc")


def reserve_for_artifacts(timeout: float) -> float:
    """Seconds of the time bound kept for reading, shooting and archiving the page."""
    return min(20.0, max(3.0, timeout * 0.3))


class Steps:
    """Runs the steps of one capture: each bounded, each failure a warning, never a loss.

    ``inject`` (tests) maps a step name to an exception raised in place of the step.
    ``on_step`` (the viewer's progress) is told each step's name as it begins.
    Once a read of the page times out, the page is taken as hung and later page reads are
    skipped at once instead of each waiting out its own bound.
    """

    def __init__(self, inject: dict[str, BaseException] | None = None,
                 on_step: Callable[[str], None] | None = None) -> None:
        self.warnings: list[str] = []
        self.inject = inject or {}
        self.on_step = on_step
        self.hung = False
        self._laps: dict[str, float] = {}

    def warn(self, lines: list[str] | str) -> None:
        self.warnings.extend([lines] if isinstance(lines, str) else lines)

    async def page(self, name: str, make: Callable[[], Awaitable[Any]], default: Any) -> Any:
        """A step that reads the page (skipped once the page stopped answering)."""
        if self.hung:
            self.warn(f"{name}: skipped (the page had stopped answering)")
            return default
        return await self.run(name, make, default)

    async def run(self, name: str, make: Callable[[], Awaitable[Any]], default: Any) -> Any:
        t0 = time.monotonic()
        try:
            if self.on_step:
                self.on_step(name)
            if name in self.inject:
                raise self.inject[name]
            return await make()
        except phases.PageHung as exc:
            self.hung = True
            self.warn(f"{name}: {exc}; kept what was read before")
        except CaptureError:
            raise
        except Exception as exc:
            self.warn(f"{name}: failed ({first_line(exc)})")
        finally:
            self._laps[name] = round(self._laps.get(name, 0.0) + time.monotonic() - t0, 3)
        return default

    def call(self, name: str, fn: Callable[[], Any], default: Any) -> Any:
        """A step of plain Python (record, WARC …) after the page is closed."""
        t0 = time.monotonic()
        try:
            if name in self.inject:
                raise self.inject[name]
            return fn()
        except Exception as exc:
            self.warn(f"{name}: failed ({first_line(exc)})")
            return default
        finally:
            self._laps[name] = round(time.monotonic() - t0, 3)

    async def off(self, name: str, fn: Callable[[], Any], default: Any) -> Any:
        """A step of plain Python, run on a worker thread: the event loop goes on serving the
        other pages of a batch meanwhile (the extractors, the WARC, reading the HAR)."""
        t0 = time.monotonic()
        try:
            if self.on_step:
                self.on_step(name)
            if name in self.inject:
                raise self.inject[name]
            return await asyncio.to_thread(fn)
        except Exception as exc:
            self.warn(f"{name}: failed ({first_line(exc)})")
            return default
        finally:
            self._laps[name] = round(time.monotonic() - t0, 3)

    def lap(self, name: str, since: float) -> None:
        """Time a phase that is not a step (opening the page, navigating)."""
        self._laps[name] = round(self._laps.get(name, 0.0) + time.monotonic() - since, 3)

    @property
    def timings(self) -> dict[str, float]:
        return dict(self._laps)


@dataclass
class Capture:
    """What one capture produced, before the store gives it an id."""

    manifest: dict[str, Any]
    artifacts: dict[str, Artifact]
    record: dict[str, Any]
    warnings: list[str]
    payloads: list[Payload] = field(default_factory=list)


@dataclass
class Page:
    """What was read from the rendered page."""

    html: str | None = None
    text: str | None = None
    title: str = ""
    user_agent: str | None = None
    hints: list[dict[str, Any]] | None = None
    checks: list[dict[str, Any]] | None = None  # a checkout's boxes, ticked or not in the live page
    pii: dict[str, Any] | None = None
    png: bytes = b""
    chat: dict[str, Any] | None = None
    chat_thread: ChatThread | None = None  # the live thread (its frame, collected rows, shots)
    chat_html: str | None = None  # the document the chat record is read from, when not ``html``
    final_url: str = ""


def utc_now() -> datetime:
    return datetime.now(UTC)


class Capturer:
    """One browser for many captures: ``async with Capturer(settings) as c: await c.capture(url)``.

    Each capture gets a fresh browser context, so nothing (cookies, cache, storage) leaks
    from one page into the next.
    """

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self.clock = clock
        self._chromium = Chromium(settings)
        self.browser: Any = None
        # pages taller than one shot are shot one at a time: each holds a tall bitmap
        self.tall_shots = asyncio.Semaphore(1)

    async def __aenter__(self) -> Capturer:
        self.browser = await self._chromium.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._chromium.__aexit__(*exc)

    async def capture(self, url: str, kind: str = "listing", *, session: Session | None = None,
                      payload_origin: PayloadLookup | None = None,
                      device: str | None = None, device_why: str = "--device",
                      shared_text: str | None = None, job: dict[str, str] | None = None,
                      inject: dict[str, BaseException] | None = None,
                      on_step: Callable[[str], None] | None = None) -> Capture:
        """``session``: a signed-in browser state (``jianyipai login``) to capture with.
        ``payload_origin(url, digest)``: where the store already holds a response body;
        such responses become WARC revisit records. ``device``: the phone to pose as (a name
        of Playwright's device list; ``device_why`` says who asked), else the settings'
        desktop, or ``capture.mobile_device`` for a mobile host. ``shared_text``: the share
        message ``url`` was pasted in, kept in the manifest. ``job``: the task-queue job this
        capture runs (``{id, queue}``), kept in the manifest so that a job is committed once.
        ``on_step(name)``: told as each step begins (progress)."""
        s = self.settings
        wanted = wanted_device(s, url, device, device_why)
        phone = find_device(self._chromium.playwright.devices, *wanted) if wanted else None
        steps = Steps(inject, on_step)
        started = self.clock()
        t0 = time.monotonic()
        timeout = s.get("capture", "timeout")
        deadline = t0 + timeout
        loaded_by = deadline - reserve_for_artifacts(timeout)
        with tempfile.TemporaryDirectory(prefix="jianyipai-") as tmp:
            har_path = Path(tmp) / "capture.har"
            context = await self.browser.new_context(**context_options(
                s, phone, record_har_path=str(har_path), record_har_content="embed",
                storage_state=session.state if session is not None else None))
            try:
                page = await context.new_page()
                steps.lap("open", t0)
                answer, got = await self._browse(page, url, kind, steps, loaded_by, deadline)
            finally:
                await steps.run("close", lambda: _close(context, deadline), None)
            t_har = time.monotonic()
            har = await asyncio.to_thread(_read_har, har_path)
            steps.lap("read har", t_har)

        if got.html is None:
            got.html = _document_from_har(har, answer.response_url or got.final_url or url)
            if got.html is not None:
                steps.warn("html: the rendered page could not be read; kept the document as the "
                           "server sent it")
        if got.html is None and not got.png and not got.text:
            raise CaptureError(f"nothing could be read from {url}: "
                               + "; ".join(steps.warnings[-3:]))
        final_url = got.final_url or answer.response_url or url
        record = await steps.off("record", lambda: build_record(
            kind, got.chat_html or got.html or "", final_url, status=answer.status, title=got.title,
            hints=got.hints, captured_at=started, timezone=s.get("browser", "timezone"),
            checks=got.checks,
        ), None) or minimal_record(kind, final_url, got.title)
        record["status"] = answer.status
        if blocked := steps.call("blocked", lambda: mark_blocked(
                record, got.html or "", final_url, status=answer.status, title=got.title,
                text=got.text or ""), None):
            steps.warn(blocked)
        if kind in QR_KINDS and got.png:  # what is left of the time bound, a second at least
            qr_until = max(time.monotonic() + 1.0, deadline)
            steps.warn(await steps.off("qr codes", lambda: add_qr_codes(
                record, got.png, final_url, lambda urls: _bodies(har, urls), until=qr_until), []))
        origin = _on_loop(payload_origin)
        warc: Warc | None = await steps.off("warc", lambda: har_to_warc(
            har, software=f"jianyipai/{__version__}",
            info={"browser": self.browser.version, "isPartOf": url},
            payload_origin=origin,
            keep={url, final_url, *(hop["url"] for hop in answer.redirects)},
        ), None)
        if warc is not None and warc.responses == 0:
            steps.warn("warc: no network responses were recorded")
        artifacts = {
            "screenshot": got.png or None,
            "html": got.html.encode("utf-8") if got.html is not None else None,
            "text": got.text.encode("utf-8") if got.text is not None else None,
            "warc": warc.data if warc is not None else None,
            "record": json_bytes(record),
            "layout": steps.call("layout", lambda: _layout(got), None),
            "chat_html": got.chat_html.encode("utf-8", "replace") if got.chat_html is not None else None,
        }
        manifest = self._manifest(url, kind, final_url, answer, got, record, steps, started,
                                  session, time.monotonic() - t0, phone, shared_text, job)
        return Capture(manifest, {name: Artifact(name, data, MEDIA[name])
                                  for name, data in artifacts.items() if data is not None},
                       record, manifest["warnings"], warc.payloads if warc is not None else [])

    async def _browse(self, page: Any, url: str, kind: str, steps: Steps, loaded_by: float,
                      deadline: float) -> tuple[phases.Answer, Page]:
        """Every step that needs the live page; returns what the server answered and what was read."""
        s = self.settings
        net = phases.NetworkWatch(page)
        t_nav = time.monotonic()
        response = await phases.navigate(page, url, deadline=loaded_by)
        steps.lap("navigate", t_nav)
        answer = await steps.run("response", lambda: phases.answer(response, deadline=loaded_by),
                                 phases.Answer(response_url=getattr(response, "url", None)))
        steps.warn(answer.warnings)
        got = Page(final_url=page.url)
        # a chat waits for its thread itself: a widget frame that never loads must not hold it
        load_by = loaded_by if kind != "chat" else min(loaded_by, time.monotonic() + s.get("capture", "settle"))
        steps.warn(await steps.page("load", lambda: phases.load(page, deadline=load_by), []))
        if kind == "chat":
            run = await steps.page("chat", lambda: phases.chat(page, s, deadline=loaded_by), None)
            if run is not None:
                got.chat, got.chat_thread = run.info or None, run.thread
                steps.warn(run.warnings)
        else:
            steps.warn(await steps.page("scroll", lambda: phases.scroll(page, net, s, deadline=loaded_by), []))
        steps.warn(await steps.page("settle", lambda: phases.settle(page, net, s, deadline=loaded_by), []))
        # the artifacts: the screenshot gets what the other reads leave, less time to close
        shot_by = deadline - min(3.0, reserve_for_artifacts(s.get("capture", "timeout")) / 3)

        def reads_by() -> float:  # a page read may wait as long as a page ever needs to answer
            now = time.monotonic()
            return max(now + 1.0, min(shot_by - 1.0, now + phases.PAGE_ANSWER_S))
        got.html = await steps.page("html", lambda: phases.html(page, deadline=reads_by()), None)
        got.text = await steps.page("text", lambda: phases.text(page, deadline=reads_by()), None)
        got.title = await steps.page("title", lambda: phases.title(page, deadline=reads_by()), "")
        got.user_agent = await steps.page("user agent", lambda: phases.user_agent(page, deadline=reads_by()), None)
        if kind == "listing":
            got.hints = await steps.page("price hints", lambda: phases.price_hints(page, deadline=reads_by()), None)
        if kind == "checkout":
            got.checks = await steps.page("checked boxes", lambda: phases.checked_boxes(
                page, deadline=reads_by()), None)
        finished = None
        if kind == "chat":
            finished = await steps.page("expand chat", lambda: phases.expand_chat(
                got.chat_thread, deadline=reads_by()), None)
            if finished is not None:
                got.chat_html = finished.html
                steps.warn(finished.warnings)
        # where personal data is drawn, for --redact to paint over (after the chat expanded)
        got.pii = await steps.page("personal-data boxes", lambda: phases.pii_boxes(page, deadline=reads_by()), None)
        if kind == "chat" and finished is not None and finished.boxes and got.pii is not None:
            got.pii = {**got.pii, "boxes": [*(got.pii.get("boxes") or []), *finished.boxes]}
        got.png, shot_warnings = await steps.page(
            "screenshot", lambda: phases.screenshot(page, s, deadline=shot_by, gate=self.tall_shots),
            (b"", []))
        steps.warn(shot_warnings)
        if kind == "chat" and got.chat_thread is not None and got.png:
            # a windowed list's shots appended, a cross-origin frame's parts pasted (never raises)
            got.png, got.pii, screens, more = compose_chat_screens(got.png, got.pii, got.chat_thread.shots)
            steps.warn(more)
            if screens is not None and got.chat is not None:
                got.chat["screens"] = screens
        got.final_url = page.url
        if answer.response_url and got.final_url != answer.response_url:
            steps.warn(f"navigation: the page moved on to {got.final_url} after loading")
        return answer, got

    def _manifest(self, url: str, kind: str, final_url: str, answer: phases.Answer, got: Page,
                  record: dict[str, Any], steps: Steps, started: datetime,
                  session: Session | None, elapsed: float, phone: Device | None = None,
                  shared_text: str | None = None,
                  job: dict[str, str] | None = None) -> dict[str, Any]:
        s = self.settings
        manifest: dict[str, Any] = {
            "schema": SCHEMA,
            "target": {"url": url, "kind": kind},
            "requested_url": url,
            "final_url": final_url,
            "redirects": answer.redirects,
            "status": answer.status,
            "headers": answer.headers,
            "server": answer.server,
            "tls": answer.tls,
            "captured_at": rfc3339(started),
            "duration_s": round(elapsed, 3),
            "browser": {"name": "chromium", "version": self.browser.version},
            "user_agent": got.user_agent,
            "viewport": context_options(s, phone)["viewport"],
            "locale": s.get("browser", "locale"),
            "timezone": s.get("browser", "timezone"),
            "options": {
                "timeout_s": s.get("capture", "timeout"), "settle_s": s.get("capture", "settle"),
                "quiet_ms": s.get("capture", "quiet_ms"), "scroll": s.get("capture", "scroll"),
                "max_height": s.get("capture", "max_height"),
                "single_shot_max": s.get("capture", "single_shot_max"),
                "ignore_https_errors": s.get("browser", "ignore_https_errors"),
            },
            "title": record.get("title") or got.title or None,
            "tool": {"name": "jianyipai", "version": __version__},
            "timings": steps.timings,
            "warnings": list(steps.warnings),
        }
        if got.chat is not None:
            manifest["chat"] = got.chat
        if session is not None:
            manifest["session"] = session.name  # the name only: never the cookies
        if phone is not None:
            manifest["device"] = phone.manifest()
        if shared_text is not None:
            manifest["shared_text"] = shared_text
        if job is not None:
            manifest["job"] = job
        return manifest


def _on_loop(lookup: PayloadLookup | None) -> PayloadLookup | None:
    """``lookup`` for a worker thread, answered on the event loop's thread (the store's
    index is an SQLite connection of that thread, and the loop is free while it waits)."""
    if lookup is None:
        return None
    loop = asyncio.get_running_loop()

    def ask(url: str, digest: str) -> Any:
        answer: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def run() -> None:
            try:
                answer.set_result(lookup(url, digest))
            except BaseException as exc:
                answer.set_exception(exc)
        loop.call_soon_threadsafe(run)
        return answer.result()
    return ask


def _layout(got: Page) -> bytes | None:
    layout = {**({"price_hints": got.hints} if got.hints is not None else {}),
              **screenmask.layout_entry(got.pii)}
    return json_bytes(layout) if layout else None


def json_bytes(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8", "replace")


async def _close(context: Any, deadline: float) -> None:
    """Close the context (which writes the HAR); a hung page gets a little past the bound."""
    try:
        await asyncio.wait_for(context.close(), max(2.0, deadline - time.monotonic()))
    except TimeoutError:
        raise phases.PageHung("the browser did not close the page in time; the network "
                              "archive may be missing") from None


def _read_har(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {"log": {"entries": []}}


def _bodies(har: dict[str, Any], urls: list[str]) -> dict[str, bytes]:
    """The bodies the browser got for ``urls`` (a chat's image attachments), by URL."""
    wanted, out = set(urls), {}
    for entry in har.get("log", {}).get("entries", []) if wanted else []:
        address = entry.get("request", {}).get("url")
        if address in wanted and address not in out and (body := entry_body(entry)):
            out[address] = body
    return out


def _document_from_har(har: dict[str, Any], url: str) -> str | None:
    """The page's HTML as the server sent it, when the rendered DOM could not be read."""
    for entry in har.get("log", {}).get("entries", []):
        if entry.get("request", {}).get("url") != url:
            continue
        body = entry_body(entry)
        if body:
            return body.decode("utf-8", "replace")
    return None
