"""Screenshot evidence a full-page screenshot alone cannot give, for two kinds of chat.

**A windowed list** cannot be grown to show the whole thread (it draws only the rows near
its viewport, however tall it is made), so while the capture scrolls it back, the list
element is shot at every position it stops at, with where personal data is drawn in that
shot. :func:`compose` appends the shots below the full-page screenshot, oldest position
first, each on its own band, and moves their personal-data boxes into the screenshot's
coordinates; the manifest's ``chat.screens`` says ``how: "appended"``, the number of
shots and the y (CSS px) where they start.

**A thread in a cross-origin frame**, grown to its full height: Chromium paints such a
frame only around the viewport, so the full-page screenshot shows it blank further down.
The grown frame is shot a viewport at a time (:func:`agent.capture.chat.frames.paint_parts`)
and :func:`compose` pastes the parts where the frame is (``how: "frame pasted"``).
"""
from __future__ import annotations

import asyncio
import io
import time
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from agent.capture.chat.frames import pii_boxes
from agent.capture.screenshot import SCALE
from agent.errors import first_line

GAP = 12  # CSS px between two shots
BAND = (236, 236, 236)
BOX_JS = "() => window.__jianyipaiChat && window.__jianyipaiChat.box"


@dataclass
class Panel:
    png: bytes
    width: float  # CSS px
    height: float
    top: float  # the list's scrollTop when shot
    boxes: list[dict[str, Any]] = field(default_factory=list)  # CSS px, within the shot


@dataclass
class Shots:
    """The list's shots, in the order taken (newest position first)."""

    max_height: int
    panels: list[Panel] = field(default_factory=list)
    parts: list[tuple[float, float, bytes]] = field(default_factory=list)  # (x, y, PNG) of a frame
    full: bool = False  # stopped shooting: the shots reached ``max_height``
    failed: str | None = None

    async def take(self, frame: Any, rect: dict[str, Any], top: float, *, deadline: float) -> None:
        if self.full or self.failed or (self.panels and abs(self.panels[-1].top - top) < 1):
            return
        if sum(p.height + GAP for p in self.panels) + rect["h"] > self.max_height:
            self.full = True
            return
        left = max(0.5, deadline - time.monotonic())
        handle = await asyncio.wait_for(frame.evaluate_handle(BOX_JS), left)
        try:
            element = handle.as_element()
            if element is None:
                return
            png = await element.screenshot(animations="disabled", caret="hide", scale=SCALE,
                                           timeout=max(500.0, left * 1000))
            found = await pii_boxes(frame, light=True, deadline=deadline)
            where = await asyncio.wait_for(frame.evaluate(
                "() => { const r = window.__jianyipaiChat.box.getBoundingClientRect();"
                " return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}; }"), left)
        except TimeoutError:
            raise
        except Exception as exc:
            self.failed = first_line(exc)
            return
        finally:
            await handle.dispose()
        boxes = []
        for b in (found or {}).get("boxes") or []:
            x, y = b["x"] - where["x"], b["y"] - where["y"]
            if x + b["w"] <= 0 or y + b["h"] <= 0 or x >= where["w"] or y >= where["h"]:
                continue
            boxes.append({**b, "x": x, "y": y})
        self.panels.append(Panel(png, where["w"], where["h"], top, boxes))


def compose(png: bytes, pii: dict[str, Any] | None, shots: Shots
            ) -> tuple[bytes, dict[str, Any] | None, dict[str, Any] | None, list[str]]:
    """(screenshot with the frame's parts pasted or the list's shots appended, boxes moved
    along, manifest note, warnings). Never raises: a failure leaves the screenshot as it
    was, with a warning."""
    if shots.parts:
        try:
            return _paste(png, pii, shots)
        except Exception as exc:
            return png, pii, None, [f"screenshot: the chat frame's parts could not be pasted "
                                    f"({first_line(exc)}); the frame may show blank in places"]
    if not shots.panels:
        return png, pii, None, []
    try:
        return _stitch(png, pii, shots)
    except Exception as exc:
        return png, pii, None, [f"screenshot: the chat list's shots could not be appended "
                                f"({first_line(exc)}); the screenshot shows one position of the list"]


def _paste(png: bytes, pii: dict[str, Any] | None, shots: Shots
           ) -> tuple[bytes, dict[str, Any] | None, dict[str, Any] | None, list[str]]:
    with Image.open(io.BytesIO(png)) as page_img:
        sheet = page_img.convert("RGB")
    scale = float((pii or {}).get("dpr") or 1)
    for x, y, part in shots.parts:
        with Image.open(io.BytesIO(part)) as im:
            sheet.paste(im.convert("RGB"), (round(x * scale), round(y * scale)))
    out = io.BytesIO()
    sheet.save(out, format="PNG", compress_level=6)
    return out.getvalue(), pii, {"how": "frame pasted", "parts": len(shots.parts)}, []


def _stitch(png: bytes, pii: dict[str, Any] | None, shots: Shots
            ) -> tuple[bytes, dict[str, Any] | None, dict[str, Any] | None, list[str]]:
    with Image.open(io.BytesIO(png)) as page_img:
        page = page_img.convert("RGB")
    scale = float((pii or {}).get("dpr") or 1)
    panels = list(reversed(shots.panels))  # oldest position first, as the thread reads
    images = []
    for p in panels:
        with Image.open(io.BytesIO(p.png)) as im:
            images.append(im.convert("RGB"))
    gap = round(GAP * scale)
    width = max([page.width, *(im.width for im in images)])
    height = page.height + sum(gap + im.height for im in images)
    sheet = Image.new("RGB", (width, height), BAND)
    sheet.paste(page, (0, 0))
    starts_at = page.height / scale
    boxes = list((pii or {}).get("boxes") or [])
    y = page.height
    for p, im in zip(panels, images, strict=True):
        y += gap
        sheet.paste(im, (0, y))
        boxes += [{**b, "x": b["x"], "y": b["y"] + y / scale} for b in p.boxes]
        y += im.height
    out = io.BytesIO()
    sheet.save(out, format="PNG", compress_level=6)
    note = {"how": "appended", "shots": len(panels), "y": round(starts_at, 1),
            "order": "oldest position first"}
    warnings = []
    if shots.full:
        warnings.append(f"screenshot: the chat list was shot at {len(panels)} scroll positions, then "
                        "no more (capture.max_height); the record holds every collected message")
    if shots.failed:
        warnings.append(f"screenshot: shooting the chat list failed at one position ({shots.failed})")
    return out.getvalue(), {**(pii or {"dpr": scale}), "boxes": boxes}, note, warnings
