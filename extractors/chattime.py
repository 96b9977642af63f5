"""Times as chat windows show them, resolved to instants: 今天 14:02, 昨天, 11-26 09:15…

A chat shows times relative to the moment you look at it. Each is resolved against the
capture's own time in the capture's time zone, so ``今天 14:02`` captured on 27 November
and ``昨天 14:02`` captured on the 28th are the same instant.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> now = datetime(2027, 11, 27, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
>>> resolve("昨天 09:15", now).isoformat()
'2027-11-26T09:15:00+08:00'
>>> resolve("12-30 23:59", now).isoformat()  # later than today, so last year
'2026-12-30T23:59:00+08:00'
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WEEKDAYS = {
    "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
}
_DAY_WORDS = {"今天": 0, "今日": 0, "today": 0, "昨天": 1, "昨日": 1, "yesterday": 1,
              "前天": 2, "前日": 2}
_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}

_CLOCK = (r"(?:(?P<ampm1>上午|下午|凌晨|早上|早晨|中午|晚上|傍晚)\s*)?"
          r"(?P<h>\d{1,2})[:：](?P<mi>\d{2})(?:[:：](?P<s>\d{2}))?"
          r"\s*(?P<ampm2>[AaPp]\.?[Mm]\.?)?")
_FULL = re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
                   r"(?:\s*(?:星期|周)[一二三四五六日天])?")
_MONTH_DAY = re.compile(r"(?<!\d)(?P<mo>\d{1,2})\s*[-/月]\s*(?P<d>\d{1,2})\s*日?(?!\d)")
_EN_DATE = re.compile(r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+"
                      r"(?P<d>\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(?P<y>\d{4}))?", re.IGNORECASE)
_WEEKDAY = re.compile(r"(?:星期|周|礼拜)(?P<zh>[一二三四五六日天])|"
                      r"\b(?P<en>monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                      r"mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b", re.IGNORECASE)
_DAY_WORD = re.compile("|".join(_DAY_WORDS), re.IGNORECASE)
_CLOCK_RE = re.compile(_CLOCK)
_AGO = re.compile(r"(?<!\d)(?P<n>\d+)\s*(?P<unit>秒|分钟|分鐘|小时|小時|天|"
                  r"s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)\s*(?:前|ago)",
                  re.IGNORECASE)
_JUST_NOW = re.compile(r"刚刚|剛剛|just now", re.IGNORECASE)
_EPOCH = re.compile(r"^\s*(?P<n>\d{10}|\d{13})\s*$")
_ISO = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?\s*$")

# Anything that looks like a displayed time, for telling time rows and messages apart.
LOOKS_LIKE_TIME = re.compile(
    r"(?:^|[^\d])\d{1,2}[:：]\d{2}(?:$|[^\d])|刚刚|剛剛|(?<!\d)\d+\s*(?:分钟|小时|秒)前|"
    r"\b\d+\s*(?:min|mins|minutes?|hours?|hrs?)\s+ago\b|just now",
    re.IGNORECASE,
)


def zone(name: str | None) -> tzinfo:
    """The named IANA zone; UTC for None or an unknown name."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder, a long name
        return UTC


def _unit_seconds(unit: str) -> int:
    u = unit.lower()
    if u in ("秒", "s", "sec", "secs", "second", "seconds"):
        return 1
    if u in ("分钟", "分鐘", "m", "min", "mins", "minute", "minutes"):
        return 60
    if u in ("小时", "小時", "h", "hr", "hrs", "hour", "hours"):
        return 3600
    return 86400


def _hour(h: int, m: re.Match[str]) -> int | None:
    ampm = (m.group("ampm1") or "") + (m.group("ampm2") or "").replace(".", "").lower()
    if ampm and h > 12:
        return None
    if any(w in ampm for w in ("下午", "晚上", "傍晚", "pm")) and h < 12:
        h += 12
    elif any(w in ampm for w in ("上午", "凌晨", "早上", "早晨", "am")) and h == 12:
        h = 0
    elif "中午" in ampm and h < 11:
        h += 12
    return h if 0 <= h <= 23 else None


