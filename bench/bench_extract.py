"""Benchmark the listing extractor on the labelled corpus.

    python bench/bench_extract.py [-n ROUNDS]

Prints, per expected field, the fraction of corpus pages where the extractor matched the
label, the overall accuracy, and pages per second (all strategies, decoding included).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import extract_listing  # noqa: E402


def _compare_module():
    spec = importlib.util.spec_from_file_location("corpus_compare",
                                                  ROOT / "tests" / "corpus" / "compare.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--rounds", type=int, default=20, help="passes over the corpus")
    args = parser.parse_args(argv)
    compare = _compare_module()
    cases = [(page.read_bytes(), page.name, expected) for page, expected in compare.cases()]
    hits: dict[str, list[bool]] = defaultdict(list)
    misses: list[str] = []
    for data, name, expected in cases:
        record = extract_listing(data, expected.get("url"), hints=expected.get("hints"))
        for field, (ok, want, got) in compare.compare(record, expected).items():
            hits[field].append(ok)
            if not ok:
                misses.append(f"  {name}: {field}: expected {want!r}, got {got!r}")
    start = time.perf_counter()
    for _ in range(args.rounds):
        for data, _name, expected in cases:
            extract_listing(data, expected.get("url"), hints=expected.get("hints"))
    elapsed = time.perf_counter() - start
    pages = args.rounds * len(cases)
    print(f"corpus: {len(cases)} pages, {args.rounds} rounds")
    print(f"{'field':<16} {'accuracy':>9} {'pages':>6}")
    for field in sorted(hits):
        values = hits[field]
        print(f"{field:<16} {sum(values) / len(values):>9.3f} {len(values):>6}")
    total = [v for values in hits.values() for v in values]
    print(f"{'ALL':<16} {sum(total) / len(total):>9.3f} {len(total):>6}")
    print(f"speed: {pages / elapsed:.1f} pages/s ({elapsed / pages * 1000:.1f} ms/page)")
    if misses:
        print("misses:")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
