"""Promotion countdowns as shops show them: 距结束 02:13:45, 仅剩 2天03时12分, Deal ends
in 05:12:33 (issue 14: ``countdown_reset`` compares their deadlines across captures).

A countdown is a cue (距结束/距开抢/倒计时/仅剩/限时…, "ends in", "starts in", or a
trailing 后结束/"left") with a duration right after it (before it, for a trailing cue):
``02:13:45``, ``2 天 03:12:11``, ``2天03时12分``, ``2h 13m``, and the digits shops draw
one ``<span>`` (or one block) per digit or unit, which the text reads as ``021345`` or as
one line per piece. A deadline the element carries for its script (``data-end-time``,
``data-deadline``… as epoch seconds or milliseconds or a date) wins over the text when it
sits with the countdown read. Not countdowns: a clock or a time of day (10:00:00 开抢,
opening hours 09:00-21:00), a delivery cut-off ("order within 3 hrs 12 mins for delivery
tomorrow", 16:00前下单), a payment timeout, a video's length.

>>> c = find_countdown(["限时秒杀", "距结束 02:13:45"], captured_at="2026-12-02T04:00:00Z")
>>> c["remaining_s"], c["ends_at"], c["event"]
(8025, '2026-12-02T06:13:45Z', 'end')
>>> find_countdown(["Order within 3 hrs 12 mins for delivery tomorrow"]) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from . import blocks
from .chattime import parse_instant
from .html import clean, short_text

MAX_REMAINING_S = 400 * 86400  # a longer "countdown" is a date or a number, not a promotion
_WINDOW = 80  # characters of a line read after a cue (before a trailing one)
_PIECE_LINES = 16  # lines of digits and units (one block per piece) read after a cue

# A cue before the duration, matched where one of _KEYS is. Strong cues say "time left";
# the weak 限时… ("limited time") only counts with a clock or two units after it (限时3天 is
# how long a sale lasts).
_LEAD = (
    r"(?:距[離离]?[^\n，,。:：]{0,8}?(?:开抢|开始|开售|开场|结束|截止|開搶|開始"
    r"|開售|開場|結束)(?:时间|時間)?|倒计时|倒計時|倒数|倒數"
    r"|剩余时间|剩餘時間|仅剩|僅剩|还剩|還剩|只剩|剩余|剩餘)"
    r"|(?P<weak>限时(?:秒杀|特惠|抢购|优惠|折扣|特价|促销|直降|闪购)?"
    r"|限時(?:秒殺|特惠|搶購|優惠|折扣|特價|特賣|促銷|閃購)?)"
    r"|(?P<en>(?:ends?|ending|expires?|closes?|starts?|begins?|starting)\s+in\b"
    r"|time\s+(?:left|remaining)\b)"
)
# A cue after the duration: 02:13:45后结束, 2h 13m left.
_TRAIL = (r"(?P<trail>[后後](?:结束|截止|恢复原价|恢复|涨价|失效|开抢|开始|开售"
          r"|結束|恢復原價|恢復|漲價|失效|開搶|開始|開售)"
          r"|(?:left|remaining)\b)")
_CUE = re.compile(_LEAD + "|" + _TRAIL, re.IGNORECASE)
# Where cues are: found with str.find, a few characters each (a regex of alternatives walks a
# 100 kB page position by position, some 30 ms; a find of one character takes 0.02 ms). Each
# key gives the offsets, from where it was found, at which a cue may start: 仅剩 and 剩余
# around 剩; "Ends in" before " in"; "time left" and "left" around "eft". The visible text
# keeps the DOM's case (CSS capitals are not in it): lower case and capitalised will do.
_KEYS = {"距": (0,), "倒": (0,), "限": (0,), "剩": (-1, 0), "后": (0,), "後": (0,),
         " in": (), " In": (), "eft": (-6, -1), "emaining": (-6, -1)}
_VERB = re.compile(r"(?:end|ending|expire|close|start|begin|starting)s?$", re.IGNORECASE)
# What may name the event before an English cue: "Deal ends in", "Flash sale ends in".
_SUBJECT = re.compile(r"(?:deal|offer|sale|promotion|promo|discount|price|auction|event)"
                      r"\s+$", re.IGNORECASE)
_FILLER = re.compile(r"[\s:：,，]*(?:还有|還有|仅剩|僅剩|剩余|剩餘|还剩|還剩|只剩|仅有)?[\s:：]*")

_PAIR = r"\d\s?\d"  # two digits, maybe two spans apart
_DAYS = r"(?:(?P<d>\d{1,3})\s*(?:天|日|days?|d)(?![a-z])[\s,，]*)?"
_CLOCK = (r"(?P<c1>\d{1,3}|\d\s\d)\s*[:：]\s*(?P<c2>" + _PAIR + r")"
          r"(?:\s*[:：]\s*(?P<c3>" + _PAIR + r"))?(?:\s*[:：]\s*(?P<c4>" + _PAIR + r"))?"
          r"(?:\s*[.:：]\s*\d(?!\d))?(?!\d|\s*[:：]\s*\d)")
_UNIT_NAMES = (r"天|日|days?|d", r"小时|小時|时|時|hours?|hrs?|h",
               r"分钟|分鐘|分|minutes?|mins?|m", r"秒|seconds?|secs?|s")
_UNITS = "".join(rf"(?:(?P<u{i}>\d{{1,3}})\s*(?:{names})(?![a-z])[\s,，:：]*)?"
                 for i, names in enumerate(_UNIT_NAMES))
_FORMS = (  # tried in this order at the start of what follows a cue
    re.compile(_DAYS + _CLOCK, re.IGNORECASE),
    re.compile(_UNITS, re.IGNORECASE),
    re.compile(r"(?P<bare>\d[\d\s]*\d)(?![\d:：])"),
)
_AT_END = tuple(re.compile(f"(?:{p.pattern})\\s*$", re.IGNORECASE) for p in _FORMS[:2])
# One line of a countdown drawn one block per piece: digits, separators, units.
_PIECE = re.compile(r"(?:\d+|[\s:：.]|天|日|小时|小時|时|時|分钟|分鐘|分|秒|days?|hours?|hrs?|h"
                    r"|minutes?|mins?|m|seconds?|secs?|s|d)+", re.IGNORECASE)
# What follows a time of day, not a duration: 10:00:00 开抢, 09:00-21:00, 16:00前下单.
_CLOCK_AFTER = re.compile(r"\s*(?:开抢|开始|开售|开场|開搶|開始|開售|场|場|点(?!击)|點|整|结束|結束|截止"
                          r"|前|起|[-~～—至]|到(?!手)"
                          r"|[ap]\.?m\b|o'?clock)", re.IGNORECASE)
# What follows a number that counts things: 仅剩 1234 件.
_COUNT_AFTER = re.compile(r"(?:\S|\s*(?:件|个|人|份|次|元|块|积分|单|台|只|条|张|位|名|pcs|items?"
                          r"|units?|sold|people|in stock))", re.IGNORECASE)
# A sentence about delivery, payment, returns, a warranty or a video, not a promotion.
_NOT_PROMOTION = re.compile(
    r"送达|送達|发货|發貨|配送|发出|揽收|收货|收貨|自提|当日达|次日达|下单.{0,8}(?:明天|今天|次日|当日|后天)"
    r"|支付|付款|取消订单|退货|退換|退换|保修|质保|視頻|视频|影片|播放|时长|營業|营业"
    r"|returns?\b|warranty|deliver|dispatch|\bships?\b|shipping|arrives?|get it"
    r"|order within|pick ?up|pay(?:ment)?\b|video|duration|opening|open(?:s|ing)? hours",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|[。！？；;]")
_START = re.compile(r"开抢|开始|开售|开场|開搶|開始|開售|開場|start|begin", re.IGNORECASE)
_DATA_ATTRS = ("data-end-time", "data-endtime", "data-end_time", "data-deadline",
               "data-end-date", "data-enddate", "data-expires", "data-expire-time")
_DATA_XPATH = "(//*[" + " or ".join(f"@{a}" for a in _DATA_ATTRS) + "])[position() <= 50]"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CHINA = timezone(timedelta(hours=8))


def find_countdown(lines: list[str], tree: Any = None, markup: str | None = None,
                   captured_at: datetime | str | None = None) -> dict[str, Any] | None:
    """The page's first promotion countdown, or None.

    ``lines``: the visible text (``html.visible_lines``); ``tree`` and ``markup`` (the
    parsed page and its source) for a deadline carried in a data attribute; ``captured_at``
    (a datetime or RFC 3339 string) turns the time left into a deadline. The result:
    ``{text, event: end|start, remaining_s, precision_s, ends_at, source}``; ``ends_at``
    is RFC 3339 UTC, None when neither the capture time nor the element gives it.
    """
    now = parse_instant(captured_at, UTC) if isinstance(captured_at, datetime | str) else None
    text = "\n".join(lines)
    others = blocks.passed_over(tree) if tree is not None else None

    def elsewhere(wording: str) -> bool:
        """Shown only in the blocks of other products (a carousel of flash sales)."""
        return others is not None and bool(others.spans) and others.only_inside(wording, text)

    shown, cued = _from_text(text, elsewhere)
    # a deadline in the markup only with a cue in the text (a page with none costs nothing)
    data = _from_data(tree, shown) if cued and tree is not None and markup and any(
        key in markup for key in ("data-end", "data-deadline", "data-expire")) else None
    if data is not None:
        ends, source, context = data
        if ends.tzinfo is None:  # a date without its offset: placed by the text, else China's
            ends = _place(ends, shown, now, context)
        if ends is not None:
            remaining = max(0, round((ends - now).total_seconds())) if now else (
                shown["remaining_s"] if shown else None)
            found = shown or {"text": context[:120], "event": _event(context),
                              "precision_s": 1}
            return {**found, "remaining_s": remaining, "ends_at": _rfc3339(ends),
                    "source": source}
    if shown is None:
        return None
    ends = _after_time(now, shown["remaining_s"])
    return {**shown, "ends_at": _rfc3339(ends) if ends else None, "source": "text"}


def _cues(text: str) -> Iterator[re.Match[str]]:
    """The cues of ``text`` in order (an English one only as a whole word)."""
    starts: set[int] = set()
    for key, offsets in _KEYS.items():
        at = text.find(key)
        while at >= 0:
            if offsets:
                starts.update(at + o for o in offsets if at + o >= 0)
            elif verb := _VERB.search(text, max(0, at - 9), at):  # "Ends" of "Ends in"
                starts.add(verb.start())
            at = text.find(key, at + 1)
    for at in sorted(starts):
        cue = _CUE.match(text, at)
        if cue is not None and not (text[at].isascii() and at and text[at - 1].isalnum()):
            yield cue


def _from_text(text: str, elsewhere: Callable[[str], bool]
               ) -> tuple[dict[str, Any] | None, bool]:
    """(the first countdown read in ``text``, or None; whether ``text`` holds a cue)."""
    cued = False
    for cue in _cues(text):
        cued = True
        line_start = text.rfind("\n", 0, cue.start()) + 1
        line_end = text.find("\n", cue.end())
        line_end = len(text) if line_end < 0 else line_end
        if _NOT_PROMOTION.search(_sentence(text, cue, line_start, line_end)):
            continue
        if cue["trail"]:
            found = _before(text, cue, line_start)
        else:
            found = _after(text, cue, line_end)
        if found is not None and not elsewhere(found.pop("shown")):
            return found, True
    return None, cued


def _sentence(text: str, cue: re.Match[str], line_start: int, line_end: int) -> str:
    """The sentence of the line around the cue (at most _WINDOW characters each side)."""
    before = text[max(line_start, cue.start() - _WINDOW): cue.start()]
    after = text[cue.end(): min(line_end, cue.end() + _WINDOW)]
    ends = list(_SENTENCE_END.finditer(before))
    cut = _SENTENCE_END.search(after)
    return (before[ends[-1].end():] if ends else before) + cue.group() + (
        after[:cut.start()] if cut else after)


def _after(text: str, cue: re.Match[str], line_end: int) -> dict[str, Any] | None:
    """The duration right after a leading cue: on its line, else on the piece lines after."""
    window = text[cue.end(): min(line_end, cue.end() + _WINDOW)]
    if _FILLER.fullmatch(window):
        pieces, at = [window], line_end + 1
        for _ in range(_PIECE_LINES):
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            if at >= len(text) or not _PIECE.fullmatch(text, at, end):
                break
            pieces.append(text[at:end])
            at = end + 1
        window = " ".join(pieces)
    start = _FILLER.match(window).end()  # type: ignore[union-attr]
    weak = bool(cue["weak"])
    for form in _FORMS:
        m = form.match(window, start)
        if m is not None and m.group().strip():
            break
    else:
        return None
    seconds, precision = _seconds(m, strong=not weak)
    if seconds is None:
        return None
    if m.groupdict().get("c1") is not None and _CLOCK_AFTER.match(window, m.end()):
        return None
    if m.groupdict().get("bare") is not None and _COUNT_AFTER.match(window, m.end()):
        return None
    event = "start" if _START.search(cue.group()) else "end"
    subject = _SUBJECT.search(text, max(0, cue.start() - 24), cue.start()) if cue["en"] else None
    return _reading((subject.group() if subject else "") + cue.group() + window[:m.end()], event,
                    seconds, precision)


def _before(text: str, cue: re.Match[str], line_start: int) -> dict[str, Any] | None:
    """The duration right before a trailing cue (02:13:45后结束, 2h 13m left)."""
    window = text[max(line_start, cue.start() - _WINDOW): cue.start()]
    for form in _AT_END:
        m = form.search(window)
        if m is not None and m.group().strip():
            break
    else:
        return None
    seconds, precision = _seconds(m, strong=True)
    if seconds is None:
        return None
    event = "start" if _START.search(cue.group()) else "end"
    return _reading(m.group() + cue.group(), event, seconds, precision)


def _reading(text: str, event: str, seconds: int, precision: int) -> dict[str, Any]:
    """The countdown read, and ``shown``: its words as the page's text holds them."""
    return {"text": clean(text.replace("\n", " ")), "event": event, "remaining_s": seconds,
            "precision_s": precision, "shown": text}


