"""Advertising-claim candidates: sentences with absolute or efficacy terms.

The term list is data (``claims.toml``, with its legal sources). A claim is
``{text, flags, where, candidate: True}``: a hit is a candidate for a human, not a
verdict, which :data:`CLAIMS_NOTE` says in the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
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
    """Flags for one sentence; overlapping hits keep the longest term."""
    spans: list[tuple[int, int, str]] = []
    for term in terms():
        for m in term.regex.finditer(sentence):
            if term.not_before and term.not_before.match(sentence, m.end()):
                continue
            if any(s <= m.start() and m.end() <= e for s, e, _ in spans):
                continue
            spans.append((m.start(), m.end(), term.flag))
    spans.sort()
    flags: list[str] = []
    for _, _, flag in spans:
        if flag not in flags:
            flags.append(flag)
    return flags


def _window(sentence: str) -> str:
    return sentence if len(sentence) <= MAX_TEXT else sentence[:MAX_TEXT] + "…"


@lru_cache(maxsize=1)
def _any_term() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{t.regex.pattern})" for t in terms()), re.IGNORECASE)


def find_claims(text: str, where: str = "body") -> list[dict[str, Any]]:
    """Claims in ``text``, one per sentence with at least one flag."""
    out = []
    prefilter = _any_term()
    for line in text.split("\n"):
        if not prefilter.search(line):
            continue
        out.extend(_line_claims(line, where))
    return out


def _line_claims(line: str, where: str) -> list[dict[str, Any]]:
    out = []
    for sentence in sentences(line):
        flags = flags_of(sentence)
        if flags:
            out.append({"text": _window(sentence), "flags": flags, "where": where,
                        "candidate": True})
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
