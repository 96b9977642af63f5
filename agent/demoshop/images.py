"""Small generated product images (SVG and PNG), deterministic by name."""

from __future__ import annotations

import hashlib
import re
import struct
import zlib

from .layout import esc

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def _hue(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:2], "big") % 360


def _size(name: str) -> tuple[int, int]:
    if "detail" in name:
        return 750, 1000
    if "main" in name:
        return 800, 800
    if "chat" in name:
        return 400, 300
    return 400, 400


def svg(name: str) -> bytes:
    """An SVG placeholder product shot labelled with its name."""
    w, h = _size(name)
    hue = _hue(name)
    label = esc(name)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}">'
        f'<rect width="{w}" height="{h}" fill="hsl({hue},45%,88%)"/>'
        f'<circle cx="{w // 2}" cy="{h // 2 - h // 10}" r="{min(w, h) // 4}" '
        f'fill="hsl({hue},55%,55%)"/>'
        f'<rect x="{w // 6}" y="{h * 3 // 4}" width="{w * 2 // 3}" height="{h // 14}" rx="8" '
        f'fill="hsl({hue},40%,40%)"/>'
        f'<text x="{w // 2}" y="{h - h // 20}" text-anchor="middle" font-size="{max(16, w // 20)}" '
        f'font-family="Noto Sans CJK SC, sans-serif" fill="#333">{label}</text></svg>'
    ).encode()


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(name: str, size: int = 200) -> bytes:
    """A small RGB PNG: diagonal bands in a colour derived from the name."""
    seed = hashlib.sha256(name.encode()).digest()
    r, g, b = seed[0] | 0x40, seed[1] | 0x40, seed[2] | 0x40
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # filter type 0
        for x in range(size):
            if ((x + y) // 20) % 2:
                row += bytes((r, g, b))
            else:
                row += bytes((255 - r // 3, 255 - g // 3, 255 - b // 3))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", raw) + _chunk(b"IEND", b"")
    )