def _seconds(m: re.Match[str], *, strong: bool) -> tuple[int | None, int]:
    """(seconds left, the length of the smallest unit shown) of a duration match; None
    when it is no countdown (59 passed in a part under a larger one, a lone unit or a short
    clock after a weak cue, digits after a weak cue…)."""
    got = {k: int(re.sub(r"\s", "", v)) for k, v in m.groupdict().items()
           if v is not None and k != "bare"}
    if m.groupdict().get("bare") is not None:
        parts = _bare(m["bare"]) if strong else None
        precision = 1
    elif "c1" in got:
        clock = [got[k] for k in ("c1", "c2", "c3", "c4") if k in got]
        if len(clock) == 2 and not strong:
            return None, 1  # 限时 12:45 is a time of day as often as a countdown
        if len(clock) == 4 and "d" in got:
            return None, 1
        parts = clock if len(clock) == 4 else [got.get("d", 0), *[0] * (3 - len(clock)), *clock]
        precision = 1
    else:
        shown = [got.get(f"u{i}") for i in range(4)]
        present = [i for i, p in enumerate(shown) if p is not None]
        if not present or (len(present) < 2 and not strong):
            return None, 1
        parts = [p or 0 for p in shown]
        precision = (86400, 3600, 60, 1)[present[-1]]
        # the largest part shown may run over (90 minutes); the ones under it may not
        parts = parts if all(parts[i] < (10**9, 24, 60, 60)[i] for i in present[1:]) else None
    if parts is None:
        return None, 1
    days, hours, minutes, secs = parts
    if secs > 59 or (minutes > 59 and (hours or days)) or (hours > 23 and days):
        return None, 1
    total = ((days * 24 + hours) * 60 + minutes) * 60 + secs
    return (total if total <= MAX_REMAINING_S else None), precision


