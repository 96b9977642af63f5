"""Benchmarks: `make bench`.

capture: two batches, each captured in the same run by a bare Playwright script (goto,
full-page screenshot, page content, one page after another, Chromium with Playwright's
default switches) and by jianyipai (scroll, settle, WARC, hashing, store; ``capture.parallel``
pages at once), with the time ratio, captures per minute, peak memory of the whole process
tree (PSS of Python, Playwright's driver and every Chromium process, sampled every 0.2 s),
CPU seconds per capture of that tree (sampled likewise), and where jianyipai's time goes
(mean seconds per phase, the commit included).
  demo: 12 demo-shop listings.
  large: real-like heavy pages — 40,000 and 60,000 px detail pages, 500 and 1,500
  sub-requests, a slow page, and the saved shop pages of tests/corpus with the biggest DOMs.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.batch import capture_all, parallel_pages  # noqa: E402
from agent.capture.browser import launch  # noqa: E402
from agent.demoshop import DemoShop  # noqa: E402
from agent.settings import load  # noqa: E402
from storage import Store  # noqa: E402

DEMO = ["/item/1001", "/item/1002", "/item/1003", "/item/gbk", "/shop/s1", "/"]
LARGE = ["/item/tall?screens=40", "/item/tall?screens=60", "/item/many?n=500",
         "/item/many?n=1500", "/item/slow", "/item/1001"]
CORPUS = sorted((ROOT / "tests" / "corpus" / "listings").glob("heldout_*.html"),
                key=lambda p: -p.stat().st_size)[:6]


class PeakRss:
    """Samples the summed PSS of this process and all its descendants (Chromium's too), and
    the CPU time each of them has used (the last sample of a process that ended counts)."""

    def __init__(self) -> None:
        self.peak = 0
        self._ticks: dict[int, int] = {}
        self._start = os.times()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def cpu_s(self) -> float:
        """CPU seconds of the descendants and of this process (its own, over the run)."""
        me = os.times()
        own = me.user + me.system - self._start.user - self._start.system
        return own + sum(self._ticks.values()) / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, _tree_rss(os.getpid(), self._ticks))


def _tree_rss(root: int, ticks: dict[int, int]) -> int:
    """Proportional set size (shared pages split between the processes sharing them) of
    ``root`` and its descendants: summing plain RSS would count Chromium's shared memory
    once per process."""
    parent: dict[int, int] = {}
    used: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                parent[int(entry)] = int(fields[1])
                used[int(entry)] = int(fields[11]) + int(fields[12])  # utime + stime
            except (OSError, IndexError, ValueError):
                continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid != root:
            ticks[pid] = used.get(pid, ticks.get(pid, 0))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
        todo.extend(p for p, pp in parent.items() if pp == pid)
    return total


async def bare(urls: list[str]) -> float:
    """The baseline: what a minimal Playwright script does per URL."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        t0 = time.perf_counter()  # browser start counted, as it is in jianyipai's figure
        browser = await launch(pw, None, lean=False)  # Playwright's defaults, as a bare script has them
        for url in urls:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            try:
                await page.goto(url, timeout=60_000)
            except Exception:
                pass  # a page that never finishes loading: shoot it as it is
            await page.screenshot(full_page=True)
            await page.content()
            await context.close()
        elapsed = time.perf_counter() - t0
        await browser.close()
    return elapsed


async def ours(urls: list[str], store_dir: Path) -> tuple[float, dict[str, float], float]:
    settings = load(None, env={})
    with Store(store_dir) as store:
        t0 = time.perf_counter()
        outcomes = await capture_all(settings, store, urls, "listing")
        elapsed = time.perf_counter() - t0
    failed = [o for o in outcomes if o.error]
    if failed:
        raise SystemExit(f"bench: capture failed: {failed[0].url}: {failed[0].error}")
    phases: dict[str, list[float]] = {}
    for o in outcomes:
        for name, secs in ((o.manifest or {}).get("timings") or {}).items():
            phases.setdefault(name, []).append(secs)
        phases.setdefault("commit", []).append(o.commit_s or 0.0)
    slowest = max((o.manifest or {}).get("duration_s") or 0 for o in outcomes)
    return elapsed, {k: statistics.mean(v) for k, v in phases.items()}, slowest


def measured(run: Callable[[], Awaitable[Any]]) -> tuple[Any, int, float]:
    with PeakRss() as rss:
        result = asyncio.run(run())
    return result, rss.peak, rss.cpu_s


def batch(name: str, urls: list[str], tmp: Path) -> dict[str, Any]:
    base, base_rss, base_cpu = measured(lambda: bare(urls))
    (mine, phases, slowest), mine_rss, mine_cpu = measured(lambda: ours(urls, tmp / f"store-{name}"))
    return {
        "batch": name, "captures": len(urls), "parallel": parallel_pages(load(None, env={})),
        "bare_playwright_per_min": round(len(urls) / base * 60, 1),
        "jianyipai_per_min": round(len(urls) / mine * 60, 1),
        "time_ratio_jianyipai_over_bare": round(mine / base, 2),
        "peak_rss_mib": {"bare": base_rss >> 20, "jianyipai": mine_rss >> 20},
        "cpu_s_per_capture": {"bare": round(base_cpu / len(urls), 2),
                              "jianyipai": round(mine_cpu / len(urls), 2)},
        "load_average": round(os.getloadavg()[0], 2),
        "slowest_capture_s": slowest,
        "jianyipai_mean_phase_s": {k: round(v, 3) for k, v in phases.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="times the batch of demo pages is repeated")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    handler = functools.partial(_Quiet, directory=str(CORPUS[0].parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    saved = f"http://127.0.0.1:{server.server_address[1]}"
    with DemoShop() as shop, tempfile.TemporaryDirectory() as tmp:
        asyncio.run(bare([shop.url + DEMO[0]] * 2))  # warm-up: page cache, fonts
        results = [
            batch("demo", [shop.url + p for p in DEMO] * args.rounds, Path(tmp)),
            batch("large", [shop.url + p for p in LARGE] + [f"{saved}/{p.name}" for p in CORPUS],
                  Path(tmp)),
        ]
    server.shutdown()
    for r in results:
        if args.json:
            print(json.dumps(r))
            continue
        print(f"capture benchmark '{r['batch']}': {r['captures']} pages, one browser, same run "
              f"(jianyipai {r['parallel']} pages at once)")
        print(f"  bare Playwright (goto, full-page screenshot, content): {r['bare_playwright_per_min']:>7} captures/min,"
              f" peak memory {r['peak_rss_mib']['bare']} MiB")
        print(f"  jianyipai capture (scroll, settle, WARC, hashing, store): {r['jianyipai_per_min']:>5} captures/min,"
              f" peak memory {r['peak_rss_mib']['jianyipai']} MiB, slowest capture {r['slowest_capture_s']} s")
        print(f"  time ratio jianyipai / bare: {r['time_ratio_jianyipai_over_bare']}"
              f" (load average {r['load_average']})")
        print(f"  CPU seconds per capture, every process: bare {r['cpu_s_per_capture']['bare']},"
              f" jianyipai {r['cpu_s_per_capture']['jianyipai']}")
        print("  where jianyipai's time goes (mean seconds per capture):")
        for name, secs in r["jianyipai_mean_phase_s"].items():
            print(f"    {name:<20}{secs:.3f}")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


if __name__ == "__main__":
    main()
