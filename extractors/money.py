"""Prices in text: currency signs and words of many countries, digit grouping, 万, ranges.

An amount is written the way its country writes numbers: ``1,299.00`` (en, zh, ja),
``1.299,00`` (de, it, es, pt, nl, tr), ``1 299,00`` with a normal, no-break or narrow
space (fr, ru, pl, cs, sv...), ``1'299.00`` (CH), ``1299,-`` (de, sv, no), ``12€99``
(fr), ``1,29,999`` (in). The one ambiguous shape is a single dot (or comma) followed by
exactly three digits: ``3.499`` is 3499 in es-AR, de or it and where the currency has no
cents (JPY, KRW, HUF...), 3.499 on an English page; ``1,299`` is always 1299 (no shop
prices in thousandths).

A sign that several currencies share resolves with the currency the site context implies
(``default_currency``): ``¥``/``￥`` is JPY only when that default is JPY, otherwise CNY
(a Chinese shop's yuan); ``$`` is that default when it is a dollar or peso (CAD, AUD, ARS,
MXN...), otherwise USD; ``kr`` is SEK, NOK, DKK or ISK the same way. ``万`` multiplies by
10,000 but is no currency sign by itself (``50万+`` counts reviews).

price-parser (PyPI) was measured against these rules (``bench/bench_price_parser.py``, 52
shapes from 30 countries): it reads 48 right as its README uses it and 42 with the page's
locale as its decimal-separator hint, against all 52 here; it misses 万, ``1’299.–``,
``$3.499`` on an English page, and with the hint ``45,000원``, ``￥4,980`` and ``12€99``.
It is no faster per amount (about 5 µs either way), so it is not used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Signs and words printed before an amount, and the currency each names. "$", "¥" and "kr"
# are resolved with the site's currency (see currency_of).
_BEFORE = {
    "US$": "USD", "US $": "USD", "U$S": "USD", "USD$": "USD", "CA$": "CAD", "C$": "CAD",
    "AU$": "AUD", "A$": "AUD", "NZ$": "NZD", "HK$": "HKD", "NT$": "TWD", "S$": "SGD",
    "R$": "BRL", "MX$": "MXN", "AR$": "ARS", "CL$": "CLP", "COL$": "COP", "RD$": "DOP",
    "JP¥": "JPY", "CN¥": "CNY", "RMB": "CNY", "$": "$", "€": "EUR", "£": "GBP", "¥": "¥",
    "￥": "¥", "₩": "KRW", "₽": "RUB", "₸": "KZT", "₴": "UAH", "₹": "INR", "₺": "TRY",
    "₫": "VND", "₱": "PHP", "฿": "THB", "₪": "ILS", "₦": "NGN", "₾": "GEL", "Rs.": "Rs",
    "Rs": "Rs", "Rp": "IDR", "RM": "MYR", "S/.": "PEN", "S/": "PEN", "Fr.": "CHF",
    "kr.": "kr", "kr": "kr", "Kr": "kr",
}
# Signs and words printed after an amount.
_AFTER = {
    "元": "CNY", "圆": "CNY", "円": "JPY", "원": "KRW", "₩": "KRW", "€": "EUR", "$": "$",
    "£": "GBP", "¥": "¥", "￥": "¥", "₽": "RUB", "₸": "KZT", "₴": "UAH", "₺": "TRY",
    "₫": "VND", "đ": "VND", "฿": "THB", "₪": "ILS", "₹": "INR", "zł": "PLN", "Zł": "PLN",
    "Kč": "CZK", "Ft": "HUF", "lei": "RON", "Lei": "RON", "kn": "HRK", "Kn": "HRK",
    "kr.": "kr", "kr": "kr", "Kr.": "kr", "Kr": "kr", ":-": "kr", "Fr.": "CHF",
    "руб.": "RUB", "руб": "RUB", "р.": "RUB", "тг.": "KZT", "тг": "KZT", "тңг": "KZT",
    "грн.": "UAH", "грн": "UAH", "лв.": "BGN", "лв": "BGN", "дин.": "RSD", "din.": "RSD",
    "TL": "TRY", "บาท": "THB",
}
#: ISO 4217 codes shops print (before or after the amount); words like ALL or CUP left out.
ISO_CODES = frozenset(
    "USD EUR GBP CNY JPY KRW RUB KZT HRK PLN CZK HUF RON SEK NOK DKK ISK CHF BRL ARS MXN "
    "CLP COP PEN UYU INR PKR LKR IDR MYR PHP THB VND SGD HKD TWD AUD NZD CAD ZAR TRY UAH "
    "BYN BGN RSD MKD GEL AMD AZN ILS AED SAR QAR KWD BHD OMR JOD EGP NGN KES".split())
_SHARED = {
    "$": ("USD", {"USD", "CAD", "AUD", "NZD", "HKD", "TWD", "SGD", "ARS", "MXN", "CLP",
                  "COP", "UYU", "DOP"}),
    "¥": ("CNY", {"CNY", "JPY"}),
    "kr": ("SEK", {"SEK", "NOK", "DKK", "ISK"}),
    "Rs": ("INR", {"INR", "PKR", "LKR"}),
}
# Currencies without cents in everyday prices: a dot or comma before three digits groups.
_NO_CENTS = frozenset("JPY KRW CLP COP IDR VND HUF ISK PYG UGX".split())
_THOUSANDTHS = frozenset("KWD BHD OMR JOD TND".split())
# Where the locale is unknown: currencies whose countries write 1.299,00.
_COMMA_DECIMAL_CURRENCIES = frozenset(
    "EUR ARS BRL CLP COP UYU TRY DKK NOK SEK ISK PLN CZK RUB UAH KZT HRK RON BGN RSD IDR "
    "VND HUF".split())
# Languages (and regions) that write the decimal point as a comma.
_COMMA_DECIMAL_LANGS = frozenset(
    "de es it pt nl da tr id vi el ro hr sl sr bs mk bg ru uk be kk pl cs sk hu fr sv nb no "
    "nn fi et lv lt is ca gl eu az ka hy mn uz".split())
_DOT_DECIMAL_REGIONS = frozenset("es-mx es-us es-pr es-do es-gt es-hn es-ni es-sv es-pa "
                                 "es-pe es-419 pt-mo fr-ch de-ch it-ch de-li".split())


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]


_LETTER = r"[^\W\d_]"
_CODE = r"(?:" + "|".join(sorted(ISO_CODES)) + r")"


def _words(signs: dict[str, str]) -> tuple[list[str], list[str]]:
    """Signs written in Latin or Cyrillic letters (a word: "kr", "руб.", "CHF"), which must
    stand apart from other letters, and the rest (symbols, 元, 円, 원), which need not."""
    lettered = [s for s in signs if re.match(r"[A-Za-z\u0400-\u04ff]", s)]
    return lettered, [s for s in signs if s not in lettered]


_PRE = (rf"(?:(?<!{_LETTER})(?:{_CODE}|{_alternation(_words(_BEFORE)[0])})(?!{_LETTER})|"
        rf"{_alternation(_words(_BEFORE)[1])})")
_POST = (rf"(?:(?:{_CODE}|{_alternation(_words(_AFTER)[0])})(?!{_LETTER})|"
         rf"{_alternation(_words(_AFTER)[1])})")
#: Currency words and codes written after an amount ("kn", "zł", "руб.", ":-", "元",
#: "EUR"), longest first: a quick scan for amounts finds them after digits.
WORD_SIGNS_AFTER = tuple(sorted({*(k for k in _AFTER if len(k) > 1 or k.isalpha()),
                                *ISO_CODES}, key=len, reverse=True))
#: The one-character signs that are no letters ("$", "€", "₽"...): 元, 원 or đ also occur
#: in words, so they count only after digits (in WORD_SIGNS_AFTER).
SIGN_CHARS = "".join(sorted({k for k in (*_BEFORE, *_AFTER) if len(k) == 1
                             and not k.isalpha()}))
_GAP = r"[ \t\u00a0\u202f\u2009]{0,2}"

# A number starts where a run of digits starts (no retry inside a long run): grouped in
# threes by a comma, dot, apostrophe or space (a space only before exactly three digits),
# or in India's lakhs (1,29,999), or plain; then cents, or ",-" for a whole amount.
_NUM = (r"(?<![\d.,'’])(?:\d{1,3}(?:(?:[,.'’]|[ \u00a0\u202f\u2009](?=\d{3}(?!\d)))\d{3})+"
        r"(?:[.,]\d{1,2}(?!\d))?(?!\d)|\d{1,2}(?:,\d\d)+,\d{3}(?:\.\d{1,2})?(?!\d)|"
        r"\d+(?:[.,]\d+)?)(?:[.,][-–—](?![-–—]))?")
_ONE = (rf"(?:(?P<pre@>{_PRE}){_GAP})?(?P<num@>{_NUM})(?P<wan@>\s?万)?"
        rf"(?(pre@)|(?:{_GAP}(?P<post@>{_POST})(?P<cents@>(?<=€)\d\d(?!\d))?)?)")
_SEP = r"\s{0,3}(?:-|~|～|–|—|至|到|to|bis)\s{0,3}"
PRICE_RE = re.compile(_ONE.replace("@", "") + rf"(?:{_SEP}" + _ONE.replace("@", "2") + ")?")

_CENT = Decimal("0.01")
_MAX = Decimal("1e12")
_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009'’")


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
    """ISO code for a sign, word or code; shared signs resolve with the site's currency."""
    if not symbol:
        return default_currency
    symbol = symbol.strip()
    if symbol in ISO_CODES:
        return symbol
    code = _BEFORE.get(symbol) or _AFTER.get(symbol)
    if code is None:
        return default_currency
    if code in _SHARED:
        fallback, family = _SHARED[code]
        return default_currency if default_currency in family else fallback
    return code