def _bare(digits: str) -> tuple[int, int, int, int] | None:
    """Digits without separators (the colons were drawn by CSS): ``02 13 45`` as groups,
    ``021345`` or one digit per span read from the right as (d)hhmmss; else None."""
    tokens = digits.split()
    if len(tokens) > 1 and not all(len(t) == 1 for t in tokens):
        if len(tokens) > 4 or any(len(t) > 3 for t in tokens) or \
                any(len(t) != 2 for t in tokens[1:]):
            return None
        groups = [0] * (4 - len(tokens)) + [int(t) for t in tokens]
        return groups[0], groups[1], groups[2], groups[3]
    run = "".join(tokens)
    if not 4 <= len(run) <= 8:
        return None
    secs, minutes = int(run[-2:]), int(run[-4:-2])
    hours = int(run[-6:-4]) if len(run) >= 5 else 0
    days = int(run[:-6]) if len(run) > 6 else 0
    return days, hours, minutes, secs


# -- deadlines in data attributes ------------------------------------------------------

def _from_data(tree: Any, shown: dict[str, Any] | None) -> tuple[datetime, str, str] | None:
    """(deadline, attribute name, the words around it) of the element that carries the
    countdown's deadline: with a countdown read from the text, the element whose
    surroundings show that countdown; without one, the first whose surroundings hold a cue."""
    want = re.sub(r"\D", "", shown["text"]) if shown else None  # its digits
    for el in tree.xpath(_DATA_XPATH):
        name, value = next(((a, el.get(a)) for a in _DATA_ATTRS if el.get(a)), (None, None))
        ends = _instant(value)
        if ends is None or name is None:
            continue
        parent = el.getparent()
        context = (short_text(parent if parent is not None else el, 300)
                   or short_text(el, 300) or "")
        if want is not None:
            if want and want in re.sub(r"\D", "", context):
                return ends, name, context
        elif next(_cues(context), None) and not _NOT_PROMOTION.search(context):
            return ends, name, context
    return None


