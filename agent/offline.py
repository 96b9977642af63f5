"""Extraction from saved files, for `jianyipai extract`."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from extractors import ExtractError, extract_listing

MAX_BYTES = 64 * 1024 * 1024


def extract_file(path: Path, url: str | None) -> tuple[dict[str, Any] | None, str | None]:
    """(record, None) or (None, a one-line reason); never raises for a bad file."""
    try:
        if path.is_dir():
            return None, "is a folder, not a saved page"
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, f"too large ({size:,} bytes; at most {MAX_BYTES:,})"
        data = path.read_bytes()
    except FileNotFoundError:
        return None, "no such file"
    except OSError as exc:
        return None, f"cannot read: {exc.strerror}"
    try:
        return extract_listing(data, url or path.resolve().as_uri()), None
    except ExtractError as exc:
        return None, str(exc)
    except RecursionError:
        return None, "the page is nested too deeply to parse"
