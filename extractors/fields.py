"""Field candidates and value normalisers shared by every strategy."""

from __future__ import annotations

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

_AVAILABILITY = (
    (re.compile(r"OutOfStock|SoldOut|无货|缺货|售罄|已售完|卖光|已抢光|暂时无货|out of stock|"
                r"sold out|currently unavailable|unavailable", re.I), "OutOfStock"),
    (re.compile(r"PreOrder|预售|预订|pre-?order", re.I), "PreOrder"),
    (re.compile(r"BackOrder|back-?order", re.I), "BackOrder"),
    (re.compile(r"Discontinued|已下架|停售|停产|discontinued", re.I), "Discontinued"),
    (re.compile(r"LimitedAvailability|库存紧张|仅剩|only \d+ left", re.I), "LimitedAvailability"),
    (re.compile(r"(?:库存|有货)\s*[:：]?\s*0(?!\d)", re.I), "OutOfStock"),
    (re.compile(r"(?:库存|有货)\s*[:：]?\s*[1-9]", re.I), "InStock"),
    (re.compile(r"InStock|OnlineOnly|InStoreOnly|现货|有货|库存充足|in stock|available|"
                r"加入购物车|立即购买|add to cart|buy now", re.I), "InStock"),
)


def availability_of(value: Any) -> str | None:
    """A schema.org availability name from a URL, a phrase or a stock number."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "InStock" if value else "OutOfStock"
    if isinstance(value, int | float):
        return "InStock" if value > 0 else "OutOfStock"
    text = clean(str(value))
    if not text:
        return None
    if re.fullmatch(r"\d+", text):
        return "InStock" if int(text) > 0 else "OutOfStock"
    tail = text.rsplit("/", 1)[-1]
    for regex, name in _AVAILABILITY:
        if regex.search(tail):
            return name
    return None


def text_value(value: Any, limit: int = 500) -> str | None:
    """A clean one-line string, or None for empty/non-text values."""
    if isinstance(value, list):
        value = next((v for v in value if text_value(v)), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if value is None or isinstance(value, dict | list | bool):
        return None
    text = clean(str(value))
    return text[:limit] if text else None


def number_value(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    m = re.search(r"\d+(?:[.,]\d+)?", str(value).replace(",", ""))
    if not m:
        return None
    number = float(m.group(0))
    if "万" in str(value):
        number *= 10000
    return number


def money_key(money: Money) -> tuple[str, str | None]:
    return (str(money.amount.normalize()), money.currency)
