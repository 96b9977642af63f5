"""Benchmark the listing extractor: accuracy on the labelled sets, then speed on real-size pages.

    python bench/bench_extract.py [-n PASSES] [--quick] [--misses K]

Accuracy, for each set (tests/corpus/labelled read like saved pages with no URL, the first
corpus tests/corpus/listings, and the issue 12 regression cases in tests/corpus/cases/listings):
precision, recall and F1 for price, sku and availability (a null where the label has a value
is a miss; a wrong value is a false positive and a miss), seller promises found of those
labelled, the other labelled fields (title, original price, url, stock count...) as right of
scored, and the overall F1 of the three fields. Scoring is tests/corpus/score.py.

Speed: every labelled page padded, with a fixed seed, to a real page's size (0.1-2 MB) with
the bulk real shop pages carry (a category menu, inline CSS and JS, recommendation tiles with
prices, reviews in Chinese and English, a JSON state object), written to a temporary folder
and read back one file at a time by `extract_listing` on one core (this process, pinned to one
CPU where the system allows). Prints pages/s and MB/s of CPU time over PASSES passes (the
figure for an idle core; the wall-clock rate is printed too, lower on a shared machine), the
slowest page,
the peak resident memory (the RSS high-water mark) and the highest resident memory in the
first and in the last quarter of pages, which hold pages of the same sizes (flat memory: no
growth between them). Also says on how many padded
pages the price, sku or availability differs from the small page's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "corpus"))

import score  # noqa: E402

from extractors import extract_listing  # noqa: E402

MIN_SIZE, MAX_SIZE = 100_000, 1_950_000
SEED = 12


def _extract(data: bytes, url: str | None, hints: dict | None, content_type: str | None) -> dict:
    return extract_listing(data, url, hints=hints, content_type=content_type)


# ----------------------------------------------------------------------------- accuracy

def print_score(title: str, result: score.Score, misses: int) -> None:
    print(f"== {title}: {result.pages} pages")
    print(f"  {'field':<14} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4} {'scored':>6}")
    for name, c in [*result.fields.items(), ("overall", result.overall)]:
        print(f"  {name:<14} {c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}"
              f" {c.tp:>4} {c.fp:>4} {c.fn:>4} {c.pages:>6}")
    if result.promises_labelled or result.promises_unlabelled:
        share = result.promises_found / result.promises_labelled if result.promises_labelled else 1
        print(f"  promises found {result.promises_found} / {result.promises_labelled} "
              f"({share:.3f}); {result.promises_unlabelled} found that no label names")
    if result.other:
        print("  other fields: " + ", ".join(f"{k} {ok}/{n}" for k, (ok, n)
                                              in sorted(result.other.items())))
    if result.misses and misses:
        print(f"  misses ({len(result.misses)}):")
        for line in result.misses[:misses]:
            print(f"    {line}")
        if len(result.misses) > misses:
            print(f"    ... {len(result.misses) - misses} more (--misses to show them)")


# -------------------------------------------------------------------------------- bulk

CATEGORIES = ["手机", "数码", "电脑办公", "家用电器", "服饰内衣", "美妆个护", "食品饮料", "母婴",
              "Electronics", "Home & Kitchen", "Fashion", "Beauty", "Sports & Outdoors",
              "Haushalt", "Technik", "Maison", "Jardin", "Электроника", "Одежда"]
PRICES = {"CNY": ["¥{:.2f}", "￥{:.0f}"], "USD": ["${:.2f}", "US ${:.2f}"], "EUR": ["{:.2f} €", "€{:.2f}"],
          "GBP": ["£{:.2f}"], "JPY": ["￥{:.0f}"], "RUB": ["{:.0f} ₽"], "KRW": ["{:.0f}원"],
          "PLN": ["{:.2f} zł"], "KZT": ["{:.0f} тг."], "ARS": ["$ {:.0f}"]}
REVIEWS_ZH = ["质量很好，和描述一致，物流很快，第二天就到了，包装也很严实，好评！",
              "用了一个星期才来评价，整体满意，性价比很高，客服态度也不错，会回购。",
              "颜色和图片有一点色差，不过可以接受，做工还算精细，没有异味。",
              "给家里老人买的，操作简单，声音不大，老人说很好用，推荐购买。"]
REVIEWS_EN = ["Works exactly as described. Arrived two days early and well packed.",
              "Good value for the money, though the instructions could be clearer.",
              "Bought this as a gift and it was a hit. Would order again from this seller.",
              "Stopped working after a month; the replacement has been fine so far."]


def _menu(rnd: random.Random, size: int) -> str:
    parts = ['<nav class="mega-menu"><ul>']
    n = 0
    while n < size:
        cat = rnd.choice(CATEGORIES)
        items = "".join(f'<li><a href="/c/{rnd.randrange(10**6)}">{cat} {j}</a></li>'
                        for j in range(12))
        block = f'<li class="cat"><a href="/c/{rnd.randrange(10**6)}">{cat}</a><ul>{items}</ul></li>'
        parts.append(block)
        n += len(block.encode())
    parts.append("</ul></nav>")
    return "".join(parts)


def _css(rnd: random.Random, size: int) -> str:
    rules, n = [], 0
    while n < size:
        rule = (f".c{rnd.randrange(10**5)}-{rnd.choice(['hd', 'bd', 'item', 'wrap'])}"
                f"{{margin:{rnd.randrange(20)}px;color:#{rnd.randrange(16**6):06x};"
                f"display:{rnd.choice(['flex', 'block', 'none', 'grid'])}}}")
        rules.append(rule)
        n += len(rule)
    return "<style>" + "\n".join(rules) + "</style>"


def _js(rnd: random.Random, size: int) -> str:
    lines, n = [], 0
    while n < size:
        name = f"f{rnd.randrange(10**6)}"
        line = (f"function {name}(e,t){{var n=e&&e.items||[];for(var i=0;i<n.length;i++)"
                f"{{if(n[i].id==={rnd.randrange(10**6)})return t(n[i])}}return null}}")
        lines.append(line)
        n += len(line)
    return "<script>" + ";\n".join(lines) + "</script>"


def _tiles(rnd: random.Random, size: int, currency: str) -> str:
    parts = ['<div class="recommend"><h3>猜你喜欢 · You may also like</h3><ul>']
    n = 0
    while n < size:
        price = rnd.choice(PRICES.get(currency, PRICES["CNY"])).format(rnd.uniform(1, 3000))
        tile = (f'<li class="rec-item"><a href="/item/{rnd.randrange(10**9)}"><img src="/img/'
                f'{rnd.randrange(10**9)}.jpg" alt=""><p class="rec-name">{rnd.choice(CATEGORIES)}'
                f' {rnd.randrange(10**4)}</p><span class="rec-price">{price}</span>'
                f'<span class="rec-sold">{rnd.randrange(10**4)}+</span></a></li>')
        parts.append(tile)
        n += len(tile.encode())
    parts.append("</ul></div>")
    return "".join(parts)


def _reviews(rnd: random.Random, size: int) -> str:
    parts = ['<div class="reviews">']
    n = 0
    while n < size:
        text = rnd.choice(REVIEWS_ZH + REVIEWS_EN)
        block = (f'<div class="review"><span class="user">u***{rnd.randrange(1000)}</span>'
                 f'<span class="stars">{rnd.randint(1, 5)}</span><p>{text}</p>'
                 f'<span class="date">2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}'
                 f'</span></div>')
        parts.append(block)
        n += len(block.encode())
    parts.append("</div>")
    return "".join(parts)


def _state(rnd: random.Random, size: int) -> str:
    items, n = [], 0
    while n < size:
        item = {"id": rnd.randrange(10**12), "title": f"{rnd.choice(CATEGORIES)} {rnd.randrange(10**4)}",
                "price": round(rnd.uniform(1, 3000), 2), "stock": rnd.randrange(500),
                "tags": [rnd.choice(CATEGORIES) for _ in range(3)], "img": f"/img/{rnd.randrange(10**9)}.jpg"}
        text = json.dumps(item, ensure_ascii=False)
        items.append(text)
        n += len(text.encode()) + 1
    return "<script>window.__APP_STATE__ = {\"feeds\":[" + ",".join(items) + "]};</script>"


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace"), "gb18030"


def _insert(html: str, marker: str, text: str, after: bool) -> str:
    at = html.lower().find(marker)
    if at < 0:
        return html + text if after else text + html
    if after:
        at = html.find(">", at) + 1
    return html[:at] + text + html[at:]


def pad(data: bytes, target: int, rnd: random.Random, currency: str = "CNY") -> bytes:
    """The page with bulk added until it is about ``target`` bytes; tiles priced in
    ``currency``, as a shop's own recommendations are."""
    html, encoding = _decode(data)
    room = max(0, target - len(data))
    # shares of the added bulk: menu 8%, css 12%, js 15%, tiles 20%, reviews 20%, state 25%
    html = _insert(html, "</head>", _css(rnd, room * 12 // 100), after=False)
    html = _insert(html, "<body", _menu(rnd, room * 8 // 100), after=True)
    tail = (_tiles(rnd, room * 20 // 100, currency) + _reviews(rnd, room * 20 // 100)
            + _state(rnd, room * 25 // 100) + _js(rnd, room * 15 // 100))
    html = _insert(html, "</body>", tail, after=False)
    return html.encode(encoding, errors="xmlcharrefreplace")


def build_folder(folder: Path, cases: list[score.Case], count: int) -> list[tuple[Path, str]]:
    """Write ``count`` padded pages spread over the cases. Sizes are ten steps from 0.1 to
    2 MB (evenly on a log scale), shuffled in each run of ten pages, so that every quarter
    of a run of 40 pages holds the same sizes and their memory can be compared."""
    rnd = random.Random(SEED)
    steps = [int(MIN_SIZE * (MAX_SIZE / MIN_SIZE) ** (k / 9)) for k in range(10)]
    sizes: list[int] = []
    while len(sizes) < count:
        sizes += rnd.sample(steps, len(steps))
    out = []
    for i in range(count):
        case = cases[i * len(cases) // count % len(cases)]
        currency = (case.labels.get("price") or {}).get("currency") or "CNY"
        path = folder / f"{i:03d}_{case.name}.html"
        path.write_bytes(pad(case.path.read_bytes(), sizes[i], rnd, currency))
        out.append((path, case.name))
    return out


# ------------------------------------------------------------------------------ speed

def _rss_mib() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    price = record.get("price") or {}
    return price.get("amount"), price.get("currency"), record.get("sku"), record.get("availability")


def speed(pages: list[tuple[Path, str]], passes: int, small: dict[str, dict]) -> None:
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        except OSError:
            pass
    sizes = [p.stat().st_size for p, _ in pages]
    print(f"== speed: {len(pages)} pages of {min(sizes) / 1e6:.2f}-{max(sizes) / 1e6:.2f} MB "
          f"(mean {sum(sizes) / len(sizes) / 1e6:.2f} MB), {passes} pass(es), one core")
    extract_listing(pages[0][0].read_bytes(), None)  # imports and caches, not timed
    rss: list[float] = []
    changed: list[str] = []
    slowest = (0.0, "", 0)
    total_bytes = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for n in range(passes):
        for path, name in pages:
            t = time.process_time()
            data = path.read_bytes()
            record = extract_listing(data, None)
            took = time.process_time() - t
            total_bytes += len(data)
            slowest = max(slowest, (took, path.name, len(data)))
            if n == 0 and name in small and _key(record) != _key(small[name]):
                was, now = _key(small[name]), _key(record)
                diffs = [f"{label} {a} -> {b}" for label, a, b
                         in zip(("price", "currency", "sku", "availability"), was, now, strict=True)
                         if a != b]
                changed.append(f"{name} ({', '.join(diffs)})")
            del data, record
            rss.append(_rss_mib())
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    count = passes * len(pages)
    quarter = max(1, len(rss) // 4)
    first, last = max(rss[:quarter]), max(rss[-quarter:])
    print(f"  SPEED {count / cpu:.1f} pages/s, {total_bytes / cpu / 1e6:.1f} MB/s on one core "
          f"({cpu / count * 1000:.0f} ms of CPU a page; goal >= 30 pages/s)")
    print(f"  wall clock {count / elapsed:.1f} pages/s (lower when other processes share the core)")
    print(f"  slowest page {slowest[0] * 1000:.0f} ms of CPU ({slowest[1]}, {slowest[2] / 1e6:.2f} MB)")
    print(f"  memory: peak RSS {_peak_mib():.0f} MiB (high-water); highest RSS in the first "
          f"quarter of pages {first:.0f} MiB, in the last {last:.0f} MiB "
          f"(growth {last - first:+.0f} MiB)")
    compared = len({name for _, name in pages if name in small})
    if compared:
        print(f"  padded pages whose price, sku or availability differs from the small page's: "
              f"{len(changed)} of {compared}")
        for line in changed:
            print(f"    {line}")


# ------------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--rounds", type=int, default=2,
                        help="passes over the folder of real-size pages (default 2)")
    parser.add_argument("--quick", action="store_true",
                        help="12 real-size pages, one pass (a quick look while working)")
    parser.add_argument("--misses", type=int, default=25, help="misses to list per set")
    args = parser.parse_args(argv)

    labelled = score.labelled_cases()
    small: dict[str, dict] = {}  # the small page's record, to compare with the padded one
    result = score.Score()
    for case in labelled:
        record = _extract(case.path.read_bytes(), case.url, case.hints, case.content_type)
        small[case.name] = record
        result.add(case, record)
    print_score(f"labelled ({score.LABELLED.relative_to(ROOT)}, read with no URL)", result,
                args.misses)
    print_score(f"listings ({score.LISTINGS.relative_to(ROOT)})",
                score.score(score.listing_cases(), _extract), args.misses)
    print_score(f"regression cases ({score.CASES.relative_to(ROOT)}, EXPECTED.tsv)",
                score.score(score.regression_cases(), _extract), args.misses)

    count, passes = (12, 1) if args.quick else (len(labelled), max(1, args.rounds))
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        pages = build_folder(Path(tmp), labelled, count)
        speed(pages, passes, small)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
