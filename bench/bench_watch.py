"""Benchmark for watching: `make bench` (part of).

diff: seconds to diff two captures of the demo shop's tall listing (/item/tall): the record
and text diff, and the visual diff (side-by-side PNG with boxes).
store: bytes the store grows by per re-capture of an unchanged listing, against the bytes
of the first capture (artifacts that did not change are stored once).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.batch import capture_all  # noqa: E402
from agent.demoshop import DemoShop  # noqa: E402
from agent.settings import load  # noqa: E402
from storage import Store  # noqa: E402
from storage.history import compare  # noqa: E402
from storage.visualdiff import render  # noqa: E402


def store_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in (root / "blobs").rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recaptures", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = load(None, env={})
    with DemoShop() as shop, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "store"
        with Store(root) as store:
            tall = asyncio.run(capture_all(settings, store, [shop.url + "/item/tall"] * 2, "listing"))
            old, new = (o.snapshot_id for o in tall)
            assert old and new, [o.error for o in tall]
            t0 = time.perf_counter()
            compare(store, old, new)
            t_diff = time.perf_counter() - t0
            shots = [store.artifact(i, "screenshot") for i in (old, new)]
            t0 = time.perf_counter()
            _, boxes = render(*shots)
            t_visual = time.perf_counter() - t0
            height = store.manifest(old)[1].get("artifacts", {}).get("screenshot", {}).get("size")

            url = shop.url + "/item/1001"
            before = store_bytes(root)
            asyncio.run(capture_all(settings, store, [url], "listing"))
            first = store_bytes(root) - before
            before = store_bytes(root)
            asyncio.run(capture_all(settings, store, [url] * args.recaptures, "listing"))
            per = (store_bytes(root) - before) / args.recaptures
            warc = [store.manifest(s["id"])[1]["artifacts"]["warc"]["size"]
                    for s in store.summaries(url)[:1]][0]
    result = {
        "tall_diff_s": round(t_diff, 3),
        "tall_visual_diff_s": round(t_visual, 3),
        "tall_screenshot_png_bytes": height,
        "tall_visual_boxes": len(boxes),
        "first_capture_bytes": first,
        "unchanged_recapture_bytes": round(per),
        "unchanged_recapture_ratio": round(per / first, 3),
        "warc_bytes_per_capture": warc,
    }
    if args.json:
        print(json.dumps(result))
        return
    print("watch: diff of two captures of /item/tall")
    print(f"  record+text diff {result['tall_diff_s']} s, visual diff {result['tall_visual_diff_s']} s"
          f" ({len(boxes)} boxes)")
    print("watch: store growth per unchanged re-capture of /item/1001")
    print(f"  first capture {first:,} B; each unchanged re-capture {round(per):,} B"
          f" ({result['unchanged_recapture_ratio']:.1%} of the first; the WARC alone is {warc:,} B)")


if __name__ == "__main__":
    main()
