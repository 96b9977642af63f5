"""Price hints from the rendered page: pick the price shown largest near the top.

Each hint is ``{"text", "font_px", "x", "y", "w", "h", "struck"}`` for a visible element
whose text looks like a price (the capture side collects them). The displayed price is
the non-struck hint with the biggest font; hints far down the page (below ``FOLD_PX``,
usually recommendations) lose to any hint above it. Struck hints are original prices.
"""

from __future__ import annotations

from typing import Any

from .fields import Candidate, plain
from .money import Money, parse_price

STRATEGY = "hints"
FOLD_PX = 1600.0


def _num(value: Any, default: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return number if number == number else default  # NaN sorts nowhere


def hint_candidates(hints: list[dict[str, Any]] | None, currency: str | None
                    ) -> tuple[list[Candidate], list[str]]:
    if not hints:
        return [], []
    warnings: list[str] = []
    parsed: list[tuple[float, float, bool, Money]] = []
    for hint in hints:
        if not isinstance(hint, dict):
            continue
        money = parse_price(plain(hint.get("text"), 200), currency)
        if money is None or money.amount <= 0:
            continue
        parsed.append((_num(hint.get("font_px")), _num(hint.get("y")), bool(hint.get("struck")),
                       money))
    if not parsed:
        warnings.append("price hints given but none could be read as a price")
        return [], warnings
    live = [p for p in parsed if not p[2]]
    above = [p for p in live if p[1] <= FOLD_PX] or live
    out: list[Candidate] = []
    if above:
        best = max(above, key=lambda p: (p[0], -p[1]))
        role = "range" if best[3].max_amount is not None else "price"
        out.append(Candidate("price", best[3], STRATEGY, role, f"font {best[0]:g}px", 10.0))
    struck = [p for p in parsed if p[2] and p[1] <= FOLD_PX] or [p for p in parsed if p[2]]
    if struck:
        best = max(struck, key=lambda p: (p[0], -p[1]))
        out.append(Candidate("original_price", best[3], STRATEGY, "original", "struck", 8.0))
    return out, warnings