def dot_groups(currency: str | None, lang: str | None = None) -> bool:
    """Whether ``3.499`` means 3499 here: the locale writes 1.299,00, or the currency has
    no cents; without a locale, the currency's countries decide."""
    if currency in _NO_CENTS:
        return True
    if currency in _THOUSANDTHS:
        return False
    lang = (lang or "").strip().lower().replace("_", "-")
    if lang:
        if lang in _DOT_DECIMAL_REGIONS or lang.startswith("es-419"):
            return False
        return lang.split("-", 1)[0] in _COMMA_DECIMAL_LANGS
    return currency in _COMMA_DECIMAL_CURRENCIES


def to_decimal(num: str, currency: str | None = None, lang: str | None = None
               ) -> Decimal | None:
    """Parse ``1,299.00``, ``1.299,00``, ``1 299,00``, ``1'299.00``, ``49,-``, ``15000``;
    None when not a number. See the module for ``3.499``."""
    num = num.strip().translate(_GROUPING)
    if num[-2:] in (",-", ".-", ",–", ".–", ",—", ".—"):
        num = num[:-2]
    if "," in num and "." in num:
        dec = "," if num.rfind(",") > num.rfind(".") else "."
        num = num.replace("." if dec == "," else ",", "").replace(",", ".")
    elif "," in num or "." in num:
        sep = "," if "," in num else "."
        whole, _, frac = num.rpartition(sep)
        if num.count(sep) > 1:
            num = num.replace(sep, "")
        elif len(frac) == 3 and whole.lstrip("0") and currency not in _THOUSANDTHS and (
                sep == "," or dot_groups(currency, lang)):
            num = whole + frac
        else:
            num = whole + "." + frac
    try:
        value = Decimal(num)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > _MAX:
        return None
    return value


