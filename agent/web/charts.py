"""A price-over-time chart as inline SVG: no script, no outside library, readable offline."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any

W, H, PAD_L, PAD_B, PAD_T, PAD_R = 720, 220, 64, 28, 16, 16


def price_svg(series: list[dict[str, Any]], t: Callable[..., str]) -> str:
    points = []
    for s in series:
        try:
            points.append((s, float(Decimal(str(s["amount"])))))
        except (InvalidOperation, ValueError, TypeError):
            continue
    if not points:
        return ""
    currency = points[-1][0].get("currency") or ""
    lo, hi = min(p for _, p in points), max(p for _, p in points)
    if hi == lo:
        lo, hi = lo * 0.9, hi * 1.1 or 1.0
    n = len(points)

    def x(i: int) -> float:
        return PAD_L + (W - PAD_L - PAD_R) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return PAD_T + (H - PAD_T - PAD_B) * (1 - (v - lo) / (hi - lo))

    path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
    dots = "".join(
        f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3"><title>{escape(str(s.get("captured_at")))}'
        f' {v:.2f} {escape(currency)}</title></circle>' for i, (s, v) in enumerate(points))
    labels = (f'<text x="4" y="{y(hi) + 4:.1f}">{hi:.2f}</text>'
              f'<text x="4" y="{y(lo) + 4:.1f}">{lo:.2f}</text>'
              f'<text x="{PAD_L}" y="{H - 6}">{escape(str(points[0][0].get("captured_at") or "")[:10])}</text>'
              f'<text x="{W - PAD_R}" y="{H - 6}" text-anchor="end">'
              f'{escape(str(points[-1][0].get("captured_at") or "")[:10])}</text>')
    return (f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(t("price_chart"))}">'
            f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" class="axis"/>'
            f'<path d="{path}" class="line"/>{dots}{labels}'
            f'<text x="{W - PAD_R}" y="{PAD_T}" text-anchor="end">{escape(currency)}</text></svg>')
