"""Field candidates and value normalisers shared by every strategy."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from .html import clean
from .money import Money

#: Strategy names as they appear in the record's ``sources``.
STRATEGIES = ("hints", "profile", "embedded-json", "json-ld", "microdata", "rdfa",
              "opengraph", "generic")


@dataclass
class Candidate:
    """One value for one field, as proposed by one strategy.

    ``role`` matters for prices: ``price`` (what is charged now), ``original`` (list or
    struck-through price) or ``range``; ``label`` keeps the wording next to the price
    (券后价, 原价, List Price...).
    """

    field: str
    value: Any
    strategy: str
    role: str = "price"
    label: str | None = None
    weight: float = 1.0
    family: str = ""

    def __post_init__(self) -> None:
        if not self.family:
            self.family = _FAMILY.get(self.strategy.split(":")[0], "display")


# Strategies that read what the page shows vote as one family, structured markup as
# another, script state as a third; a family votes once per value (its best weight).
_FAMILY = {"hints": "display", "profile": "display", "generic": "display",
           "json-ld": "markup", "microdata": "markup", "rdfa": "markup",
           "opengraph": "markup", "embedded-json": "state"}


def availability_of(value: Any) -> str | None:
    """A schema.org availability name from a URL, a phrase or a stock number (the phrase
    tables and rules live in :mod:`extractors.availability`)."""
    from .availability import availability_of as read  # it imports this module

    return read(value)


def scalar(value: Any) -> str | int | float | None:
    """``value`` when it is a string or a finite number, else None.

    Structured data and script state hold anything where a string is expected (lists,
    objects, ``NaN``, 10,000-digit integers); reading those with ``str()`` fails or gives
    ``'nan'``, so callers take only scalars.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int) and abs(value) >= 10 ** 18:
        return None  # str() of a huge int raises; no price or id is that long
    return value


def plain(value: Any, limit: int = 2000) -> str:
    """The scalars inside ``value`` (a JSON value of any shape) joined by spaces.

    What ``str()`` was used for, without its failures: no recursion on deep nesting, no
    ``'nan'``, no 10,000-digit integers, at most about ``limit`` characters.
    """
    out: list[str] = []
    size = 0
    stack = [value]
    while stack and size < limit:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(reversed(list(item.values())[:100]))
        elif isinstance(item, list | tuple):
            stack.extend(reversed(item[:100]))
        elif (s := scalar(item)) is not None:
            out.append(str(s))
            size += len(out[-1]) + 1
    return " ".join(out)[:limit]


def text_value(value: Any, limit: int = 500) -> str | None:
    """A clean one-line string, or None for empty/non-text values.

    A list gives its first text item, an object its ``name`` or ``@value`` (two levels at
    most: nothing deeper is a name).
    """
    for _ in range(3):
        if isinstance(value, list):
            value = next((v for v in value[:50] if isinstance(v, str | int | float | dict)
                          and not isinstance(v, bool) and _text(v, limit)), None)
        elif isinstance(value, dict):
            value = value.get("name") or value.get("@value")
        else:
            break
    return _text(value, limit)


def _text(value: Any, limit: int) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    value = scalar(value)
    if value is None:
        return None
    text = clean(str(value))
    return text[:limit] if text else None


def number_value(value: Any) -> float | None:
    """A finite number from a number or the first number in a string; None otherwise."""
    value = scalar(value)
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    m = re.search(r"\d+(?:[.,]\d+)?", value[:1000].replace(",", ""))
    if not m:
        return None
    number = float(m.group(0))
    if "万" in value[:1000]:
        number *= 10000
    return number if math.isfinite(number) and number < 1e15 else None


def money_key(money: Money) -> tuple[str, str | None]:
    return (str(money.amount.normalize()), money.currency)
