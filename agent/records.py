"""The record kept with each snapshot: what the extractors make of the page."""
from __future__ import annotations

from typing import Any


def build_record(kind: str, html: str, url: str, *, status: int | None, title: str) -> dict[str, Any]:
    """A minimal record: title, URL and status. Issue 3 brings the listing extractor."""
    return {
        "schema": f"jianyipai.{kind}/1",
        "kind": kind,
        "url": url,
        "status": status,
        "title": title.strip() or None,
    }
