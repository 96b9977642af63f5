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

# Held-out pages (written without reading the extractor) that still disagree with their
# labels. Kept as strict xfails so that the bench counts them and a fix is noticed.
KNOWN_MISSES = {
    "heldout_amazon_uk": "label says a first-order-only 'FREE delivery' is no promise; "
                         "the extractor counts it (conditional offers are not modelled)",
    "heldout_claims_mixed": "label treats 最新款 as innocent; claims.toml and "
                            "test_extract_claims deliberately flag it for review",
    "heldout_ebay_item": "'the best' is in eBay's boilerplate <meta description>, which the "
                         "label (what a shopper sees) leaves out and the extractor reads",
    "heldout_xianyu_item": "second-hand items have no title element; the first line of the "
                           "seller's text is not found (<title> is just 闲鱼)",
}


def _case_param(page: Path, expected: dict):
    reason = KNOWN_MISSES.get(page.stem)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(page, expected, id=page.stem, marks=marks)


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("html_page,expected", [_case_param(p, e) for p, e in CASES])
def test_page_matches_expected(html_page: Path, expected: dict) -> None:
    record = extract_listing(html_page.read_bytes(), expected.get("url"), hints=expected.get("hints"))
    json.dumps(record)  # JSON-serialisable
    assert record["schema"] == SCHEMA and record["kind"] == "listing"
    mismatches = {f: (want, got) for f, (ok, want, got) in compare(record, expected).items()
                  if not ok}
    assert not mismatches, f"{html_page.name}: {mismatches}\nwarnings: {record['warnings']}"
