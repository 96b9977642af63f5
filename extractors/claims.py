"""Advertising-claim candidates: sentences with absolute or efficacy terms.

The term list is data (``claims.toml``, with its legal sources). A claim is
``{text, flags, where, candidate: True}``: a hit is a candidate for a human, not a
verdict, which :data:`CLAIMS_NOTE` says in the record.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any

from .data import load_toml
from .html import sentences

CLAIMS_NOTE = (
    "claims are candidates for human review, not findings: a flagged term may be lawful "
    "in context (terms: extractors/claims.toml, after Advertising Law art. 9(3), 16-18)"
)
MAX_TEXT = 300


@dataclass(frozen=True)
class _Term:
    flag: str
    regex: re.Pattern[str]
    not_before: re.Pattern[str] | None


@lru_cache(maxsize=1)
def terms() -> tuple[_Term, ...]:
    out = []
    for item in load_toml("claims.toml")["term"]:
        kind = item["kind"]
        if kind not in ("absolute", "efficacy"):
            raise ValueError(f"claims.toml: unknown kind {kind!r}")
        source = item.get("re") or re.escape(item["term"])
        flag = item.get("flag") or item["term"]
        nb = item.get("not_before")
        out.append(_Term(
            f"{kind}:{flag}", re.compile(source, re.IGNORECASE),
            re.compile(nb, re.IGNORECASE) if nb else None,
        ))
    # Longer literal terms first so that 全网最低 wins over 最低 and 最 at one position.
    return tuple(sorted(out, key=lambda t: -len(t.regex.pattern)))


def flags_of(sentence: str) -> list[str]:
    """Flags for one sentence; overlapping hits keep the longest term.

    A hit inside the span of a longer term's hit is dropped. The spans kept so far are
    held sorted by start with a running maximum of their ends, so that telling whether a
    hit is inside one costs a binary search, not a pass over every span (a sentence of
    40,000 最 has 40,000 hits).
    """
    kept: list[tuple[int, int, str]] = []
    starts: list[int] = []
    reach: list[int] = []  # reach[i]: the furthest end among kept[0..i]
    for term in terms():
        new = []
        for m in term.regex.finditer(sentence):
            if term.not_before and term.not_before.match(sentence, m.end()):
                continue
            i = bisect_right(starts, m.start())
            if i and reach[i - 1] >= m.end():
                continue
            new.append((m.start(), m.end(), term.flag))
        if new:
            kept = sorted(kept + new)
            starts = [k[0] for k in kept]
            reach = list(accumulate((k[1] for k in kept), max))
    flags: list[str] = []
    for _, _, flag in kept:
        if flag not in flags:
            flags.append(flag)
    return flags


def _window(sentence: str) -> str:
    return sentence if len(sentence) <= MAX_TEXT else sentence[:MAX_TEXT] + "…"


@lru_cache(maxsize=1)
def _any_term() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{t.regex.pattern})" for t in terms()), re.IGNORECASE)


def find_claims(text: str, where: str = "body", *, limit: int | None = None
                ) -> list[dict[str, Any]]:
    """Claims in ``text``, one per sentence with at least one flag.

    With ``limit``, stops once more than ``limit`` different claim texts were found (what
    :func:`merge` keeps of a long page). A sentence repeated a thousand times is flagged once.
    """
    out: list[dict[str, Any]] = []
    prefilter = _any_term()
    known: dict[str, list[str]] = {}
    texts: set[str] = set()
    for line in text.split("\n"):
        if not prefilter.search(line):
            continue
        for sentence in sentences(line):
            flags = known.get(sentence)
            if flags is None:
                flags = known[sentence] = flags_of(sentence) if prefilter.search(sentence) \
                    else []
            if not flags:
                continue
            out.append({"text": _window(sentence), "flags": list(flags), "where": where,
                        "candidate": True})
            texts.add(out[-1]["text"])
            if limit is not None and len(texts) > limit:
                return out
    return out


def merge(*groups: list[dict[str, Any]], limit: int = 200) -> tuple[list[dict[str, Any]], bool]:
    """Concatenate claim lists; a text already seen (say in the title) is not repeated."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for group in groups:
        for claim in group:
            key = claim["text"]
            if key in seen:
                continue
            if len(out) >= limit:
                return out, True
            seen.add(key)
            out.append(claim)
    return out, False