def _money(m: re.Match[str], default_currency: str | None, lang: str | None) -> Money | None:
    sign = m.group("pre") or m.group("post") or m.group("pre2") or m.group("post2")
    currency = currency_of(sign, default_currency)
    low = to_decimal(m.group("num"), currency, lang)
    if low is None:
        return None
    if m.group("cents") and low == low.to_integral_value():
        low += Decimal(m.group("cents")) / 100  # "12€99" (French shops)
    if m.group("wan"):
        low *= 10000
    high = None
    if m.group("num2"):
        high = to_decimal(m.group("num2"), currency, lang)
        if high is not None and (m.group("wan2") or (m.group("wan") and high < low)):
            high *= 10000
        if high is not None and high <= low:
            high = None
    return Money(low, currency, high)


def iter_prices(
    text: str, default_currency: str | None = None, *, require_currency: bool = True,
    lang: str | None = None,
) -> Iterator[tuple[Money, int, int]]:
    """Every price in ``text`` with its span, as found; see :func:`find_prices`."""
    for m in PRICE_RE.finditer(text):
        marked = any(m.group(g) for g in ("pre", "post", "pre2", "post2"))
        if require_currency and not marked:
            continue
        if m.group("wan") and text[m.end():m.end() + 1] == "+":
            continue  # 10万+ counts people or reviews
        money = _money(m, default_currency, lang)
        if money is not None:
            yield money, m.start(), m.end()


def find_prices(
    text: str, default_currency: str | None = None, *, require_currency: bool = True,
    lang: str | None = None,
) -> list[tuple[Money, int, int]]:
    """Every price in ``text`` with its span; without a currency marker only if allowed."""
    return list(iter_prices(text, default_currency, require_currency=require_currency,
                            lang=lang))


def parse_price(
    text: str | float | int | None, default_currency: str | None = None,
    *, require_currency: bool = False, lang: str | None = None,
) -> Money | None:
    """The first price in ``text`` (a number counts when the caller knows it is a price)."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        amount = _number(text)
        return Money(amount, default_currency) if amount is not None else None
    if not isinstance(text, str):
        return None
    found = find_prices(text[:10_000], default_currency, require_currency=require_currency,
                        lang=lang)
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
