"""Seller promises found in text: 7天无理由退货, 假一赔十, 48小时发货, "Free returns"...

The patterns live in ``promises.toml`` next to this module. A promise is
``{code, text, params, source}`` where ``text`` is the wording exactly as found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .data import load_toml
from .numerals import NUMBER, to_int

CODES = (
    "return_no_reason", "shipping_insurance", "fast_refund", "genuine_guarantee",
    "counterfeit_compensation", "price_protection", "free_shipping", "ship_within",
    "delivery_promise", "warranty", "official_authorization", "invoice",
)
_NEGATION = re.compile(
    r"(?:不|非|无|無|没有|不支持|不提供|不参与|暂不|不享|不可|超过|超出|已过|过了)\s*$|"
    r"\b(?:no|not|non|without|excludes?)[- ]+(?:\w+[- ]+){0,2}$",
    re.IGNORECASE,
)
_SCALE = {"years": ("months", 12), "ship_days": ("hours", 24), "months2": ("months", 1)}


@dataclass(frozen=True)
class _Pattern:
    code: str
    regex: re.Pattern[str]
    params: tuple[tuple[str, Any], ...]


@lru_cache(maxsize=1)
def patterns() -> tuple[_Pattern, ...]:
    out = []
    for item in load_toml("promises.toml")["pattern"]:
        if item["code"] not in CODES:
            raise ValueError(f"promises.toml: unknown code {item['code']!r}")
        regex = re.compile(item["re"].replace("{N}", NUMBER), re.IGNORECASE)
        out.append(_Pattern(item["code"], regex, tuple(item.get("params", {}).items())))
    return tuple(out)


def _params(pattern: _Pattern, match: re.Match[str]) -> dict[str, Any] | None:
    params: dict[str, Any] = dict(pattern.params)
    for name, raw in match.groupdict().items():
        if raw is None:
            continue
        value = to_int(raw)
        if value is None or value <= 0 or value > 10000:
            return None
        key, factor = _SCALE.get(name, (name, 1))
        params[key] = value * factor
    return params


def _negated(text: str, start: int) -> bool:
    return bool(_NEGATION.search(text[max(0, start - 20):start]))


def find_promises(text: str, source: str = "page") -> list[dict[str, Any]]:
    """Every promise in ``text``, in order of appearance, deduplicated by (code, params, text).

    Overlapping matches of one code keep the longest (运费险 inside 退货运费险). Negated
    wordings (不支持7天无理由退货, "no free returns") are not promises and are skipped.
    """
    hits: list[tuple[int, int, str, dict[str, Any]]] = []
    for pattern in patterns():
        for match in pattern.regex.finditer(text):
            if _negated(text, match.start()):
                continue
            params = _params(pattern, match)
            if params is not None:
                hits.append((match.start(), match.end(), pattern.code, params))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list[tuple[int, int, str, dict[str, Any]]] = []
    reach: dict[str, int] = {}  # per code, the furthest end of a kept hit
    for hit in hits:
        # hits come by start, so one overlaps a kept one of its code iff it starts before
        # the furthest end kept so far (one comparison, not one per kept hit)
        if hit[0] < reach.get(hit[2], -1):
            continue
        kept.append(hit)
        reach[hit[2]] = max(reach.get(hit[2], -1), hit[1])
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for start, end, code, params in kept:
        wording = text[start:end].strip()
        key = (code, repr(sorted(params.items())), wording)
        if key not in seen:
            seen.add(key)
            out.append({"code": code, "text": wording, "params": params, "source": source})
    return out


def merge(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Concatenate promise lists, dropping repeats of (code, params, text)."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for group in groups:
        for p in group:
            key = (p["code"], repr(sorted(p["params"].items())), p["text"])
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out
