"""Benchmark: does a capture keep its time bound, and how fast is a batch of saved shop pages?

bound: pages that never end (/item/hang never finishes sending; /item/spin's script never
returns) captured with `capture.timeout` = 10: the manifest's duration and the whole
command's wall time. corpus: the saved pages of tests/corpus/listings, served on
127.0.0.1 and captured in one `capture` call: captures/min and the slowest capture.
"""
from __future__ import annotations

import functools
import json
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.demoshop import DemoShop  # noqa: E402

TIMEOUT = 10


def capture(store: Path, *args: str) -> tuple[float, list[dict]]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "agent", "capture", *args, "--json",
                           "--store", str(store)], capture_output=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    return wall, [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, DemoShop() as shop:
        print(f"time bound: capture.timeout = {TIMEOUT} s (promise: done within {TIMEOUT + 5} s)")
        for path in ("/item/hang", "/item/spin"):
            wall, lines = capture(Path(tmp) / "b", shop.url + path, "--timeout", str(TIMEOUT))
            d = lines[0]["duration_s"] if lines else None
            print(f"  {path:<11} manifest duration {d} s, whole command {wall:.1f} s "
                  f"(browser start included), {len(lines)} snapshot")
        for screens in (60, 300):
            t0 = time.perf_counter()
            proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "agent",
                                   "capture", f"{shop.url}/item/tall?screens={screens}", "--json",
                                   "--store", str(Path(tmp) / "t")], capture_output=True, cwd=ROOT)
            wall = time.perf_counter() - t0
            rss_kib = int(proc.stderr.decode().strip().splitlines()[-1])
            m = json.loads(proc.stdout.decode().splitlines()[0])
            print(f"tall page of {screens * 1000:,} px: {wall:.1f} s in all (scroll "
                  f"{m['timings'].get('scroll')} s, screenshot {m['timings'].get('screenshot')} s), "
                  f"peak RSS of the capture process {rss_kib / 1024:.0f} MiB, "
                  f"screenshot {m['artifacts']['screenshot']['size'] / 1e6:.1f} MB")
        pages = sorted((ROOT / "tests" / "corpus" / "listings").glob("*.html"))
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(
            _Quiet, directory=str(pages[0].parent)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        wall, lines = capture(Path(tmp) / "c", *(f"{base}/{p.name}" for p in pages))
        server.shutdown()
        slowest = max(lines, key=lambda m: m["duration_s"]) if lines else None
        print(f"saved shop pages: {len(lines)} snapshots of {len(pages)} pages in {wall:.1f} s, "
              f"{len(lines) / wall * 60:.1f} captures/min (default settings)")
        if slowest:
            print(f"  slowest capture {slowest['duration_s']} s ({slowest['target']['url'].rsplit('/', 1)[1]})")


if __name__ == "__main__":
    main()
