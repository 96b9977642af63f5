"""Commitments in a seller's chat messages that fit no promise code.

我帮您申请换货, 明天给您发货, 稍后短信通知您, "I'll refund you tomorrow": none of these is a
7天无理由退货 or a 假一赔十, yet in a dispute any promise counts. The patterns live in
``commitments.toml``; a commitment is the verbatim clause that holds one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .data import load_toml

_CLAUSE_END = re.compile(r"(?<=[，,。！!？?；;…~～])|\n|(?<=[.!?])\s+")
_NEGATED = re.compile(r"(?:不会|不能|无法|没法|没办法|不可以|不给|不予|不支持|不负责|不承担|不退|不换)"
                      r"|\b(?:won't|will not|can't|cannot|can not|unable to|don't|do not)\b",
                      re.IGNORECASE)
_QUESTION = re.compile(r"[?？吗]\s*$|^\s*(?:请问|是否)")
_TRIM = " \t，,。.！!？?；;…~～"


@lru_cache(maxsize=1)
def patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(item["re"], re.IGNORECASE)
                 for item in load_toml("commitments.toml")["pattern"])


def clauses(text: str) -> list[str]:
    """The clauses of a message, each stripped of its closing punctuation."""
    return [c for c in (part.strip(_TRIM) for part in _CLAUSE_END.split(text)) if c]


def find_commitments(text: str, covered: list[str] | None = None) -> list[str]:
    """Verbatim clauses of ``text`` that commit the seller to something.

    ``covered`` holds promise wordings already found in the message: a clause containing
    one of them is a promise, not a commitment.
    """
    out: list[str] = []
    for clause in clauses(text):
        if any(p and p in clause for p in covered or ()):
            continue
        if _QUESTION.search(clause):
            continue
        for pattern in patterns():
            m = pattern.search(clause)
            if m and not _NEGATED.search(clause[:m.end()]):
                if clause not in out:
                    out.append(clause)
                break
    return out
