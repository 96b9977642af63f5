"""Chinese numerals to integers: 七 → 7, 十五 → 15, 两 → 2, 二十四 → 24, 一百 → 100."""

from __future__ import annotations

import re

_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "兩": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}

_ZH = "零〇一二两兩三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟"
#: A regex fragment matching one number written in Arabic digits or Chinese numerals. It
#: starts only where a run of digits (or numerals) starts: a regex trying every position
#: inside a 100,000-digit run would take quadratic time.
NUMBER = rf"(?:(?<!\d)\d+(?:\.\d+)?|(?<![{_ZH}])[{_ZH}]+)"

_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def to_number(text: str) -> float | None:
    """Parse Arabic (also full-width) or Chinese numerals below 10000; None if not a number."""
    text = text.strip().translate(_FULLWIDTH)
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    total = 0
    current = 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return float(total + current)


def to_int(text: str) -> int | None:
    """Like :func:`to_number` but only for whole numbers."""
    value = to_number(text)
    if value is None or value != int(value):
        return None
    return int(value)
