"""The labelled corpus: every page in tests/corpus/listings against its expected record."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
from compare import cases, compare  # noqa: E402

from extractors import SCHEMA, extract_listing  # noqa: E402

CASES = cases()


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("html_page,expected", CASES, ids=[p.stem for p, _ in CASES])
def test_page_matches_expected(html_page: Path, expected: dict) -> None:
    record = extract_listing(html_page.read_bytes(), expected.get("url"), hints=expected.get("hints"))
    json.dumps(record)  # JSON-serialisable
    assert record["schema"] == SCHEMA and record["kind"] == "listing"
    mismatches = {f: (want, got) for f, (ok, want, got) in compare(record, expected).items()
                  if not ok}
    assert not mismatches, f"{html_page.name}: {mismatches}\nwarnings: {record['warnings']}"
