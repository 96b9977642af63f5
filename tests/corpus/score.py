"""Score listing records against hand labels: per-field precision, recall and F1, and
seller promises found.

Shared by ``bench/bench_extract.py`` and ``tests/test_extract_labelled.py``. Three sets
are read the same way:

- ``labelled/``: ``NAME.html`` + ``NAME.expected.json``, pages written to look like what
  real shops render, read like saved pages (no URL given: the record's ``url`` is itself
  a label, found from the page's canonical link);
- ``listings/``: the first corpus (``*.expected.json``, the URL and hints given);
- ``cases/listings/``: the issue 12 regression pages, one labelled field or two each
  (``EXPECTED.tsv``).

Counting, per field (price, sku, availability): a right value is a true positive; a null
where the label has a value is a miss (false negative); a wrong value is both a false
positive and a miss; a value where the label is null is a false positive. A field absent
from a label file is not scored. A labelled promise is found when the record has an unused
promise of the same code whose params include every labelled param with the same value
(labels name only the params a reader can be sure of; the most specific are matched first).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent
LABELLED = CORPUS / "labelled"
LISTINGS = CORPUS / "listings"
CASES = CORPUS / "cases" / "listings"

F1_FIELDS = ("price", "sku", "availability")
INPUT_KEYS = {"url", "hints", "content_type"}
AVAILABILITY = {"InStock", "OutOfStock", "LimitedAvailability", "PreOrder", "BackOrder",
                "Discontinued", "SoldOut", "InStoreOnly", "OnlineOnly", "PreSale"}


@dataclass
class Case:
    name: str
    path: Path
    labels: dict[str, Any]
    url: str | None = None  # given to the extractor
    hints: dict[str, Any] | None = None
    content_type: str | None = None


def labelled_cases(folder: Path = LABELLED) -> list[Case]:
    out = []
    for expected in sorted(folder.glob("*.expected.json")):
        labels = json.loads(expected.read_text(encoding="utf-8"))
        out.append(Case(expected.name.removesuffix(".expected.json"),
                        expected.with_name(expected.name.replace(".expected.json", ".html")),
                        labels))
    return out


def listing_cases(folder: Path = LISTINGS) -> list[Case]:
    out = []
    for expected in sorted(folder.glob("*.expected.json")):
        raw = json.loads(expected.read_text(encoding="utf-8"))
        labels = {k: v for k, v in raw.items() if k not in INPUT_KEYS}
        out.append(Case(expected.name.removesuffix(".expected.json"),
                        expected.with_name(expected.name.replace(".expected.json", ".html")),
                        labels, raw.get("url"), raw.get("hints"), raw.get("content_type")))
    return out


def _tsv_value(field_name: str, text: str) -> Any:
    text = text.strip()
    if text == "None":
        return None
    if field_name in ("price", "original_price"):
        amount, _, currency = text.partition(" ")
        return {"amount": amount, "currency": currency or None}
    return text


def regression_cases(folder: Path = CASES) -> list[Case]:
    with open(folder / "EXPECTED.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = []
    for row in rows:
        names = ["original_price" if f == "original" else f for f in row["field"].split("/")]
        wants = row["expected"].split(" / ")
        labels = {n: _tsv_value(n, w) for n, w in zip(names, wants, strict=True)}
        out.append(Case(row["file"], folder / f"{row['file']}.html", labels, row["url"]))
    return out


# ------------------------------------------------------------------------- values

def _money(value: Any) -> tuple[Decimal, str | None] | None:
    if not isinstance(value, dict):
        return None
    try:
        return Decimal(str(value.get("amount"))), value.get("currency")
    except (InvalidOperation, ValueError):
        return None


def same_money(want: Any, got: Any) -> bool:
    w, g = _money(want), _money(got)
    if w is None or g is None:
        return w is None and g is None and want is None and got is None
    return w[0] == g[0] and (w[1] is None or w[1] == g[1])


def _text(value: Any) -> str | None:
    return None if value is None else " ".join(str(value).split())


def _availability(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).rstrip("/").rsplit("/", 1)[-1]


def actual(record: dict[str, Any], name: str) -> Any:
    if name == "seller":
        return (record.get("seller") or {}).get("name")
    if name == "currency":
        return (record.get("price") or {}).get("currency")
    if name == "claim_flags":
        return sorted({f for c in record.get("claims") or [] for f in c.get("flags", [])})
    return record.get(name)


def same(name: str, want: Any, got: Any) -> bool:
    if name in ("price", "original_price"):
        return same_money(want, got)
    if name == "availability":
        return _availability(want) == _availability(got)
    if name in ("title", "sku", "seller", "url"):
        return _text(want) == _text(got)
    if name == "claim_flags":
        return sorted(set(want)) == got
    return want == got


# ----------------------------------------------------------------------- promises

def _param_equal(want: Any, got: Any) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got
    if isinstance(want, int | float) and isinstance(got, int | float):
        return want == got
    return want == got


def match_promises(labelled: Iterable[dict[str, Any]],
                   extracted: Iterable[dict[str, Any]]) -> tuple[list[dict], list[dict], list[dict]]:
    """(found, missed, unlabelled): labels matched one to one, most specific first."""
    pool = list(extracted)
    used = [False] * len(pool)
    found, missed = [], []
    for label in sorted(labelled, key=lambda p: -len(p.get("params") or {})):
        params = label.get("params") or {}
        for i, p in enumerate(pool):
            got = p.get("params") or {}
            if not used[i] and p.get("code") == label["code"] and all(
                    k in got and _param_equal(v, got[k]) for k, v in params.items()):
                used[i] = True
                found.append(label)
                break
        else:
            missed.append(label)
    seen, extra = set(), []
    for i, p in enumerate(pool):
        key = (p.get("code"), json.dumps(p.get("params") or {}, sort_keys=True))
        if not used[i] and key not in seen:
            seen.add(key)
            extra.append(p)
    return found, missed, extra


def _show(p: dict[str, Any]) -> str:
    params = p.get("params") or {}
    return p["code"] + (json.dumps(params, ensure_ascii=False, sort_keys=True) if params else "")


# -------------------------------------------------------------------------- tally

@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    pages: int = 0

    def add(self, want: Any, got: Any, right: bool) -> None:
        self.pages += 1
        if want is None:
            self.fp += got is not None
        elif got is None:
            self.fn += 1
        elif right:
            self.tp += 1
        else:
            self.fp += 1
            self.fn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    fields: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in F1_FIELDS})
    other: dict[str, list[int]] = field(default_factory=dict)  # name -> [right, scored]
    promises_labelled: int = 0
    promises_found: int = 0
    promises_unlabelled: int = 0
    pages: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Counts:
        total = Counts()
        for c in self.fields.values():
            total.tp, total.fp, total.fn = total.tp + c.tp, total.fp + c.fp, total.fn + c.fn
            total.pages += c.pages
        return total

    def add(self, case: Case, record: dict[str, Any]) -> None:
        self.pages += 1
        for name, want in case.labels.items():
            if name == "promises":
                found, missed, extra = match_promises(want, record.get("promises") or [])
                self.promises_labelled += len(want)
                self.promises_found += len(found)
                self.promises_unlabelled += len(extra)
                if missed:
                    self.misses.append(f"{case.name}: promises missed: "
                                       + ", ".join(_show(p) for p in missed))
                continue
            got = actual(record, name)
            right = same(name, want, got)
            if name in self.fields:
                self.fields[name].add(want, got, right)
            else:
                tally = self.other.setdefault(name, [0, 0])
                tally[0] += right
                tally[1] += 1
            if not right:
                self.misses.append(f"{case.name}: {name}: expected {want!r}, got {got!r}")


Extract = Callable[[bytes, str | None, dict[str, Any] | None, str | None], dict[str, Any]]


def score(cases: Iterable[Case], extract: Extract) -> Score:
    """Run ``extract(data, url, hints, content_type)`` on every case and tally it."""
    result = Score()
    for case in cases:
        result.add(case, extract(case.path.read_bytes(), case.url, case.hints, case.content_type))
    return result
