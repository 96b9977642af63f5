"""Full-page screenshots, stitched from parts where the browser cannot shoot in one piece.

Chromium's compositor is limited to textures of about 16,384 px; taller full-page shots
come back repeated or blank in some builds. Pages up to ``single_shot_max`` are shot at
once; taller ones in parts of at most that height, pasted into one PNG.
"""
from __future__ import annotations

import io
from typing import Any

from PIL import Image

_WIDTH = """() => Math.max(
  document.documentElement ? document.documentElement.scrollWidth : 0,
  document.body ? document.body.scrollWidth : 0)"""
MAX_WIDTH = 4096


async def full_page(page: Any, *, height: int, viewport_width: int, max_height: int,
                    single_shot_max: int, timeout_ms: float) -> tuple[bytes, list[str]]:
    """Return (PNG bytes, warnings) for the whole page, at most ``max_height`` px tall."""
    warnings: list[str] = []
    width = int(await page.evaluate(_WIDTH) or viewport_width)
    width = max(1, min(max(width, viewport_width), MAX_WIDTH))
    if height > max_height:
        warnings.append(f"screenshot: page truncated at {max_height} px of {height} px")
        height = max_height
    height = max(height, 1)
    opts = {"full_page": True, "animations": "disabled", "caret": "hide", "timeout": timeout_ms}
    if height <= single_shot_max:
        png = await page.screenshot(clip={"x": 0, "y": 0, "width": width, "height": height}, **opts)
        return png, warnings

    parts = []
    y = 0
    while y < height:
        h = min(single_shot_max, height - y)
        parts.append((y, await page.screenshot(clip={"x": 0, "y": y, "width": width, "height": h}, **opts)))
        y += h
    warnings.append(f"screenshot: stitched from {len(parts)} parts (page is {height} px tall)")
    return _stitch(parts, width, height), warnings


def _stitch(parts: list[tuple[int, bytes]], width: int, height: int) -> bytes:
    sheet: Image.Image | None = None
    for y, png in parts:
        with Image.open(io.BytesIO(png)) as part:
            if sheet is None:
                # Device pixels may differ from CSS pixels (device scale factor).
                scale = part.width / width
                sheet = Image.new("RGB", (part.width, round(height * scale)), "white")
            sheet.paste(part.convert("RGB"), (0, round(y * scale)))
            del part
    assert sheet is not None
    out = io.BytesIO()
    sheet.save(out, format="PNG", compress_level=6)
    return out.getvalue()
