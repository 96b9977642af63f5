"""Our amount reading (``extractors.money``) against price-parser (PyPI), on the shapes
shops of many countries print (issue 12 asked to use price-parser where it does better).

    python bench/bench_price_parser.py        (pip install price-parser first)

Each case is the text of one price element, the currency the site implies and the page's
language, and the amount a person reads. price-parser is run as its README says (the text
alone) and with the decimal separator the page's language implies (its
``decimal_separator`` hint). Prints the cases each gets wrong, the right ones of all, and
the time per amount.
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.money import dot_groups, find_prices  # noqa: E402

# (text, site currency, page language, amount)
CASES: list[tuple[str, str | None, str | None, str]] = [
    ("$21.99", None, "en-US", "21.99"), ("US $79.99", None, "en", "79.99"),
    ("£1,234.56", None, "en-GB", "1234.56"), ("$1,299", None, "en", "1299"),
    ("$3.499", None, "en", "3.499"), ("$ 3.499", "ARS", "es-AR", "3499"),
    ("$ 3.499,99", "ARS", "es-AR", "3499.99"), ("R$ 1.299,90", "BRL", "pt-BR", "1299.90"),
    ("1.299 €", "EUR", "de", "1299"), ("1.299,00 €", "EUR", "de", "1299.00"),
    ("49,- €", "EUR", "de", "49"), ("1.299,– €", "EUR", "de", "1299"),
    ("€ 18,00", "EUR", "nl", "18.00"), ("1\u202f299,00\u00a0€", "EUR", "fr", "1299.00"),
    ("12€99", "EUR", "fr", "12.99"), ("399€99", "EUR", "fr", "399.99"),
    ("CHF 1'299.50", "CHF", "de-CH", "1299.50"), ("1’299.– CHF", "CHF", "de-CH", "1299"),
    ("18 490 тг.", "KZT", "ru", "18490"), ("18\u00a0490 ₸", "KZT", "kk", "18490"),
    ("3 499 ₽", "RUB", "ru", "3499"), ("1 299 руб.", "RUB", "ru", "1299"),
    ("2 500 р.", "RUB", "ru", "2500"), ("1 299,99 zł", "PLN", "pl", "1299.99"),
    ("12 990 Kč", "CZK", "cs", "12990"), ("24 990 Ft", "HUF", "hu", "24990"),
    ("349,99 lei", "RON", "ro", "349.99"), ("310,00 Kn", "HRK", "hr", "310.00"),
    ("1 299 kr", "SEK", "sv", "1299"), ("1 299:-", "SEK", "sv", "1299"),
    ("kr 1 299,-", "NOK", "nb", "1299"), ("149,90 TL", "TRY", "tr", "149.90"),
    ("45,000원", "KRW", "ko", "45000"), ("₩45,000", "KRW", "ko", "45000"),
    ("￥4,980", "JPY", "ja", "4980"), ("4,980円", "JPY", "ja", "4980"),
    ("¥1.280", "JPY", "ja", "1280"), ("￥129.00", "CNY", "zh-CN", "129.00"),
    ("¥1,299.00", "CNY", "zh-CN", "1299.00"), ("1.5万元", "CNY", "zh-CN", "15000"),
    ("¥1.5万", "CNY", "zh-CN", "15000"), ("Rs. 1,299", "INR", "en-IN", "1299"),
    ("₹1,29,999", "INR", "en-IN", "129999"), ("12.999 ₫", "VND", "vi", "12999"),
    ("Rp 1.299.000", "IDR", "id", "1299000"), ("RM 12.90", "MYR", "ms", "12.90"),
    ("S/ 49.90", "PEN", "es-PE", "49.90"), ("$1.299", "CLP", "es-CL", "1299"),
    ("0,99 €", "EUR", "de", "0.99"), ("€0.99", "EUR", "en-IE", "0.99"),
    ("EUR 14.43", None, None, "14.43"), ("GBP 12.99", None, None, "12.99"),
]


def _ours(text: str, currency: str | None, lang: str | None) -> Decimal | None:
    found = find_prices(text, currency, lang=lang)
    return found[0][0].amount if found else None


def main() -> int:
    try:
        from price_parser import Price
    except ImportError:
        print("price-parser is not installed: pip install price-parser")
        return 0

    def theirs(text: str, currency: str | None, lang: str | None, hint: bool) -> Decimal | None:
        sep = ("," if dot_groups(currency, lang) else ".") if hint and lang else None
        return Price.fromstring(text, decimal_separator=sep).amount

    readers = {
        "extractors.money": lambda t, c, lang: _ours(t, c, lang),
        "price-parser": lambda t, c, lang: theirs(t, c, lang, False),
        "price-parser + locale hint": lambda t, c, lang: theirs(t, c, lang, True),
    }
    for name, read in readers.items():
        wrong = []
        for text, currency, lang, want in CASES:
            got = read(text, currency, lang)
            if got is None or got != Decimal(want):
                wrong.append(f"{text!r} ({lang}): {got} for {want}")
        start = time.perf_counter()
        for _ in range(20):
            for text, currency, lang, _want in CASES:
                read(text, currency, lang)
        per = (time.perf_counter() - start) / (20 * len(CASES)) * 1e6
        print(f"{name:28} {len(CASES) - len(wrong):3} / {len(CASES)} right, {per:6.1f} µs an amount")
        for line in wrong:
            print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
