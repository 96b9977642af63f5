"""storage.visualdiff: changed regions are boxed; content that only moved is not."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw

from storage.visualdiff import changed_boxes, render


def page(blocks: list[tuple[int, str]], height: int = 1200) -> Image.Image:
    im = Image.new("RGB", (300, height), "white")
    d = ImageDraw.Draw(im)
    for top, colour in blocks:
        d.rectangle((20, top, 280, top + 80), fill=colour)
        d.rectangle((40, top + 10, 40 + 15 * len(colour), top + 30), fill="black")
    return im


def png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def test_a_changed_block_is_boxed_to_its_columns() -> None:
    old = page([(100, "red"), (400, "blue")])
    new = page([(100, "red"), (400, "green")])
    boxes = changed_boxes(old, new)
    assert {b.side for b in boxes} == {"old", "new"}
    for b in boxes:
        assert 390 <= b.top and b.bottom <= 490 and b.left >= 20 and b.right <= 281


def test_content_pushed_down_is_not_a_change_but_the_insert_is() -> None:
    old = page([(100, "red"), (400, "blue")], 1200)
    new = page([(100, "red"), (250, "orange"), (550, "blue")], 1350)
    new_boxes = [b for b in changed_boxes(old, new) if b.side == "new"]
    assert new_boxes and all(b.bottom <= 550 for b in new_boxes)


def test_render_scales_tall_pages_and_identical_pages_have_no_boxes() -> None:
    tall = page([(i * 300, "blue") for i in range(60)], 20000)
    out, boxes = render(png(tall), png(tall), max_height=2000)
    assert boxes == []
    assert Image.open(io.BytesIO(out)).height <= 2000 + 40