def _instant(value: str | None) -> datetime | None:
    """Epoch seconds or milliseconds, or an ISO-like date (naive when it gives no offset)."""
    value = (value or "").strip()
    try:
        if value.isdigit() and len(value) in (10, 13):
            return datetime.fromtimestamp(int(value) / (1000 if len(value) == 13 else 1), UTC)
        moment = datetime.fromisoformat(value.replace("/", "-").replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return moment if 2000 <= moment.year <= 2100 else None


def _place(naive: datetime, shown: dict[str, Any] | None, now: datetime | None,
           context: str) -> datetime | None:
    """A deadline given without its offset, in the offset (a whole quarter hour) that agrees
    with the time left shown; without that, China's when the countdown's words are Chinese."""
    seen = _after_time(now, shown["remaining_s"]) if shown is not None else None
    if shown is not None and seen is not None:
        gap = (naive.replace(tzinfo=UTC) - seen).total_seconds()  # the local time's offset
        offset = round(gap / 900) * 900
        if abs(offset) <= 14 * 3600 and abs(gap - offset) <= 300 + shown["precision_s"]:
            return naive.replace(tzinfo=timezone(timedelta(seconds=offset)))
    if _CJK.search(context):
        return naive.replace(tzinfo=_CHINA)
    return None


def _event(text: str) -> str:
    cue = next(_cues(text), None)
    return "start" if cue and _START.search(cue.group()) else "end"


def _after_time(moment: datetime | None, seconds: int) -> datetime | None:
    """``seconds`` after ``moment``; None without one, or past the year 9999."""
    try:
        return moment + timedelta(seconds=seconds) if moment is not None else None
    except OverflowError:
        return None


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
