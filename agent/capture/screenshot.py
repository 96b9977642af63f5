"""Full-page screenshots, stitched from parts where the browser cannot shoot in one piece.

Chromium's compositor is limited to textures of about 16,384 px; taller full-page shots
come back repeated or blank in some builds. Pages up to ``single_shot_max`` are shot at
once; taller ones in parts of at most that height, joined into one PNG part by part.

Joining never decodes a part: its rows, as the PNG holds them (filtered, compressed), are
inflated a piece at a time and deflated into the one image, off the event loop, while the
browser shoots the next part. Only the first row of each part is re-coded: its filter
looked at a row of zeros above it, and above it now is the last row of the part before.
Memory stays at a part's PNG and a few MB, however tall the page.
"""
from __future__ import annotations

import asyncio
import io
import struct
import time
import zlib
from typing import Any

from PIL import Image

_WIDTH = """() => Math.max(
  document.documentElement ? document.documentElement.scrollWidth : 0,
  document.body ? document.body.scrollWidth : 0)"""
MAX_WIDTH = 4096
# Every screenshot has one image pixel per CSS pixel, whatever the device's pixel ratio: a
# phone of ratio 3 would otherwise make images 3 times as wide and as tall (a 60,000 px page
# 180,000 px, past what Pillow opens and Chromium paints in one piece), and boxes measured in
# CSS px (personal data, price hints) land on the image as they are.
SCALE = "css"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def full_page(page: Any, *, height: int, viewport_width: int, max_height: int,
                    single_shot_max: int, timeout_ms: float,
                    gate: asyncio.Semaphore | None = None) -> tuple[bytes, list[str]]:
    """Return (PNG bytes, warnings) for the whole page, at most ``max_height`` px tall.

    ``gate``: held while the parts of a page taller than ``single_shot_max`` are shot, so
    that pages shot at once do not each hold a tall bitmap in the browser; waited for at
    most half the time there is, then the page is shot anyway (evidence before memory)."""
    warnings: list[str] = []
    deadline = time.monotonic() + timeout_ms / 1000
    width = int(await page.evaluate(_WIDTH) or viewport_width)
    width = max(1, min(max(width, viewport_width), MAX_WIDTH))
    if height > max_height:
        warnings.append(f"screenshot: page truncated at {max_height} px of {height} px")
        height = max_height
    height = max(height, 1)

    def opts() -> dict[str, Any]:
        left = max(0.5, deadline - time.monotonic())
        return {"full_page": True, "animations": "disabled", "caret": "hide", "scale": SCALE,
                "timeout": left * 1000}

    if height <= single_shot_max:
        png = await page.screenshot(clip={"x": 0, "y": 0, "width": width, "height": height}, **opts())
        return png, warnings

    held = gate is not None and await _hold(gate, (deadline - time.monotonic()) / 2)
    sheet = PngSheet()
    joining: asyncio.Future[None] | None = None
    parts = 0
    try:
        y = 0
        while y < height:
            h = min(single_shot_max, height - y)
            png = await page.screenshot(clip={"x": 0, "y": y, "width": width, "height": h}, **opts())
            if joining is not None:
                await joining
            joining = asyncio.ensure_future(asyncio.to_thread(sheet.add, png))
            del png
            parts += 1
            y += h
        if held:
            gate.release()  # type: ignore[union-attr]
            held = False
        await joining  # type: ignore[misc]
    finally:
        if held:
            gate.release()  # type: ignore[union-attr]
        if joining is not None and not joining.done():
            joining.cancel()
    warnings.append(f"screenshot: stitched from {parts} parts (page is {height} px tall)")
    return await asyncio.to_thread(sheet.finish), warnings


async def _hold(gate: asyncio.Semaphore, wait: float) -> bool:
    """Take ``gate`` if it comes within ``wait`` seconds; a grant that comes too late (or as
    the capture is cancelled) is given back, never kept."""
    acquire = asyncio.ensure_future(gate.acquire())
    try:
        await asyncio.wait({acquire}, timeout=max(0.0, wait))
    except BaseException:
        _give_back(acquire, gate)
        raise
    if acquire.done() and not acquire.cancelled() and acquire.exception() is None:
        return True
    _give_back(acquire, gate)
    return False


def _give_back(acquire: asyncio.Future[Any], gate: asyncio.Semaphore) -> None:
    if not acquire.done():
        acquire.cancel()
        acquire.add_done_callback(lambda f: None if f.cancelled() or f.exception() else gate.release())
    elif not acquire.cancelled() and acquire.exception() is None:
        gate.release()


