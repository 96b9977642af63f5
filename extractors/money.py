"""Prices in text: currency symbols, 万, thousands separators, ranges.

Generic price parsers read ``￥`` as yen; on a Chinese shop both ``¥`` and ``￥`` mean CNY.
The caller passes the currency the site context implies (``default_currency``) and this
module decides: ``¥``/``￥`` is JPY only when that default is JPY, otherwise CNY.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_CUR = r"US\$|USD|CNY|RMB|HK\$|NT\$|A\$|AU\$|C\$|CA\$|S\$|JP¥|EUR|GBP|JPY|[¥￥$€£]"
_NUM = r"\d(?:[\d,.]*\d)?"
_POST = r"元|圆|円|€|USD|EUR|CNY|RMB|GBP|JPY"
_SEP = r"\s*(?:-|~|～|–|—|至|到|to)\s*"
PRICE_RE = re.compile(
    rf"(?P<pre>{_CUR})?\s?(?P<num>{_NUM})\s?(?P<wan>万)?\s?(?P<post>{_POST})?"
    rf"(?:{_SEP}(?P<pre2>{_CUR})?\s?(?P<num2>{_NUM})\s?(?P<wan2>万)?\s?(?P<post2>{_POST})?)?",
)

_SYMBOLS = {
    "US$": "USD", "USD": "USD", "CNY": "CNY", "RMB": "CNY", "HK$": "HKD", "NT$": "TWD",
    "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "S$": "SGD", "JP¥": "JPY",
    "EUR": "EUR", "GBP": "GBP", "JPY": "JPY", "$": "USD", "€": "EUR", "£": "GBP",
    "元": "CNY", "圆": "CNY", "円": "JPY",
}
_CENT = Decimal("0.01")
_MAX = Decimal("1e12")


@dataclass(frozen=True)
class Money:
    """An amount (or a range when ``max_amount`` is set) in an ISO 4217 currency."""

    amount: Decimal
    currency: str | None
    max_amount: Decimal | None = None

    def as_price(self) -> dict[str, str | None]:
        return {"amount": fmt(self.amount), "currency": self.currency}

    def as_range(self) -> dict[str, str | None]:
        top = self.max_amount if self.max_amount is not None else self.amount
        return {"min": fmt(self.amount), "max": fmt(top), "currency": self.currency}


def fmt(amount: Decimal) -> str:
    """Decimal string with two places: ``Decimal('199') -> '199.00'``."""
    return str(amount.quantize(_CENT))


def currency_of(symbol: str | None, default_currency: str | None) -> str | None:
    """ISO code for a symbol; yen-sign resolves to JPY only when the site context is JPY."""
    if not symbol:
        return default_currency
    if symbol in ("¥", "￥"):
        return "JPY" if default_currency == "JPY" else "CNY"
    return _SYMBOLS.get(symbol, default_currency)


def to_decimal(num: str, currency: str | None = None) -> Decimal | None:
    """Parse ``1,299.00``, ``1.299,00`` (euro style), ``15000``; None when not a number."""
    num = num.strip()
    if "," in num and "." in num:
        dec = "," if num.rfind(",") > num.rfind(".") else "."
        num = num.replace("." if dec == "," else ",", "").replace(",", ".")
    elif "," in num:
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+", num):
            num = num.replace(",", "")
        elif re.fullmatch(r"\d+,\d{1,2}", num):
            num = num.replace(",", ".")
        else:
            num = num.replace(",", "")
    elif num.count(".") > 1 or (currency == "EUR" and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num)):
        num = num.replace(".", "")
    try:
        value = Decimal(num)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > _MAX:
        return None
    return value


def _money(m: re.Match[str], default_currency: str | None) -> Money | None:
    sym = m.group("pre") or m.group("post") or m.group("pre2") or m.group("post2")
    currency = currency_of(sym, default_currency)
    low = to_decimal(m.group("num"), currency)
    if low is None:
        return None
    if m.group("wan"):
        low *= 10000
    high = None
    if m.group("num2"):
        high = to_decimal(m.group("num2"), currency)
        if high is not None and (m.group("wan2") or (m.group("wan") and high < low)):
            high *= 10000
        if high is not None and high <= low:
            high = None
    return Money(low, currency, high)


def iter_prices(
    text: str, default_currency: str | None = None, *, require_currency: bool = True
) -> Iterator[tuple[Money, int, int]]:
    """Every price in ``text`` with its span, as found; see :func:`find_prices`."""
    for m in PRICE_RE.finditer(text):
        marked = any(m.group(g) for g in ("pre", "post", "pre2", "post2", "wan"))
        if require_currency and not marked:
            continue
        money = _money(m, default_currency)
        if money is not None:
            yield money, m.start(), m.end()


def find_prices(
    text: str, default_currency: str | None = None, *, require_currency: bool = True
) -> list[tuple[Money, int, int]]:
    """Every price in ``text`` with its span; without a currency marker only if allowed."""
    return list(iter_prices(text, default_currency, require_currency=require_currency))


def parse_price(
    text: str | float | int | None, default_currency: str | None = None,
    *, require_currency: bool = False,
) -> Money | None:
    """The first price in ``text`` (a number counts when the caller knows it is a price)."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        amount = _number(text)
        return Money(amount, default_currency) if amount is not None else None
    if not isinstance(text, str):
        return None
    found = find_prices(text[:10_000], default_currency, require_currency=require_currency)
    return found[0][0] if found else None


def _number(value: int | float) -> Decimal | None:
    """A JSON number as an amount: finite, not negative, at most 1e12 (like text prices)."""
    if isinstance(value, int) and abs(value) > 10 ** 12:
        return None  # also keeps str() away from 10,000-digit integers
    try:
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError, OverflowError):
        return None
    if not amount.is_finite() or amount < 0 or amount > _MAX:
        return None
    return amount
