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
    "jan": 1, "janv": 1, "januar": 1, "ene": 1, "gen": 1, "feb": 2, "fév": 2, "fev": 2,
    "févr": 2, "mar": 3, "mär": 3, "märz": 3, "mars": 3, "maa": 3, "apr": 4, "avr": 4,
    "abr": 4, "may": 5, "mai": 5, "mag": 5, "mei": 5, "jun": 6, "juin": 6, "juni": 6,
    "giu": 6, "jul": 7, "juil": 7, "juli": 7, "lug": 7, "aug": 8, "aoû": 8, "aou": 8,
    "août": 8, "ago": 8, "sep": 9, "sept": 9, "set": 9, "oct": 10, "okt": 10, "ott": 10,
    "out": 10, "nov": 11, "dec": 12, "déc": 12, "dez": 12, "dic": 12,
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6, "июл": 7,
    "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}
#: a month name in English, French, German, Spanish, Italian, Portuguese, Dutch or Russian
#: (full or cut, with or without a dot); the Portuguese and Italian cuts that are English
#: words (set, out) only in full
MONTH = (r"(?:jan(?:uary|vier|uar[iy]?|eiro|v)?|ene(?:ro)?|gen(?:naio)?|"
         r"feb(?:ruary|ruar[i]?|rero|braio)?|f[ée]v(?:rier|ereiro|r)?|mar(?:ch|s|zo|ço)?|"
         r"m[äa]rz|maart|apr(?:il|ile)?|avr(?:il)?|abr(?:il)?|may(?:o)?|mai(?:o)?|magg(?:io)?|"
         r"mei|jun(?:e|i|io|ho)?|juin|giu(?:gno)?|jul(?:y|i|io|ho)?|juil(?:let)?|lug(?:lio)?|"
         r"aug(?:ust|ustus)?|ao[uû]t?|ago(?:sto)?|sep(?:tember|tembre|tiembre|t)?|setembro|"
         r"settembre|setiembre|o[ck]t(?:ober|obre|ubre)?|ott(?:obre)?|outubro|"
         r"nov(?:ember|embre|iembre|embro)?|d[ée][cz](?:ember|embre|embro)?|dic(?:iembre|embre)?|"
         r"января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|"
         r"янв|фев|мар|апр|июн|июл|авг|сен|окт|ноя|дек)"
         r"\.?(?![a-zà-ÿа-яё])")
#: weekday words (Mon, mar., Do., miércoles, quinta-feira, wo): index 0 = Monday. Two-letter
#: German and Dutch cuts are looked up after the three-letter ones (do = Thursday, dom =
#: Sunday)
_WEEKDAYS = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6,
    "mié": 2, "mie": 2, "jue": 3, "vie": 4, "sáb": 5, "sab": 5, "dom": 6, "gio": 3,
    "seg": 0, "ter": 1, "qua": 2, "qui": 3, "sex": 4,
    "maa": 0, "din": 1, "woe": 2, "don": 3, "vri": 4, "zat": 5, "zon": 6,
    "mo": 0, "di": 1, "mi": 2, "do": 3, "fr": 4, "sa": 5, "so": 6,
    "ma": 0, "wo": 2, "vr": 4, "za": 5, "zo": 6,
}
_WEEKDAY = (r"(?:mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs?|rsday)?|fri(?:day)?|"
            r"sat(?:urday)?|sun(?:day)?|lun(?:di|es|ed[iì])?|mar(?:di|tes|ted[iì])?|"
            r"mer(?:credi|coled[iì])?|mi[ée](?:rcoles)?|jeu(?:di)?|jue(?:ves)?|gio(?:ved[iì])?|"
            r"ven(?:dredi|erd[iì])?|vie(?:rnes)?|sam(?:edi)?|s[áa]b(?:ado|ato)?|dim(?:anche)?|"
            r"dom(?:ingo|enica)?|seg(?:unda)?|ter(?:ça|ca)?|qua(?:rta)?|qui(?:nta)?|sex(?:ta)?|"
            r"mo(?:ntag)?|di(?:enstag)?|mi(?:ttwoch)?|do(?:nnerstag)?|fr(?:eitag)?|sa(?:mstag)?|"
            r"so(?:nntag)?|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"
            r"ma|wo|vr|za|zo)(?:-feira)?\b\.?,?")
_ZH_WEEKDAY = r"(?:\s*[（(]?\s*(?:周|星期|礼拜)[一二三四五六日天]\s*[)）]?)"
#: ", Friday" after the date (Flipkart's "Delivery by 5 Dec, Friday"): English, with a comma
_EN_WEEKDAY_AFTER = (r"(?:,\s*(?:mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?"
                     r"\b\.?)")
#: words for a day counted from today, in the languages the patterns read
RELATIVE_DAYS = {"今天": 0, "今日": 0, "当天": 0, "当日": 0, "明天": 1, "明日": 1, "次日": 1,
                 "后天": 2, "後天": 2, "today": 0, "tomorrow": 1, "aujourd'hui": 0,
                 "aujourd’hui": 0, "demain": 1, "après-demain": 2, "heute": 0, "morgen": 1,
                 "übermorgen": 2, "oggi": 0, "domani": 1, "hoy": 0, "mañana": 1, "dzisiaj": 0,
                 "dziś": 0, "jutro": 1, "сегодня": 0, "завтра": 1, "послезавтра": 2, "오늘": 0,
                 "내일": 1, "amanhã": 1, "hoje": 0, "vandaag": 0,
                 "ngày mai": 1, "hôm nay": 0}
