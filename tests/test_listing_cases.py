"""The listing cases from real shop pages (issue 12): each invented page reproduces one
general way the extractor went wrong, and must give what a person reading it records.

The pages and ``EXPECTED.tsv`` are copied from the team's shared case folder into
``tests/corpus/cases/listings`` so that a clean clone runs them.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from extractors import extract_listing

CASES = Path(__file__).parent / "corpus" / "cases" / "listings"


def _rows() -> list[dict[str, str]]:
    with open(CASES / "EXPECTED.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _money_matches(got: dict | None, want: str) -> bool:
    if want == "None":
        return got is None
    if got is None:
        return False
    amount, _, currency = want.partition(" ")
    return Decimal(got["amount"]) == Decimal(amount) and \
        (not currency or got["currency"] == currency)


def _matches(record: dict, field: str, want: str) -> bool:
    if field == "price":
        return _money_matches(record["price"], want)
    if field == "original":
        return _money_matches(record["original_price"], want)
    got = record.get(field)
    return (got is None) if want == "None" else got == want


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["file"])
def test_case_gives_what_a_person_records(row: dict[str, str]) -> None:
    record = extract_listing((CASES / f"{row['file']}.html").read_bytes(), row["url"])
    fields = row["field"].split("/")
    wants = [w.strip() for w in row["expected"].split(" / ")]
    assert len(fields) == len(wants)
    for field, want in zip(fields, wants, strict=True):
        got = record["price"] if field == "price" else record.get(
            "original_price" if field == "original" else field)
        assert _matches(record, field, want), f"{field}: expected {want!r}, got {got!r}"
    assert not [w for w in record["warnings"] if "failed" in w]
