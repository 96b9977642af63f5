"""Before/after screenshots side by side, with the changed regions boxed (Pillow).

Rows of the two screenshots are hashed in bands and aligned with difflib, so content that
only moved down (a banner inserted above it) is not reported as changed; the rows that
differ are boxed, narrowed to the columns that differ where both sides have the same
height. The comparison never holds more than one band of pixels per side besides the
decoded images; the output is scaled down to at most ``max_height`` pixels tall.
"""
from __future__ import annotations

import difflib
import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFont

from storage.errors import StoreError

BAND = 256
GAP = 8  # changed row runs closer than this are boxed together


@dataclass(frozen=True)
class Box:
    side: str  # "old" or "new"
    top: int
    bottom: int
    left: int
    right: int


def _open(data: bytes, what: str) -> Image.Image:
    try:
        im = Image.open(io.BytesIO(data))
        im.load()
    except Exception as exc:
        raise StoreError(f"the {what} screenshot is not a readable image: {exc}") from None
    return im.convert("RGB") if im.mode != "RGB" else im


def _row_hashes(im: Image.Image) -> list[bytes]:
    width, height = im.size
    stride = width * 3
    out = []
    for top in range(0, height, BAND):
        band = im.crop((0, top, width, min(height, top + BAND))).tobytes()
        for off in range(0, len(band), stride):
            out.append(hashlib.blake2b(band[off:off + stride], digest_size=8).digest())
    return out


def _runs(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if merged and a - merged[-1][1] <= GAP:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _columns(old: Image.Image, new: Image.Image, a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int] | None:
    """Left/right of what differs between two equally tall row ranges, compared band by band."""
    width = min(old.width, new.width)
    left, right = None, None
    for off in range(0, a[1] - a[0], BAND):
        h = min(BAND, a[1] - a[0] - off)
        d = ImageChops.difference(old.crop((0, a[0] + off, width, a[0] + off + h)),
                                  new.crop((0, b[0] + off, width, b[0] + off + h))).getbbox()
        if d:
            left = d[0] if left is None else min(left, d[0])
            right = d[2] if right is None else max(right, d[2])
    return None if left is None or right is None else (left, right)


def changed_boxes(old: Image.Image, new: Image.Image) -> list[Box]:
    ha, hb = _row_hashes(old), _row_hashes(new)
    if old.width != new.width:
        return [Box("old", 0, old.height, 0, old.width), Box("new", 0, new.height, 0, new.width)]
    matcher = difflib.SequenceMatcher(None, ha, hb, autojunk=False)
    boxes: list[Box] = []
    olds, news = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            cols = _columns(old, new, (i1, i2), (j1, j2))
            if cols:
                boxes.append(Box("old", i1, i2, *cols))
                boxes.append(Box("new", j1, j2, *cols))
            continue
        if i2 > i1:
            olds.append((i1, i2))
        if j2 > j1:
            news.append((j1, j2))
    boxes += [Box("old", a, b, 0, old.width) for a, b in _runs(olds)]
    boxes += [Box("new", a, b, 0, new.width) for a, b in _runs(news)]
    return boxes


def _label_font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A CJK font for the labels (之前 / 之后), else Pillow's own (Latin only)."""
    for name in ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "wqy-microhei.ttc"):
        try:
            return ImageFont.truetype(name, 16)  # Pillow looks in the system's font folders
        except OSError:
            continue
    return ImageFont.load_default()


def render(old_png: bytes, new_png: bytes, *, labels: tuple[str, str] = ("before", "after"),
           max_height: int = 8000) -> tuple[bytes, list[Box]]:
    """The side-by-side PNG and the boxes (in screenshot pixels) it draws."""
    old, new = _open(old_png, "old"), _open(new_png, "new")
    boxes = changed_boxes(old, new)
    tallest = max(old.height, new.height, 1)
    scale = min(1.0, max_height / tallest)
    head, pad = 24, 12

    def scaled(im: Image.Image) -> Image.Image:
        if scale >= 1.0:
            return im
        return im.resize((max(1, int(im.width * scale)), max(1, int(im.height * scale))),
                         Image.Resampling.BILINEAR)

    a, b = scaled(old), scaled(new)
    del old, new
    out = Image.new("RGB", (a.width + b.width + pad * 3, max(a.height, b.height) + head + pad),
                    "white")
    out.paste(a, (pad, head))
    out.paste(b, (a.width + pad * 2, head))
    draw = ImageDraw.Draw(out)
    font = _label_font()
    draw.text((pad, 2), labels[0], fill="black", font=font)
    draw.text((a.width + pad * 2, 2), labels[1], fill="black", font=font)
    for box in boxes:
        x0 = pad if box.side == "old" else a.width + pad * 2
        colour = (220, 30, 30) if box.side == "old" else (20, 160, 60)
        rect = (x0 + int(box.left * scale) - 2, head + int(box.top * scale) - 2,
                x0 + int(box.right * scale) + 2, head + int(box.bottom * scale) + 2)
        draw.rectangle(rect, outline=colour, width=3)
    buf = io.BytesIO()
    out.save(buf, "PNG", optimize=False)
    return buf.getvalue(), boxes