_RELATIVE = sorted(RELATIVE_DAYS.items(), key=lambda kv: -len(kv[0]))  # übermorgen first
RELATIVE = (r"(?:今天|今日|明天|明日|后天|後天|today|tomorrow|aujourd'hui|après-demain|demain|"
            r"übermorgen|heute|morgen|mañana|domani|amanhã)")
#: an absolute date as Chinese, English, French and German listings write it
DATE = (rf"(?:(?:{_WEEKDAY}\s*|(?:周|星期)[一二三四五六日天]\s*)?(?:{RELATIVE}\s*,?\s*)?(?:"
        rf"(?<!\d)\d{{4}}\s*[-/.年]\s*\d{{1,2}}\s*[-/.月]\s*\d{{1,2}}\s*[日号號]?|"
        rf"(?<!\d)\d{{1,2}}\s*月\s*\d{{1,2}}\s*[日号號]?|"
        rf"{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:,?\s+\d{{4}})?|"
        rf"(?<!\d)\d{{1,2}}(?:er|st|nd|rd|th|\.|º)?\s+(?:de\s+)?{MONTH}(?:\s+(?:de\s+)?\d{{4}})?|"
        rf"(?<![\d.])\d{{1,2}}[./]\d{{1,2}}(?:[./](?:\d{{4}}|\d{{2}})(?!\d)|\.|(?![\d.])))"
        rf"(?:{_ZH_WEEKDAY}|{_EN_WEEKDAY_AFTER})?)")

#: a date written with a month name (samedi 13 décembre, Fri, Dec 12): where a bare number
#: could be a price ("Livraison 3.99")
NAMED_DATE = (rf"(?:(?:{_WEEKDAY}\s*)?(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)|"
              rf"(?<!\d)\d{{1,2}}(?:er|st|nd|rd|th|\.|º)?\s+(?:de\s+)?{MONTH}))")

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


def extraction_day() -> date:
    """The day of extraction: only a date's year is ever guessed from it (a weekday written
    with a date, when no capture date was given). Tests replace it."""
    return date.today()


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
    if m := re.search(rf"(\d{{1,2}})(?:er|st|nd|rd|th|\.|º)?\s+(?:de\s+)?({MONTH})"
                      rf"(?:\s+(?:de\s+)?(\d{{4}}))?", text, re.IGNORECASE):
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


_LEADING_WORD = re.compile(r"\s*([^\W\d_]+)(?:-feira)?\.?,?\s")
_ZH_WEEKDAY_RE = re.compile(r"(?:周|星期|礼拜|禮拜)([一二三四五六日天])|([月火水木金土日])曜|"
                            r"[（(]\s*([月火水木金土日])\s*[)）]")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_WEEKDAY_AFTER_RE = re.compile(r",\s*(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s*$", re.IGNORECASE)


def weekday_of(text: str, day_first: bool = False) -> int | None:
    """The weekday (0 = Monday) written with a date: "Mon, Dec 8", "Do., 4. Dez.", "mié. 10 de
    diciembre", "12月8日(周一)", "12月10日 水曜日", "5 Dec, Friday"; None when there is none
    (a leading word counts only when a date follows it: "Mar 12" is March). Japanese (月)
    is a weekday only in parentheses or before 曜."""
    if m := _ZH_WEEKDAY_RE.search(text):
        if m[1]:  # 周一 … 周六, 周日/周天
            return "一二三四五六日天".index(m[1]) if m[1] in "一二三四五六" else 6
        return "月火水木金土日".index(m[2] or m[3])  # Japanese: 水曜日, (金)
    if m := _EN_WEEKDAY_AFTER_RE.search(text):
        return _WEEKDAYS[m[1].lower()]
    if (m := _LEADING_WORD.match(text)) and _month_day(text[m.end():], day_first):
        word = m[1].lower()
        return _WEEKDAYS.get(word[:3], _WEEKDAYS.get(word[:2]))
    return None


def year_from_weekday(month: int, day: int, weekday: int, near: date) -> int | None:
    """The year nearest ``near`` in which month/day falls on ``weekday``. Such years are 5, 6
    or 11 apart (28 for 29 February), so the answer is right when ``near`` is within about
    two and a half years of the day the page was shown."""
    years = [y for y in range(near.year - 14, near.year + 15)
             if (d := _safe(y, month, day)) is not None and d.weekday() == weekday]
    return min(years, key=lambda y: (abs(y - near.year), -y)) if years else None


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


def _anchor_from_weekday(texts: Any, day_first: bool) -> tuple[date | None, str | None]:
    """Without a capture date, a date written with its weekday ("Mon, Dec 8") dates itself:
    the year nearest :func:`extraction_day` in which that day is that weekday. It then anchors the
    promise's other dates as a capture date would."""
    for text in texts:
        weekday = weekday_of(text, day_first)
        parts = _month_day(text, day_first) if weekday is not None else None
        if parts is None or parts[0] is not None:
            continue
        _, month, day = parts
        year = year_from_weekday(month, day, weekday, extraction_day())
        if year is not None:
            return date(year, month, day), (
                f"no capture date: year {year} read from the weekday, the year nearest the day "
                f"of extraction in which {month:02d}-{day:02d} is a {_WEEKDAY_NAMES[weekday]}")
    return None, None


def date_params(groups: dict[str, str], today: date | None, day_first: bool
                ) -> tuple[dict[str, Any], list[str]] | None:
    """``date``/``date_from``/``date_to`` params from the matched date texts, and notes;
    None when one of them is no date."""
    params: dict[str, Any] = {}
    notes: list[str] = []
    if today is None:
        today, note = _anchor_from_weekday(groups.values(), day_first)
        if note:
            notes.append(note)
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
