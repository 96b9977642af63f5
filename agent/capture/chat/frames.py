"""A chat inside an <iframe> (a customer-service widget, often from the vendor's origin).

Once the thread's container is expanded inside its frame, :func:`grow_frames` makes each
<iframe> on the way up as tall as the document it shows (a fixed widget is pinned where it
was drawn), so that the page's full-page screenshot has room for the whole thread;
:func:`paint_parts` shoots the grown frame a viewport at a time, because Chromium paints a
cross-origin frame only around the viewport. :func:`frame_boxes` reports where personal
data is drawn inside the frame, in the page's coordinates, for ``--redact``.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any

from agent.capture.chat.scripts import PIN_JS
from agent.capture.screenshot import SCALE
from agent.capture.scripts import PII_BOXES_JS
from storage.evidence.screenmask import patterns as pii_patterns

# Run in the parent frame on the <iframe> element that holds the thread: make it as tall
# as the frame's (expanded) document, and let its ancestors grow with it.
GROW_FRAME_JS = r"""
(el, height) => {
  const set = (e, prop, value) => e.style.setProperty(prop, value, 'important');
  const up = (e) => e.parentElement || (e.parentNode && e.parentNode.host) || null;
""" + PIN_JS + r"""  const chain = [];  // read every box before changing any
  for (let e = el; e && e !== document.documentElement; e = up(e)) {
    chain.push([e, {position: getComputedStyle(e).position}, e.getBoundingClientRect().top + scrollY]);
  }
  set(el, 'height', height + 'px');
  set(el, 'min-height', height + 'px');
  set(el, 'max-height', 'none');
  for (const [e, cs, was] of chain) {
    if (e !== el) {
      set(e, 'height', 'auto');
      set(e, 'max-height', 'none');
      set(e, 'overflow', 'visible');
      set(e, 'flex', '0 0 auto');
    }
    pin(e, cs, was);
  }
  set(document.documentElement, 'height', 'auto');
  set(document.documentElement, 'overflow', 'visible');
  return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);
}
"""

# Run in the parent frame on an <iframe> element: where its content box starts, in the
# parent's page coordinates.
FRAME_ORIGIN_JS = r"""
(el) => {
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  return {x: r.left + el.clientLeft + parseFloat(cs.paddingLeft || '0') + scrollX,
          y: r.top + el.clientTop + parseFloat(cs.paddingTop || '0') + scrollY};
}
"""

FRAME_VIEW_JS = "() => ({sx: scrollX, sy: scrollY, vw: innerWidth, vh: innerHeight})"


def chain(frame: Any) -> list[Any]:
    """The frame and its ancestors up to (not including) the page's main frame."""
    out = []
    while frame is not None and frame.parent_frame is not None:
        out.append(frame)
        frame = frame.parent_frame
    return out


def _left(deadline: float) -> float:
    return max(0.5, deadline - time.monotonic())


async def grow_frames(frame: Any, height: float, *, deadline: float) -> None:
    """Make every <iframe> from ``frame`` up as tall as what it shows."""
    for child in chain(frame):
        element = await asyncio.wait_for(child.frame_element(), _left(deadline))
        try:
            height = float(await asyncio.wait_for(element.evaluate(GROW_FRAME_JS, int(height) + 2),
                                                  _left(deadline)))
        finally:
            await element.dispose()


async def to_page(frame: Any, boxes: list[dict[str, Any]], *, deadline: float) -> list[dict[str, Any]]:
    """Boxes in ``frame``'s page coordinates, clipped to what it shows, in the page's."""
    for child in chain(frame):
        view = await asyncio.wait_for(child.evaluate(FRAME_VIEW_JS), _left(deadline))
        element = await asyncio.wait_for(child.frame_element(), _left(deadline))
        try:
            origin = await asyncio.wait_for(element.evaluate(FRAME_ORIGIN_JS), _left(deadline))
        finally:
            await element.dispose()
        moved = []
        for b in boxes:
            x0, y0 = max(b["x"], view["sx"]), max(b["y"], view["sy"])
            x1 = min(b["x"] + b["w"], view["sx"] + view["vw"])
            y1 = min(b["y"] + b["h"], view["sy"] + view["vh"])
            if x1 <= x0 or y1 <= y0:
                continue
            moved.append({**b, "x": origin["x"] + x0 - view["sx"], "y": origin["y"] + y0 - view["sy"],
                          "w": x1 - x0, "h": y1 - y0})
        boxes = moved
    return boxes


