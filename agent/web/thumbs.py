"""Thumbnails of screenshots, cached outside the evidence (``STORE/cache/``, safe to delete)."""
from __future__ import annotations

import io
import os
import tempfile

from PIL import Image

from storage import Store

WIDTH, HEIGHT = 240, 180
Image.MAX_IMAGE_PIXELS = 1280 * 70000  # our own stitched screenshots are this tall


def thumbnail(store: Store, digest: str) -> bytes:
    cache = store.root / "cache" / "thumbs"
    path = cache / f"{digest}.png"  # digest comes from a manifest: 64 hex digits
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    with Image.open(io.BytesIO(store.blobs.get(digest))) as im:
        top = im.crop((0, 0, im.width, min(im.height, im.width * HEIGHT // WIDTH)))
        top.thumbnail((WIDTH, HEIGHT))
        out = io.BytesIO()
        top.convert("RGB").save(out, format="PNG", optimize=True)
    data = out.getvalue()
    cache.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return data
