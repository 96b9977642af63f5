"""Masking personal data in screenshots, where the browser said it was drawn.

At capture time the browser (``agent.capture.scripts.PII_BOXES_JS``) is asked the page where visible text matching the
redaction patterns (phone and ID-card numbers, e-mail, street addresses: the same
patterns :mod:`storage.evidence.redact` masks in text) is laid out; the boxes, in page (CSS)
pixels, go into the snapshot's ``layout`` artifact as ``pii_boxes``. A redacted report
or bundle paints those boxes over in a copy of the screenshot and names the original's
hash. Personal data drawn inside images, canvases or video is not found.
"""
from __future__ import annotations

import hashlib
import io
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from PIL import Image, ImageDraw

from storage.evidence.redact import PATTERNS
from storage.evidence.redact import export_transform as text_transform

PAD = 2  # CSS px around each box: antialiasing and descenders
FILL = (20, 20, 20)


def patterns() -> list[list[str]]:
    """The redaction patterns as (kind, source) for the page; Python's syntax here is JS's."""
    return [[kind, rx.pattern] for kind, rx in PATTERNS]


def layout_entry(found: dict[str, Any] | None) -> dict[str, Any]:
    """What goes into the ``layout`` artifact from the page's answer to ``PII_BOXES_JS``."""
    if not isinstance(found, dict):
        return {}
    boxes = [{k: (round(float(b[k]), 1) if k != "kind" else str(b[k])) for k in ("kind", "x", "y", "w", "h")}
             for b in found.get("boxes") or []]
    return {"pii_boxes": boxes, "pii_scale": float(found.get("dpr") or 1)}


def paint(png: bytes, boxes: list[dict[str, Any]], scale: float = 1.0) -> bytes:
    """A copy of ``png`` with every box (CSS px; ``scale`` image px per CSS px) filled."""
    with Image.open(io.BytesIO(png)) as src:
        img = src.convert("RGB")
    draw = ImageDraw.Draw(img)
    for b in boxes:
        x0, y0 = (b["x"] - PAD) * scale, (b["y"] - PAD) * scale
        x1, y1 = (b["x"] + b["w"] + PAD) * scale, (b["y"] + b["h"] + PAD) * scale
        if x1 <= 0 or y1 <= 0 or x0 >= img.width or y0 >= img.height:
            continue
        draw.rectangle([max(0, x0), max(0, y0), min(img.width, x1) - 1, min(img.height, y1) - 1], fill=FILL)
    out = io.BytesIO()
    img.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def boxes_of(store: Any, snapshot_id: str) -> tuple[list[dict[str, Any]], float] | None:
    """The snapshot's personal-data boxes, or None when it was captured without that pass."""
    art = (json.loads(store.blobs.get(snapshot_id)).get("artifacts") or {}).get("layout")
    if not art:
        return None
    layout = json.loads(store.blobs.get(art["sha256"]))
    if not isinstance(layout, dict) or not isinstance(layout.get("pii_boxes"), list):
        return None
    return layout["pii_boxes"], float(layout.get("pii_scale") or 1)


def masked_screenshot(store: Any, snapshot_id: str, png: bytes) -> tuple[bytes, dict[str, Any]] | None:
    """(masked copy, note naming the original) or None when the snapshot has no boxes."""
    found = boxes_of(store, snapshot_id)
    if found is None:
        return None
    boxes, scale = found
    masked = paint(png, boxes, scale)
    note = {"derived_from": {"snapshot": snapshot_id, "artifact": "screenshot",
                             "sha256": hashlib.sha256(png).hexdigest()},
            "redacted": True, "masked_boxes": len(boxes),
            "masked_kinds": dict(sorted(Counter(b.get("kind", "?") for b in boxes).items())),
            "sha256": hashlib.sha256(masked).hexdigest()}
    return masked, note


def export_transform(store: Any) -> Callable[[str, str, bytes], tuple[bytes | None, dict[str, Any]]]:
    """storage.evidence.redact's export transform, with screenshots masked where boxes were recorded."""

    def transform(snapshot_id: str, name: str, data: bytes) -> tuple[bytes | None, dict[str, Any]]:
        if name == "screenshot":
            done = masked_screenshot(store, snapshot_id, data)
            if done is not None:
                masked, note = done
                return masked, {k: v for k, v in note.items() if k != "sha256"}
        return text_transform(snapshot_id, name, data)

    return transform