# PII_BOXES_JS reads the light DOM from document.body down. Run it once per open shadow
# root too, with that root standing in for document.body for the length of the (synchronous)
# call, so that personal data drawn in a shadow root is boxed as well.
PII_ALL_JS = r"""
({patterns, light}) => {
  const run = """ + PII_BOXES_JS + r""";
  const out = light ? run(patterns) : {boxes: [], dpr: window.devicePixelRatio || 1};
  const roots = [];
  const stack = [document.documentElement];
  while (stack.length && roots.length < 500) {
    const el = stack.pop();
    if (!el) continue;
    if (el.shadowRoot) { roots.push(el.shadowRoot); stack.push(...el.shadowRoot.children); }
    stack.push(...el.children);
  }
  for (const root of roots) {
    Object.defineProperty(document, 'body', {value: root, configurable: true});
    try { out.boxes.push(...run(patterns).boxes); } catch (e) {} finally { delete document.body; }
  }
  return out;
}
"""


async def pii_boxes(frame: Any, *, light: bool, deadline: float) -> dict[str, Any]:
    """Where personal data is drawn in ``frame`` (its own coordinates): open shadow roots,
    and the light DOM too when ``light``."""
    found = await asyncio.wait_for(frame.evaluate(PII_ALL_JS, {"patterns": pii_patterns(), "light": light}),
                                   _left(deadline))
    return found if isinstance(found, dict) else {"boxes": [], "dpr": 1}


async def frame_boxes(frame: Any, *, deadline: float) -> list[dict[str, Any]]:
    """Where personal data is drawn inside ``frame``, in the page's coordinates."""
    boxes = list((await pii_boxes(frame, light=True, deadline=deadline)).get("boxes") or [])
    return await to_page(frame, boxes, deadline=deadline) if boxes else []


FRAME_BOX_JS = r"""
(el) => {
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  const x = r.left + el.clientLeft + parseFloat(cs.paddingLeft || '0') + scrollX;
  const y = r.top + el.clientTop + parseFloat(cs.paddingTop || '0') + scrollY;
  return {x, y, w: el.clientWidth - parseFloat(cs.paddingLeft || '0') - parseFloat(cs.paddingRight || '0'),
          h: el.clientHeight - parseFloat(cs.paddingTop || '0') - parseFloat(cs.paddingBottom || '0'),
          sx: scrollX, sy: scrollY, vh: innerHeight};
}
"""
SCROLL_TO_JS = """(y) => new Promise((done) => {
  window.scrollTo(0, y);
  requestAnimationFrame(() => requestAnimationFrame(() => done(scrollY)));
  setTimeout(() => done(scrollY), 300);
})"""
PAINTED_JS = """() => new Promise((done) => {
  requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
  setTimeout(() => done(false), 300);
})"""


async def paint_parts(page: Any, frame: Any, *, deadline: float) -> list[tuple[float, float, bytes]]:
    """The grown frame shot a viewport at a time: [(page x, page y, PNG of that part)].

    Chromium paints an out-of-process (cross-origin) frame only around the viewport, so a
    full-page screenshot shows a tall one blank below that; these parts, each shot while it
    was in the viewport, are pasted over it (:func:`agent.capture.chat.screens.compose`)."""
    outer = chain(frame)[-1]
    element = await asyncio.wait_for(outer.frame_element(), _left(deadline))
    parts: list[tuple[float, float, bytes]] = []
    try:
        box = await asyncio.wait_for(element.evaluate(FRAME_BOX_JS), _left(deadline))
        start_y = box["sy"]
        y, end = float(box["y"]), float(box["y"] + box["h"])
        while y < end - 1 and time.monotonic() < deadline:
            at = float(await asyncio.wait_for(page.evaluate(SCROLL_TO_JS, y), _left(deadline)))
            await asyncio.wait_for(frame.evaluate(PAINTED_JS), _left(deadline))
            top = y - at  # where the part starts in the viewport
            height = min(box["vh"] - top, end - y)
            if height <= 0:
                break
            shot = await page.screenshot(timeout=max(500.0, _left(deadline) * 1000), animations="disabled",
                                         caret="hide", scale=SCALE, clip={"x": box["x"], "y": top,
                                                             "width": box["w"], "height": height})
            parts.append((float(box["x"]), y, shot))
            y += height
        await asyncio.wait_for(page.evaluate(SCROLL_TO_JS, start_y), _left(deadline))
    finally:
        await element.dispose()
    return parts