def _safe_date(y: int, mo: int, d: int) -> date | None:
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def resolve(text: str | None, now: datetime, default_day: date | None = None) -> datetime | None:
    """The instant a displayed chat time stands for, or None when it cannot be read.

    ``now`` is the capture time, timezone-aware, in the zone the page showed times in.
    A time without a day is on ``default_day`` (a day row above it), else today; a month and day without a year is the latest such
    date not after today; a weekday is the latest such day before today. A time past
    the ends of the calendar (``99999999 天前``, 昨天 on 1 January of year 1) is None.
    """
    try:
        moment = _resolve(text, now, default_day)
        if moment is not None:
            moment.astimezone(UTC)  # ids hash the UTC instant: it must exist
        return moment
    except (OverflowError, ValueError):  # datetime's range, int()'s digit limit
        return None


def _resolve(text: str | None, now: datetime, default_day: date | None) -> datetime | None:
    if not text:
        return None
    raw = text.strip()
    if not raw:
        return None
    tz = now.tzinfo or UTC
    if m := _EPOCH.match(raw):
        n = int(m["n"])
        return datetime.fromtimestamp(n / 1000 if len(m["n"]) == 13 else n, UTC).astimezone(tz)
    if _ISO.match(raw):
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed.astimezone(tz)
    if _JUST_NOW.search(raw):
        return now.replace(microsecond=0)
    if m := _AGO.search(raw):
        return (now - timedelta(seconds=int(m["n"]) * _unit_seconds(m["unit"]))).replace(
            microsecond=0)

    today = now.date()
    clock = _CLOCK_RE.search(raw)
    # the day is read from what is left once the clock is blanked out, so that a bare
    # "11-26" is never read out of "09:15"
    rest = raw if clock is None else raw[:clock.start()] + " " * (clock.end() - clock.start()) \
        + raw[clock.end():]
    day: date | None = None
    matched = True
    if m := _FULL.search(rest):
        day = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    elif m := _EN_DATE.search(rest):
        year = int(m["y"]) if m["y"] else today.year
        day = _safe_date(year, _MONTHS[m["mon"][:3].lower()], int(m["d"]))
        if day and not m["y"] and day > today:
            day = _safe_date(year - 1, day.month, day.day)
    elif m := _DAY_WORD.search(rest):
        day = today - timedelta(days=_DAY_WORDS[m.group(0).lower()])
    elif m := _WEEKDAY.search(rest):
        wd = _WEEKDAYS[(m["zh"] or m["en"]).lower()]
        day = today - timedelta(days=(today.weekday() - wd) % 7 or 7)
    elif m := _MONTH_DAY.search(rest):
        day = _safe_date(today.year, int(m["mo"]), int(m["d"]))
        if day and day > today:
            day = _safe_date(today.year - 1, day.month, day.day)
    else:
        matched = False
    if matched and day is None:
        return None  # a date that does not exist (02-30)
    if clock is None:
        if day is None:
            return None
        return datetime(day.year, day.month, day.day, tzinfo=tz)
    hour = _hour(int(clock["h"]), clock)
    minute, second = int(clock["mi"]), int(clock["s"] or 0)
    if hour is None or minute > 59 or second > 59:
        return None
    if day is None:
        day = default_day or today
    return _localize(datetime(day.year, day.month, day.day, hour, minute, second), tz)


def _localize(naive: datetime, tz: tzinfo) -> datetime:
    """Attach ``tz`` to a wall-clock time (zoneinfo picks the first of an ambiguous pair)."""
    return naive.replace(tzinfo=tz)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset, to the second: ``2027-11-27T14:02:00+08:00``."""
    return moment.isoformat(timespec="seconds") if moment is not None else None


def parse_instant(value: datetime | str | None, tz: tzinfo) -> datetime | None:
    """A capture time given as a datetime or an RFC 3339 string, seen in ``tz``."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(tz)
    except (OverflowError, ValueError):  # 9999-12-31T23:59Z seen from UTC+8
        return None
