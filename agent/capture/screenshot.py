"""Full-page screenshots, stitched from parts where the browser cannot shoot in one piece.

Chromium's compositor is limited to textures of about 16,384 px; taller full-page shots
come back repeated or blank in some builds. Pages up to ``single_shot_max`` are shot at
once; taller ones in parts of at most that height, written into one PNG part by part.
"""
from __future__ import annotations

import io
import struct
import zlib
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

    sheet = _PngSheet()
    y = 0
    parts = 0
    while y < height:
        h = min(single_shot_max, height - y)
        png = await page.screenshot(clip={"x": 0, "y": y, "width": width, "height": h}, **opts)
        sheet.add(png)  # decoded, compressed and let go before the next part is shot
        parts += 1
        y += h
    warnings.append(f"screenshot: stitched from {parts} parts (page is {height} px tall)")
    return sheet.finish(), warnings


class _PngSheet:
    """One PNG written a part at a time, top to bottom: each part is decoded, its rows are
    compressed into the image data, and it is let go, so a 60,000 px page never has more
    than one part's bitmap in memory (a whole bitmap of it would be ~230 MB)."""

    ROWS = 512  # rows handed to zlib at a time

    def __init__(self) -> None:
        self.width = 0
        self.height = 0
        self.zip = zlib.compressobj(6)
        self.data: list[bytes] = []

    def add(self, png: bytes) -> None:
        with Image.open(io.BytesIO(png)) as part:
            rgb = part.convert("RGB")
        if not self.width:
            self.width = rgb.width
        if rgb.width != self.width:  # never expected: parts share one clip width
            rgb = rgb.crop((0, 0, self.width, rgb.height))
        stride = self.width * 3
        for top in range(0, rgb.height, self.ROWS):
            rows = rgb.crop((0, top, self.width, min(rgb.height, top + self.ROWS))).tobytes()
            # filter type 0 (none) before each row
            self.data.append(self.zip.compress(b"".join(
                b"\x00" + rows[i:i + stride] for i in range(0, len(rows), stride))))
        self.height += rgb.height
        del rgb

    def finish(self) -> bytes:
        self.data.append(self.zip.flush())
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)  # 8-bit RGB
        return b"".join([b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header),
                         _chunk(b"IDAT", b"".join(self.data)), _chunk(b"IEND", b"")])


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
