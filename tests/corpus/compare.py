"""Compare an extracted listing record with a hand-labelled ``*.expected.json``.

Shared by ``tests/test_extract_corpus.py`` and ``bench/bench_extract.py``. Only the fields
present in the expected file are compared; ``url`` and ``hints`` are inputs, not fields.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LISTINGS = Path(__file__).parent / "listings"
INPUT_KEYS = {"url", "hints", "content_type"}


def cases() -> list[tuple[Path, dict[str, Any]]]:
    out = []
    for expected in sorted(LISTINGS.glob("*.expected.json")):
        page = expected.with_name(expected.name.replace(".expected.json", ".html"))
        out.append((page, json.loads(expected.read_text(encoding="utf-8"))))
    return out


def _promise_set(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(p["code"], json.dumps(p.get("params", {}), sort_keys=True)) for p in items}


def actual_value(record: dict[str, Any], field: str) -> Any:
    if field == "seller":
        return (record.get("seller") or {}).get("name")
    if field == "promises":
        return sorted(_promise_set(record["promises"]))
    if field == "claim_flags":
        return sorted({f for c in record["claims"] for f in c["flags"]})
    if field == "currency":
        return (record.get("price") or {}).get("currency")
    return record.get(field)


def expected_value(expected: dict[str, Any], field: str) -> Any:
    if field == "promises":
        return sorted(_promise_set(expected["promises"]))
    if field == "claim_flags":
        return sorted(set(expected["claim_flags"]))
    return expected[field]


def compare(record: dict[str, Any], expected: dict[str, Any]) -> dict[str, tuple[bool, Any, Any]]:
    """Per field: (matched, expected, actual)."""
    out = {}
    for field in expected:
        if field in INPUT_KEYS:
            continue
        want, got = expected_value(expected, field), actual_value(record, field)
        out[field] = (want == got, want, got)
    return out
