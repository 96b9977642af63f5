"""The record kept with each snapshot: what the extractors make of the page."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from extractors import ExtractError, extract_chat, extract_checkout, extract_listing
from extractors.anomalies import ANOMALIES_NOTE, find_anomalies
from extractors.blocked import detect_blocked
from extractors.qrcodes import attachment_urls, attribute, qr_anomalies, read_qr_codes


def build_record(kind: str, html: str, url: str, *, status: int | None, title: str,
                 hints: list[dict[str, Any]] | None = None, captured_at: datetime | None = None,
                 timezone: str | None = None,
                 checks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The record for a snapshot. Listings, chats and checkouts go through their extractors.

    ``captured_at`` and ``timezone`` anchor a chat's relative times (今天 14:02, 昨天);
    ``captured_at`` dates a listing's promises given without a year (Arrives by Thu, Dec 4).
    ``checks``: a checkout's boxes as the live page had them ticked (not their attributes).
    """
    try:
        if kind == "listing":
            record = extract_listing(html.encode("utf-8", "replace"), url, hints=hints,
                                     content_type="text/html; charset=utf-8",
                                     captured_at=captured_at)
        elif kind == "chat":
            record = extract_chat(html, url, captured_at=captured_at, timezone=timezone)
        elif kind == "checkout":
            record = extract_checkout(html, url, checks=checks)
        else:
            record = minimal_record(kind, url, title)
    except ExtractError as exc:
        record = minimal_record(kind, url, title)
        record["warnings"] = [f"extract: {exc}"]
    record["status"] = status
    if record.get("title") is None and title.strip():
        record["title"] = title.strip()
    if kind in ("listing", "chat", "checkout"):
        add_anomalies(record, html, url)
    return record


def add_anomalies(record: dict[str, Any], html: str, url: str) -> None:
    """``record["anomalies"]`` (issue 14); a failure is a warning in the record, never a
    lost capture."""
    own = record.get("anomalies") or []  # the extractor's own (a checkout's add-ons)
    try:
        record["anomalies"] = [*own, *find_anomalies(record, html, url)]
    except Exception as exc:  # the net: the record is kept without its anomalies
        record["anomalies"] = own
        record.setdefault("warnings", []).append(
            f"anomalies failed ({type(exc).__name__}: {exc}); none were looked for")
    record["anomalies_note"] = ANOMALIES_NOTE


# Captures whose screenshot is read for QR codes (a product page, a chat, a checkout).
QR_KINDS = ("listing", "chat", "checkout")


def add_qr_codes(record: dict[str, Any], png: bytes, url: str,
                 fetched: Callable[[list[str]], dict[str, bytes]], *,
                 until: float | None = None) -> list[str]:
    """``record["qr_codes"]`` (what each code in the screenshot says, and where) and their
    anomalies (issue 14); in a chat, codes are tied to the message whose image attachment
    holds them (``fetched(urls)``: the bytes the browser got, by URL). Returns what could
    not be read, to warn. ``until``: the capture's time bound (``time.monotonic()``)."""
    scan = read_qr_codes(png, until=until)
    if record.get("kind") == "chat":
        codes = attribute(scan.codes, record, fetched(attachment_urls(record)), until)
    else:
        codes = [{**code, "source": "screenshot"} for code in scan.codes]
    record["qr_codes"] = codes
    found = qr_anomalies(codes, record.get("kind") or "", url)
    if found:
        record["anomalies"] = [*(record.get("anomalies") or []), *found]
        record.setdefault("anomalies_note", ANOMALIES_NOTE)
    return scan.notes


def mark_blocked(record: dict[str, Any], html: str, url: str, *, status: int | None, title: str,
                 text: str) -> str | None:
    """Flag a login wall / captcha / anti-bot page in the record; the warning to keep, if any."""
    if record.get("kind") == "chat":
        return None
    blocked = detect_blocked(html, url, status=status, title=title, text=text,
                             has_price=bool(record.get("price") or record.get("price_range")
                                            or record.get("total") or record.get("items")))
    if blocked is None:
        return None
    record["blocked"] = blocked
    return f"blocked: {blocked['kind']} page ({blocked['reason']}); not the listing"


def minimal_record(kind: str, url: str, title: str) -> dict[str, Any]:
    return {"schema": f"jianyipai.{kind}/1", "kind": kind, "url": url,
            "title": title.strip() or None, "warnings": []}
