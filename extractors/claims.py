"""Advertising-claim candidates: sentences with absolute or efficacy terms.

The term list is data (``claims.toml``, with its legal sources). A claim is
``{text, flags, where, candidate: True}``: a hit is a candidate for a human, not a
verdict, which :data:`CLAIMS_NOTE` says in the record.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any

from .data import load_toml
from .html import sentences

try:  # a Rust Aho-Corasick (also used by promises); without it each trigger is a str.find
    import ahocorasick_rs
except ImportError:  # pragma: no cover - the dependency is declared in pyproject.toml
    ahocorasick_rs = None

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
    triggers: tuple[str, ...]  # lower case; every match holds one (read in lower case)


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
        triggers = item.get("trigger") if item.get("re") else [item["term"]]
        if not triggers or not all(isinstance(t, str) and t for t in triggers):
            raise ValueError(f"claims.toml: {source!r} needs a list of trigger strings")
        out.append(_Term(
            f"{kind}:{flag}", re.compile(source, re.IGNORECASE),
            re.compile(nb, re.IGNORECASE) if nb else None,
            tuple(dict.fromkeys(x.lower() for t in triggers for x in _spelled(t))),
        ))
    # Longer literal terms first so that 全网最低 wins over 最低 and 最 at one position.
    return tuple(sorted(out, key=lambda t: -len(t.regex.pattern)))


_SPACES = tuple(c for c in map(chr, range(0x3001)) if c.isspace() and c != "\n")  # \s in a line
#: Characters most texts hold (see :func:`_needs`).
_COMMON = frozenset("abcdefghijklmnopqrstuvwxyz0123456789 .,%#'-")


def _spelled(trigger: str) -> list[str]:
    """A trigger with ``{s}`` as each whitespace character it stands for."""
    if "{s}" not in trigger:
        return [trigger]
    head, _, tail = trigger.partition("{s}")
    return [head + c + rest for c in _SPACES for rest in _spelled(tail)]


def flags_of(sentence: str, among: Sequence[_Term] | None = None) -> list[str]:
    """Flags for one sentence; overlapping hits keep the longest term.

    ``among``: the terms that can match (those whose trigger the sentence holds, in
    :func:`terms` order); the others add nothing.

    A hit inside the span of a longer term's hit is dropped. The spans kept so far are
    held sorted by start with a running maximum of their ends, so that telling whether a
    hit is inside one costs a binary search, not a pass over every span (a sentence of
    40,000 最 has 40,000 hits).
    """
    kept: list[tuple[int, int, str]] = []
    starts: list[int] = []
    reach: list[int] = []  # reach[i]: the furthest end among kept[0..i]
    for term in terms() if among is None else among:
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
def _triggers() -> dict[str, tuple[int, ...]]:
    """Each trigger, with the positions in :func:`terms` of the terms it stands for."""
    out: dict[str, list[int]] = {}
    for n, term in enumerate(terms()):
        for t in term.triggers:
            out.setdefault(t, []).append(n)
    return {t: tuple(ns) for t, ns in out.items()}


@lru_cache(maxsize=1)
def _spaced() -> frozenset[str]:
    """Triggers holding a space: :func:`sentences` (collapsing tabs, no-break and
    ideographic spaces) can make one that the raw line did not hold."""
    return frozenset(t for t in _triggers() if " " in t)


@lru_cache(maxsize=1)
def _automaton() -> Any:
    """An Aho-Corasick automaton of all triggers (``ahocorasick_rs``), or None."""
    return ahocorasick_rs.AhoCorasick(list(_triggers())) if ahocorasick_rs else None


@lru_cache(maxsize=512)
def _needs(trigger: str) -> frozenset[str]:
    """The uncommon characters a text must hold to hold ``trigger``: its first one (最,
    第...) and any space other than a plain one (tab, thin space...)."""
    return frozenset(c for n, c in enumerate(trigger)
                     if (n == 0 and c not in _COMMON) or (c.isspace() and c != " "))


@lru_cache(maxsize=1)
def _rare() -> re.Pattern[str]:
    """Every trigger's :func:`_needs`, as one character class."""
    rare = sorted(set().union(*(_needs(t) for t in _triggers())))
    return re.compile("[" + "".join(re.escape(c) for c in rare) + "]" if rare else "(?!)")


def _terms_with(found: set[str] | frozenset[str]) -> list[_Term]:
    """The terms (in :func:`terms` order) with a trigger among ``found``."""
    by = _triggers()
    all_terms = terms()
    return [all_terms[n] for n in sorted({n for t in found for n in by[t]})]


def _lines_with_triggers(text: str) -> list[tuple[str, set[str]]]:
    """The lines holding a trigger (in lower case), in order, each with those it holds.

    All triggers are looked for in one pass over the whole text (Aho-Corasick), so that
    a page of thousands of lines costs one scan, not a regex of seventy alternatives tried
    at every character (Python's ``re`` has no multi-string search). Without the
    automaton each trigger is a ``str.find`` over the text (in C), one with an uncommon
    character (Chinese, a thin space) only when the text holds it.
    """
    low = text.lower()  # lower() keeps the line breaks: line i is line i
    hits: list[tuple[int, str]] = []  # (where, trigger)
    automaton = _automaton()
    if automaton is not None:  # every trigger in one pass (Rust)
        words = tuple(_triggers())
        hits = [(start, words[n]) for n, start, _ in
                automaton.find_matches_as_indexes(low, overlapping=True)]
    else:
        held = set(_rare().findall(low))  # one pass; a trigger needing another is not there
        for trigger in _triggers():
            if not _needs(trigger) <= held:
                continue
            at = low.find(trigger)
            while at >= 0:  # the first in each line is enough
                hits.append((at, trigger))
                end = low.find("\n", at)
                at = low.find(trigger, end + 1) if end >= 0 else -1
    hit: dict[int, set[str]] = {}
    line = done = 0
    for at, trigger in sorted(hits):
        line += low.count("\n", done, at)
        done = at
        hit.setdefault(line, set()).add(trigger)
    lines = text.split("\n") if hit else []
    return [(lines[i], hit[i]) for i in sorted(hit)]


def find_claims(text: str, where: str = "body", *, limit: int | None = None
                ) -> list[dict[str, Any]]:
    """Claims in ``text``, one per sentence with at least one flag.

    With ``limit``, stops once more than ``limit`` different claim texts were found (what
    :func:`merge` keeps of a long page). A sentence repeated a thousand times is flagged once.
    Only lines holding a term's trigger are read (see ``claims.toml``): a long page costs a
    few scans of its text.
    """
    out: list[dict[str, Any]] = []
    known: dict[str, list[str]] = {}
    texts: set[str] = set()
    for line, found in _lines_with_triggers(text):
        if not any(term.regex.search(line) for term in _terms_with(found)):
            continue
        for sentence in sentences(line):
            flags = known.get(sentence)
            if flags is None:
                low = sentence.lower()
                held = {t for t in found | _spaced() if t in low}
                flags = known[sentence] = flags_of(sentence, _terms_with(held))
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
