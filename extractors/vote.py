"""Let strategies vote: per value, each family (display, markup, state) counts once."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from .fields import Candidate

_FAMILY_ORDER = {"display": 0, "state": 1, "markup": 2}


@dataclass
class Ballot:
    key: Hashable
    first: Candidate
    families: dict[str, float] = field(default_factory=dict)
    members: list[Candidate] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(self.families.values())

    @property
    def best(self) -> Candidate:
        return max(self.members, key=lambda c: c.weight)


def tally(cands: list[Candidate], key: Callable[[Any], Hashable]) -> list[Ballot]:
    """Ballots best first: higher score, then display over state over markup."""
    ballots: dict[Hashable, Ballot] = {}
    for cand in cands:
        k = key(cand.value)
        ballot = ballots.setdefault(k, Ballot(k, cand))
        ballot.members.append(cand)
        ballot.families[cand.family] = max(ballot.families.get(cand.family, 0.0), cand.weight)
    return sorted(
        ballots.values(),
        key=lambda b: (-b.score, min(_FAMILY_ORDER.get(f, 3) for f in b.families),
                       cands.index(b.first)),
    )


def winner(cands: list[Candidate], key: Callable[[Any], Hashable] = lambda v: v
           ) -> Ballot | None:
    ballots = tally(cands, key)
    return ballots[0] if ballots else None
