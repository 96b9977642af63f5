"""Time the availability step (issue 12) on a big page: the displayed-statement reader.

    python bench/bench_availability.py [-n ROUNDS] [FILE.html ...]

Without files, builds the 1.7 MB page of the speed work: an eBay item page with a
carousel of 2,500 other products, a 0.7 MB script and 20,000 CSS rules; and a harder one
whose 2,500 tiles each say "In stock", "Sold out" or "Only 2 left" and carry an "Add to
cart" button. Prints the best time of the step per page (process time), after parsing.
Budget: 5 ms on the first page.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import availability, generic  # noqa: E402
from extractors.decode import decode_html  # noqa: E402
from extractors.html import parse_page, visible_lines  # noqa: E402

BASE = ROOT / "tests" / "corpus" / "listings" / "heldout_ebay_item.html"


def big_pages() -> dict[str, str]:
    base = BASE.read_text(encoding="utf-8")
    rng = random.Random(1)
    tiles = "".join(
        f'<li class="s-item"><a href="/itm/{i}"><img src="/i/{i}.jpg" alt="Product {i}">'
        f'<span class="title">Other product number {i} with a long name and words</span>'
        f'<span class="price">$ {rng.randint(1, 300)}.{rng.randint(10, 99)}</span>'
        f"<span>Free shipping</span><span>{rng.randint(1, 900)} sold</span></a></li>"
        for i in range(2500))
    script = ('<script>window.__DATA__ = {"items": [' + ",".join(
        f'{{"id": {i}, "name": "x{i}", "price": {i}.5, "desc": "{"lorem ipsum " * 20}"}}'
        for i in range(2500)) + "]};</script>")
    css = "<style>" + ".c{color:red}\n" * 20000 + "</style>"
    carousel = f'<div class="carousel"><h2>Similar items</h2><ul>{tiles}</ul></div>'
    big = base.replace("</body>", f"{carousel}{script}</body>").replace("</head>", css + "</head>")
    said = "".join(
        f'<li><a href="/itm/{i}"><span class="title">Other product number {i}</span>'
        f'<span>{rng.choice(["In stock", "Sold out", "Only 2 left", "有货"])}</span>'
        f"<button>Add to cart</button></a></li>" for i in range(2500))
    tiles_say = base.replace("</body>", f"<div><ul>{said}</ul></div></body>")
    return {"big (1.7 MB, the budget page)": big, "tiles that say stock (0.6 MB)": tiles_say}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--rounds", type=int, default=20)
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    pages = {str(f): decode_html(f.read_bytes(), None).text for f in args.files} or big_pages()
    for name, text in pages.items():
        tree, _ = parse_page(text)
        lines = visible_lines(tree)
        _, title_el, _ = generic.find_title(tree)
        best = float("inf")
        for _ in range(args.rounds):
            start = time.process_time()
            found = availability.display_candidates(tree, lines, title_el)
            best = min(best, time.process_time() - start)
        said = ", ".join(f"{c.field}={c.value}" for c in found) or "nothing"
        print(f"{name}: {best * 1000:.2f} ms ({said})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
