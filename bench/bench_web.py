"""Viewer speed with 10,000 snapshots: `python bench/bench_web.py [--snapshots N]`.

Fills a temporary store with synthetic listing snapshots (one target with 2,000 captures,
the rest spread over targets of 50), then times the pages a person opens, through the
app itself (no network), as the median of several requests.
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from agent.settings import load  # noqa: E402
from agent.web import create_app  # noqa: E402
from storage import Artifact, Store  # noqa: E402


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), "#dde").save(out, format="PNG")
    return out.getvalue()


def fill(root: Path, total: int) -> tuple[str, str]:
    shot = _png()
    big = "http://shop.example/item/big"
    big_n = min(2000, total // 5)
    plan = [big] * big_n + [f"http://shop.example/item/{i // 50}" for i in range(total - big_n)]
    plan.sort(key=lambda u: hash(u) % 7)  # interleave targets as a watcher would
    with Store(root) as store:
        for n, url in enumerate(plan):
            price = f"{100 + (n % 9) * 10}.00"
            record = {"kind": "listing", "title": f"商品 {url.rsplit('/', 1)[-1]}",
                      "price": {"amount": price, "currency": "CNY"},
                      "promises": [{"code": "return_no_reason", "params": {"days": 7},
                                    "text": "7天无理由退货"}], "claims": []}
            manifest = {"schema": "jianyipai.snapshot/1", "target": {"url": url, "kind": "listing"},
                        "requested_url": url, "final_url": url, "status": 200,
                        "captured_at": f"2026-01-01T00:00:{n % 60:02d}.{n:06d}Z",
                        "title": record["title"], "warnings": []}
            store.commit(manifest, [Artifact("screenshot", shot, "image/png"),
                                    Artifact("record", json.dumps(record, ensure_ascii=False).encode(),
                                             "application/json")])
    return big, "http://shop.example/item/3"


def timed(client, path: str, rounds: int) -> float:
    client.get(path)  # warm
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        resp = client.get(path)
        times.append(time.perf_counter() - t0)
        assert resp.status_code == 200, (path, resp.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--snapshots", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "store"
        t0 = time.perf_counter()
        big, small = fill(root, args.snapshots)
        fill_s = time.perf_counter() - t0
        client = create_app(root, load(None, env={})).test_client()
        rows = [
            ("target list, first page", "/"),
            ("target list, search", "/?q=item/3"),
            ("target list, status filter", "/?status=changed"),
            (f"timeline of a target with {min(2000, args.snapshots // 5)} captures", f"/target?url={big}"),
            ("timeline of a target with 50 captures", f"/target?url={small}"),
        ]
        print(f"viewer benchmark: {args.snapshots} snapshots (store filled in {fill_s:.1f} s)")
        for label, path in rows:
            print(f"  {label:<48} {timed(client, path, args.rounds) * 1000:8.1f} ms (median of {args.rounds})")


if __name__ == "__main__":
    main()
