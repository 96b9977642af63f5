"""Dates in seller promises, resolved against the capture date.

A listing says "Estimated between Mon, Dec 8 and Thu, Dec 11", 1月25号-1月31号发货,
正月初十-元宵节发货, 预计明天(12月3日)送达: months and days, rarely a year, sometimes a
lunar-calendar day or a festival. With the capture date they become ISO dates (the year
that puts the date nearest the capture, a past date counting double: promises are about
the days ahead); without it a Gregorian date stays ``--MM-DD`` (ISO 8601 without the year)
and a lunar one is left out of ``params`` with a note. Lunar days are converted by
``lunar_python`` (MIT, a maintained library); no table is written here.

>>> from datetime import date
>>> read_date("Thu, Dec 11", date(2025, 12, 2))
('2025-12-11', None)
>>> read_date("正月初十", date(2026, 12, 2))
('2027-02-15', None)
>>> read_date("1月25号", None)
('--01-25', None)
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from .chattime import parse_instant

_CHINA = timezone(timedelta(hours=8))
UNREADABLE = "unreadable"
_MONTHS = {
    "jan": 1, "janv": 1, "januar": 1, "feb": 2, "fév": 2, "fev": 2, "févr": 2, "mar": 3,
    "mär": 3, "märz": 3, "mars": 3, "apr": 4, "avr": 4, "may": 5, "mai": 5, "jun": 6,
    "juin": 6, "juni": 6, "jul": 7, "juil": 7, "juli": 7, "aug": 8, "aoû": 8, "aou": 8,
    "août": 8, "sep": 9, "sept": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "déc": 12,
    "dez": 12,
}
#: a month name in English, French or German (full or cut, with or without a dot)
MONTH = (r"(?:jan(?:uary|vier|uar|v)?|feb(?:ruary|ruar)?|f[ée]v(?:rier|r)?|mar(?:ch|s)?|"
         r"m[äa]rz|apr(?:il)?|avr(?:il)?|may|mai|jun[ei]?|juin|jul[iy]?|juil(?:let)?|"
         r"aug(?:ust)?|ao[uû]t?|sep(?:tember|tembre|t)?|o[ck]t(?:ober|obre)?|"
         r"nov(?:ember|embre)?|d[ée][cz](?:ember|embre)?)\.?")
_WEEKDAY = (r"(?:mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs?|rsday)?|fri(?:day)?|"
            r"sat(?:urday)?|sun(?:day)?|lun(?:di)?|mar(?:di)?|mer(?:credi)?|jeu(?:di)?|"
            r"ven(?:dredi)?|sam(?:edi)?|dim(?:anche)?|mo(?:ntag)?|di(?:enstag)?|mi(?:ttwoch)?|"
            r"do(?:nnerstag)?|fr(?:eitag)?|sa(?:mstag)?|so(?:nntag)?)\b\.?,?")
_ZH_WEEKDAY = r"(?:\s*[（(]?\s*(?:周|星期|礼拜)[一二三四五六日天]\s*[)）]?)"
#: words for a day counted from today, in the languages the patterns read
RELATIVE_DAYS = {"今天": 0, "今日": 0, "当天": 0, "当日": 0, "明天": 1, "明日": 1, "次日": 1,
                 "后天": 2, "後天": 2, "today": 0, "tomorrow": 1, "aujourd'hui": 0,
                 "aujourd’hui": 0, "demain": 1, "après-demain": 2, "heute": 0, "morgen": 1,
                 "übermorgen": 2, "oggi": 0, "domani": 1, "hoy": 0, "mañana": 1, "dzisiaj": 0,
                 "dziś": 0, "jutro": 1, "сегодня": 0, "завтра": 1, "послезавтра": 2, "오늘": 0,
                 "내일": 1}
_RELATIVE = sorted(RELATIVE_DAYS.items(), key=lambda kv: -len(kv[0]))  # übermorgen first
RELATIVE = r"(?:今天|今日|明天|明日|后天|後天|today|tomorrow|aujourd'hui|après-demain|demain|übermorgen|heute|morgen)"
#: an absolute date as Chinese, English, French and German listings write it
DATE = (rf"(?:(?:{_WEEKDAY}\s*)?(?:{RELATIVE}\s*,?\s*)?(?:"
        rf"(?<!\d)\d{{4}}\s*[-/.年]\s*\d{{1,2}}\s*[-/.月]\s*\d{{1,2}}\s*[日号號]?|"
        rf"(?<!\d)\d{{1,2}}\s*月\s*\d{{1,2}}\s*[日号號]?|"
        rf"{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:,?\s+\d{{4}})?|"
        rf"(?<!\d)\d{{1,2}}(?:er|st|nd|rd|th|\.)?\s+{MONTH}(?:\s+\d{{4}})?|"
        rf"(?<![\d.])\d{{1,2}}[./]\d{{1,2}}(?:[./](?:\d{{4}}|\d{{2}})(?!\d)|\.|(?![\d.])))"
        rf"{_ZH_WEEKDAY}?)")

#: a date written with a month name (samedi 13 décembre, Fri, Dec 12): where a bare number
#: could be a price ("Livraison 3.99")
NAMED_DATE = (rf"(?:(?:{_WEEKDAY}\s*)?(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)|"
              rf"(?<!\d)\d{{1,2}}(?:er|st|nd|rd|th|\.)?\s+{MONTH}))")

_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12, "臘": 12}
_ZH_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9, "十": 10}
#: festivals by lunar (month, day); 除夕 is the last day of the twelfth month
_LUNAR_FESTIVALS = {"春节": (1, 1), "春節": (1, 1), "过年": (1, 1), "年后": (1, 1), "年後": (1, 1),
                    "年前": (1, 1), "过完年": (1, 1),
                    "元宵": (1, 15), "端午": (5, 5), "七夕": (7, 7), "中秋": (8, 15),
                    "重阳": (9, 9), "腊八": (12, 8), "臘八": (12, 8), "小年": (12, 23),
                    "除夕": (12, 0)}
#: festivals on fixed Gregorian days
_SOLAR_FESTIVALS = {"元旦": (1, 1), "五一": (5, 1), "劳动节": (5, 1), "六一": (6, 1),
                    "618": (6, 18), "国庆": (10, 1), "國慶": (10, 1), "双十一": (11, 11),
                    "双11": (11, 11), "雙十一": (11, 11), "双十二": (12, 12), "双12": (12, 12),
                    "圣诞": (12, 25), "聖誕": (12, 25)}
_LUNAR_DAY = r"(?:初[一二三四五六七八九十]|十[一二三四五六七八九]?|廿[一二三四五六七八九]?|二十[一二三四五六七八九]?|三十)"
#: a lunar-calendar day or a festival: 正月初十, 农历腊月二十, 元宵节, 春节后, 初八
LUNAR = (rf"(?:(?:农历|農曆|阴历)(?:正|二|三|四|五|六|七|八|九|十|十一|十二|冬|腊|臘)月{_LUNAR_DAY}|"
         rf"(?:正|冬|腊|臘)月{_LUNAR_DAY}|"
         rf"(?:二|三|四|五|六|七|八|九|十|十一|十二)月(?:初[一二三四五六七八九十]|廿[一二三四五六七八九]?)|"
         rf"(?:春节|春節|元宵|端午|七夕|中秋|重阳|腊八|臘八|小年|除夕|元旦|劳动节|五一|六一|国庆|國慶|"
         rf"双十一|雙十一|双11|双十二|双12|圣诞|聖誕)节?|(?<![\d.])618(?!\d)|"
         rf"(?<!月)(?:大年)?初[一二三四五六七八九十](?![一二三四五六七八九十]))")
#: a date as Chinese shops write a ship date (1月25号, 2027年1月3日, 12.10, or a LUNAR day),
#: behind a one-character look-ahead so that the regex engine rejects most positions at once
ZH_WHEN = (r"(?=[\d农農阴正冬腊臘二三四五六七八九十春元端中重小除双雙圣聖大初国國劳])"
           rf"(?:(?<!\d)(?:\d{{4}}\s*[-/.年]\s*)?\d{{1,2}}\s*月\s*\d{{1,2}}\s*[日号號]?|"
           rf"(?<![\d.])\d{{1,2}}[./]\d{{1,2}}(?![\d.])\s*[日号號]?|{LUNAR})")
_LUNAR_RE = re.compile(rf"(?:正|十一|十二|二|三|四|五|六|七|八|九|十|冬|腊|臘)(?=月)|{_LUNAR_DAY}")


def capture_day(captured_at: datetime | date | str | None, chinese: bool = False) -> date | None:
    """The calendar day of the capture: in China's time for Chinese wording, else as given."""
    if isinstance(captured_at, date) and not isinstance(captured_at, datetime):
        return captured_at
    if not isinstance(captured_at, str | datetime):
        return None
    moment = parse_instant(captured_at, UTC) if isinstance(captured_at, str) else (
        captured_at if captured_at.tzinfo else captured_at.replace(tzinfo=UTC))
    if moment is None:
        return None
    try:
        return moment.astimezone(_CHINA).date() if chinese else moment.date()
    except (OverflowError, ValueError):  # 9999-12-31T23:00Z seen from UTC+8
        return None