class PngSheet:
    """One PNG written a part at a time, top to bottom (each part a PNG of the same width).

    Parts in 8-bit RGB or RGBA without interlacing (what Chromium writes) are joined as they
    are stored; any other part is decoded and written row by row in the sheet's colour type.
    """

    PIECE = 4 << 20  # bytes of rows inflated at a time

    def __init__(self, level: int = 6) -> None:
        self.width = 0
        self.height = 0
        self.colour = 0  # PNG colour type: 2 RGB, 6 RGBA
        self.zip = zlib.compressobj(level)
        self.data: list[bytes] = []

    @property
    def bpp(self) -> int:
        return 4 if self.colour == 6 else 3

    def add(self, png: bytes) -> None:
        info = _plain_png(png)
        if not self.width:
            if info is not None:
                self.width, self.colour = info[0], info[2]
            else:
                with Image.open(io.BytesIO(png)) as part:
                    self.width, self.colour = part.width, 6 if "A" in part.getbands() else 2
        if info is not None and info[0] == self.width and info[2] == self.colour:
            self._join(info[1], info[3])
        else:
            self._decode(png)

    def _join(self, rows: int, idat: bytes) -> None:
        """Copy a part's filtered rows into the sheet, re-coding its first row."""
        stride = self.width * self.bpp + 1
        inflate = zlib.decompressobj()
        first = b""
        total = 0
        while idat or not inflate.eof:
            piece = inflate.decompress(idat, self.PIECE)
            idat = inflate.unconsumed_tail
            if not piece:
                if not idat:
                    break
                continue
            total += len(piece)
            if len(first) < stride:
                need = stride - len(first)
                first += piece[:need]
                piece = piece[need:]
                if len(first) == stride:
                    self.data.append(self.zip.compress(_unfilter_first(first, self.bpp)))
            if piece:
                self.data.append(self.zip.compress(piece))
        if total != rows * stride:
            raise ValueError(f"a screenshot part holds {total} bytes of rows, not {rows * stride}")
        self.height += rows

    def _decode(self, png: bytes) -> None:
        """A part Chromium would not write: decoded, in the sheet's colour type, no filter."""
        mode = "RGBA" if self.colour == 6 else "RGB"
        with Image.open(io.BytesIO(png)) as part:
            image = part.convert(mode)
        if image.width != self.width:
            image = image.crop((0, 0, self.width, image.height))
        stride = self.width * self.bpp
        for top in range(0, image.height, 512):
            rows = image.crop((0, top, self.width, min(image.height, top + 512))).tobytes()
            self.data.append(self.zip.compress(b"".join(
                b"\x00" + rows[i:i + stride] for i in range(0, len(rows), stride))))
        self.height += image.height

    def finish(self) -> bytes:
        self.data.append(self.zip.flush())
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, self.colour, 0, 0, 0)
        return b"".join([PNG_SIGNATURE, _chunk(b"IHDR", header),
                         _chunk(b"IDAT", b"".join(self.data)), _chunk(b"IEND", b"")])


def _plain_png(png: bytes) -> tuple[int, int, int, bytes] | None:
    """(width, height, colour type, compressed rows) of an 8-bit, non-interlaced RGB or
    RGBA PNG; None for anything else."""
    if not png.startswith(PNG_SIGNATURE):
        return None
    pos, header, idat = len(PNG_SIGNATURE), None, []
    while pos + 8 <= len(png):
        size, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + size]
        pos += 12 + size
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None or not idat:
        return None
    width, height, depth, colour, _method, _filter, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        return None
    return width, height, colour, b"".join(idat)


def _unfilter_first(row: bytes, bpp: int) -> bytes:
    """A part's first row, unfiltered against the row of zeros PNG puts above an image, as
    filter type 0 (none): it no longer depends on the row above it."""
    kind, line = row[0], bytearray(row[1:])
    if kind in (1, 3, 4):  # Sub, Average, Paeth: over a row of zeros, Paeth is Sub
        for i in range(bpp, len(line)):
            left = line[i - bpp]
            line[i] = (line[i] + (left >> 1 if kind == 3 else left)) & 0xFF
    elif kind not in (0, 2):  # None; Up over zeros is None
        raise ValueError(f"unknown PNG filter type {kind}")
    return b"\x00" + bytes(line)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
