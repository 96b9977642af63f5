"""Extraction from saved files, for `jianyipai extract`."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.records import add_anomalies
from extractors import ExtractError, extract_chat, extract_checkout, extract_listing
from extractors.chattime import parse_instant
from extractors.decode import decode_html

MAX_BYTES = 64 * 1024 * 1024


def extract_file(path: Path, url: str | None, *, kind: str = "listing",
                 captured_at: str | None = None,
                 timezone: str | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """(record, None) or (None, a one-line reason); never raises for a bad file.

    Whatever an extractor raises (it should not: they return records with warnings) is
    that file's one-line reason, so that ``jianyipai extract`` goes on with the others.

    Chats read relative times (今天 14:02) against ``captured_at`` (RFC 3339), else the
    file's modification time, which the record's warnings then mention. Listings read
    promise dates without a year against ``captured_at`` only: a saved file's time is not
    when the page was shown, so without it such dates stay ``--MM-DD``. Anomalies are
    looked for as in a capture, the page's address being ``url`` (else the file's).
    """
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
    except ValueError as exc:  # a path with a NUL byte
        return None, f"cannot read: {exc}"
    page_url = url or path.resolve().as_uri()
    try:
        if kind == "chat":
            record, error = _chat(path, data, url, captured_at, timezone)
        elif kind == "checkout":  # boxes ticked as the saved page's attributes say
            record, error = extract_checkout(data, page_url), None
        elif captured_at is not None and parse_instant(captured_at, UTC) is None:
            return None, f"--captured-at {captured_at!r} is not an RFC 3339 time"
        else:
            record, error = extract_listing(data, page_url, captured_at=captured_at), None
        if record is not None:  # as a capture does (agent.records)
            add_anomalies(record, decode_html(data).text, page_url)
        return record, error
    except ExtractError as exc:
        return None, str(exc)
    except RecursionError:
        return None, "the page is nested too deeply to parse"
    except Exception as exc:  # an extractor bug: this file's error, not the batch's end
        message = " ".join(str(exc).split())[:200]
        return None, f"extraction failed ({type(exc).__name__}{': ' + message if message else ''})"


def _chat(path: Path, data: bytes, url: str | None, captured_at: str | None,
          timezone: str | None) -> tuple[dict[str, Any] | None, str | None]:
    note = None
    if captured_at is None:
        moment = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        captured_at = moment.isoformat()
        note = (f"relative times read against the file's modification time {captured_at} "
                "(give --captured-at for the real one)")
    elif parse_instant(captured_at, UTC) is None:
        return None, f"--captured-at {captured_at!r} is not an RFC 3339 time"
    record = extract_chat(data, url or path.resolve().as_uri(), captured_at=captured_at,
                          timezone=timezone)
    if note:
        record["warnings"].append(note)
    return record, None
