"""UTC instants as text: the one format every manifest, log and seal uses (RFC 3339, ``Z``)."""
from __future__ import annotations

from datetime import UTC, datetime


def rfc3339(moment: datetime | None = None, timespec: str = "milliseconds") -> str:
    """``moment`` (default: now) in UTC, e.g. ``2026-12-02T04:25:38.123Z``."""
    moment = datetime.now(UTC) if moment is None else moment
    return moment.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


def from_timestamp(seconds: float, timespec: str = "milliseconds") -> str:
    return rfc3339(datetime.fromtimestamp(seconds, UTC), timespec)


def parse(text: str) -> datetime | None:
    """An RFC 3339 / ISO 8601 instant (``Z`` or an offset) as an aware datetime; None if not one."""
    try:
        moment = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
