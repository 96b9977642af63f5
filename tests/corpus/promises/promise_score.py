"""The labelled promise corpus: invented listing pages and the promises a person records.

Each ``NAME.html`` has a ``NAME.json`` with the page's ``url``, optionally the
``captured_at`` that dates without a year are read against, and ``promises``: each
``{code, params, scope?}``. A label is found when an extracted promise has its code, its
scope (``platform`` or none) and at least its params (a promise may say more, such as the
date beside ``days: 1``); each extracted promise answers one label at most.

    from promise_score import score      # tests/corpus/promises on sys.path
    found, labelled = score()
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors import extract_listing

HERE = Path(__file__).parent


@dataclass
class CaseResult:
    name: str
    labelled: list[dict[str, Any]]
    found: list[dict[str, Any]]
    missed: list[dict[str, Any]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)


def cases() -> list[tuple[str, bytes, dict[str, Any]]]:
    return [(label.stem, label.with_suffix(".html").read_bytes(),
             json.loads(label.read_text(encoding="utf-8")))
            for label in sorted(HERE.glob("*.json"))]


def _fits(label: dict[str, Any], promise: dict[str, Any]) -> bool:
    if promise["code"] != label["code"] or promise.get("scope") != label.get("scope"):
        return False
    return all(promise["params"].get(k) == v for k, v in label.get("params", {}).items())


def promises_of(html: bytes, label: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's promises, dates read against the label's capture date."""
    record = extract_listing(html, label.get("url"), captured_at=label.get("captured_at"))
    return record["promises"]


def check(name: str, html: bytes, label: dict[str, Any]) -> CaseResult:
    found = promises_of(html, label)
    result = CaseResult(name, label["promises"], found)
    free = list(found)
    # the most specific labels take their promise first
    for want in sorted(label["promises"], key=lambda w: -len(w.get("params", {}))):
        hit = next((p for p in free if _fits(want, p)), None)
        if hit is None:
            result.missed.append(want)
        else:
            free.remove(hit)
    # a promise repeating one that answered a label (same code and params) is no extra
    answered = [p for p in found if p not in free]
    result.extra = [p for p in free if not any(
        p["code"] == q["code"] and p["params"] == q["params"] for q in answered)]
    return result


def results() -> list[CaseResult]:
    return [check(name, html, label) for name, html, label in cases()]


def score() -> tuple[int, int]:
    """(labelled promises found, labelled promises) over the whole corpus."""
    all_results = results()
    labelled = sum(len(r.labelled) for r in all_results)
    return labelled - sum(len(r.missed) for r in all_results), labelled


if __name__ == "__main__":
    total_extra = 0
    for r in results():
        total_extra += len(r.extra)
        status = "ok" if not r.missed and not r.extra else "MISS"
        print(f"{status:4} {r.name}: {len(r.labelled) - len(r.missed)}/{len(r.labelled)}")
        for m in r.missed:
            print(f"      missed {m}")
        for x in r.extra:
            print(f"      extra  {x['code']} {x['params']} {x['text']!r}")
    found, labelled = score()
    print(f"found {found} of {labelled} labelled promises; {total_extra} not labelled")