def _nearest(candidates: list[date], today: date) -> date:
    """The candidate nearest ``today``, days in the past counting double."""
    return min(candidates, key=lambda d: (d - today).days if d >= today else 2 * (today - d).days)


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_day(text: str, day_first: bool) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of an absolute date written in ``text``."""
    if m := re.search(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", text):
        return int(m[1]), int(m[2]), int(m[3])
    if m := re.search(r"(\d{1,2})\s*月\s*(\d{1,2})", text):
        return None, int(m[1]), int(m[2])
    if m := re.search(rf"({MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(\d{{4}}))?", text,
                      re.IGNORECASE):
        month = _month_number(m[1])
        if month:
            return (int(m[3]) if m[3] else None), month, int(m[2])
    if m := re.search(rf"(\d{{1,2}})(?:er|st|nd|rd|th|\.)?\s+({MONTH})(?:\s+(\d{{4}}))?", text,
                      re.IGNORECASE):
        month = _month_number(m[2])
        if month:
            return (int(m[3]) if m[3] else None), month, int(m[1])
    if m := re.search(r"(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}))?", text):
        a, b = int(m[1]), int(m[2])
        year = int(m[3]) if m[3] else None
        if year is not None and year < 100:
            year += 2000
        return (year, b, a) if day_first else (year, a, b)
    return None


def _month_number(name: str) -> int | None:
    key = name.lower().rstrip(".")
    for size in (5, 4, 3):
        if key[:size] in _MONTHS:
            return _MONTHS[key[:size]]
    return None


def _lunar_to_solar(month: int, day: int, today: date) -> date | None:
    try:
        from lunar_python import Lunar, LunarMonth
    except ImportError:
        return None
    found = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:  # the library knows 1900-2100; anything it rejects is no date
            last = LunarMonth.fromYm(year, month)
            if last is None or day > last.getDayCount():
                continue
            solar = Lunar.fromYmd(year, month, day or last.getDayCount()).getSolar()
            found.append(date(solar.getYear(), solar.getMonth(), solar.getDay()))
        except Exception:  # noqa: BLE001 - a third-party calendar's own errors
            continue
    return _nearest(found, today) if found else None


def _lunar_parts(text: str) -> tuple[int, int] | None:
    """Lunar (month, day) of 正月初十, 腊月二十, 元宵节, 初八 (day 0 = the month's last)."""
    for name, md in _LUNAR_FESTIVALS.items():
        if name in text:
            return md
    parts = _LUNAR_RE.findall(text)
    month = 1
    if len(parts) == 2:
        month = _LUNAR_MONTHS.get(parts[0]) or _zh_int(parts[0])
        day_text = parts[1]
    elif len(parts) == 1 and re.match(r"\s*(?:大年)?初", text):
        day_text = parts[0]
    else:
        return None
    day = _zh_int(day_text.replace("初", "").replace("廿", "二十"))
    return (month, day) if month and day else None


def _zh_int(text: str) -> int:
    if text in _ZH_NUM:
        return _ZH_NUM[text]
    if text.startswith("十"):
        return 10 + _ZH_NUM.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _ZH_NUM.get(tens, 0) * 10 + _ZH_NUM.get(ones, 0)
    return 0


def read_date(text: str, today: date | None, day_first: bool = False) -> tuple[str | None, str | None]:
    """(ISO date or ``--MM-DD`` or None, note) for one date as a promise wrote it; the note
    is :data:`UNREADABLE` when the text is no date at all (3.99 is no 3 September)."""
    text = text.strip()
    for name, (m, d) in _SOLAR_FESTIVALS.items():
        if name in text:
            return _gregorian(None, m, d, today), None
    lunar = _lunar_parts(text)
    if lunar is not None:
        if today is None:
            return None, f"lunar date {text} not resolved: no capture date"
        solar = _lunar_to_solar(lunar[0], lunar[1], today)
        if solar is None:
            return None, f"lunar date {text} not resolved: lunar_python is not installed"
        return solar.isoformat(), None
    parts = _month_day(text, day_first)
    if parts is None:
        rel = next((v for k, v in _RELATIVE if k in text.lower()), None)
        if rel is None:
            return None, UNREADABLE
        if today is None:
            return None, None
        return (today + timedelta(days=rel)).isoformat(), None
    year, month, day = parts
    value = _gregorian(year, month, day, today)
    return (value, None) if value else (None, UNREADABLE)


def _gregorian(year: int | None, month: int, day: int, today: date | None) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year is not None:
        found = _safe(year, month, day)
        return found.isoformat() if found else None
    if today is None:
        return f"--{month:02d}-{day:02d}"
    options = [d for d in (_safe(y, month, day) for y in range(today.year - 1, today.year + 2)) if d]
    return _nearest(options, today).isoformat() if options else None


def date_params(groups: dict[str, str], today: date | None, day_first: bool
                ) -> tuple[dict[str, Any], list[str]] | None:
    """``date``/``date_from``/``date_to`` params from the matched date texts, and notes;
    None when one of them is no date."""
    params: dict[str, Any] = {}
    notes: list[str] = []
    day_to = groups.pop("day_to", None)  # "Dec 10 - 15": the same month as the start
    if day_to and "date_from" in groups:
        groups["date_to"] = re.sub(r"(?<!\d)\d{1,2}(?!\d)(?!.*(?<!\d)\d{1,2}(?!\d))",
                                   day_to, groups["date_from"])
    for name, raw in groups.items():
        value, note = read_date(raw, today, day_first)
        if note == UNREADABLE:
            return None
        if value is not None:
            params[name] = value
        if note:
            notes.append(note)
    start, end = params.get("date_from"), params.get("date_to")
    if start and end and start[:2] != "--" and end[:2] != "--" and end < start:
        later = _safe(int(end[:4]) + 1, int(end[5:7]), int(end[8:10]))  # Dec 29 – Jan 2
        if later:
            params["date_to"] = later.isoformat()
    return params, notes
