"""Fuzz the extractors with the strategies of tests/test_extract_fuzz.py, many cases.

    python bench/bench_fuzz.py [-n CASES] [--seed N] [--show K]

Each case is a generated HTML page (listing or chat extractor, with a random URL,
hints, content type, capture time and time zone) or byte/text soup. Prints the number of
cases, the exceptions (anything but a documented ExtractError, plus checks that fail:
a "strategy failed" warning is an internal bug the guard caught), and cases per second.
Exits 1 when any case failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bs4 import MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _fuzz_module() -> Any:
    spec = importlib.util.spec_from_file_location("extract_fuzz",
                                                  ROOT / "tests" / "test_extract_fuzz.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _cases(fz: Any) -> st.SearchStrategy[tuple[str, tuple[Any, ...]]]:
    page = fz.encoded(fz.html_page())
    url = st.sampled_from(fz.URLS)
    soup_text = st.text(st.characters() | st.characters(categories=["Cs"]), max_size=400)
    return st.one_of(
        st.tuples(st.just("listing"), st.tuples(page, url, fz.HINTS, fz.CONTENT_TYPES)),
        st.tuples(st.just("chat"), st.tuples(page, url, fz.CAPTURED,
                                             st.sampled_from(fz.TIMEZONES))),
        st.tuples(st.just("listing"), st.tuples(fz.BYTE_SOUP, url, st.none(),
                                                fz.CONTENT_TYPES)),
        st.tuples(st.just("chat"), st.tuples(fz.BYTE_SOUP, url, st.none(), st.none())),
        st.tuples(st.just("listing"), st.tuples(soup_text, url, st.none(), st.none())),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=None, help="reproduce a run")
    parser.add_argument("--show", type=int, default=3, help="failing inputs to print")
    args = parser.parse_args(argv)
    # as in the tests: bs4 reading XML as HTML means a page was not normalised first
    warnings.filterwarnings("error", category=XMLParsedAsHTMLWarning)
    warnings.filterwarnings("error", category=MarkupResemblesLocatorWarning)
    fz = _fuzz_module()
    count = 0
    failures: Counter[str] = Counter()
    examples: list[str] = []
    spent = 0.0

    @settings(max_examples=args.cases, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(_cases(fz))
    def run(case: tuple[str, tuple[Any, ...]]) -> None:
        nonlocal count, spent
        kind, params = case
        count += 1
        check = fz.check_listing if kind == "listing" else fz.check_chat
        start = time.perf_counter()
        try:
            check(*params)
        except Exception as exc:  # counted, not raised: the run goes on
            where = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{kind}: {type(exc).__name__} at {Path(where.filename).name}:{where.lineno}"
            failures[key] += 1
            if len(examples) < args.show:
                examples.append(f"{key}: {str(exc)[:300]}\n    input: {params[0]!r:.400}"
                                f"\n    url={params[1]!r:.80} others={params[2:]!r:.200}")
        finally:
            spent += time.perf_counter() - start

    if args.seed is not None:
        run = seed(args.seed)(run)
    wall = time.perf_counter()
    run()
    wall = time.perf_counter() - wall
    print(f"cases: {count}")
    print(f"exceptions: {sum(failures.values())}")
    for key, n in failures.most_common():
        print(f"  {n:>5}  {key}")
    for example in examples:
        print(example)
    print(f"speed: {count / spent:.1f} cases/s in the extractors "
          f"({count / wall:.1f} cases/s with generation, {wall:.0f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
