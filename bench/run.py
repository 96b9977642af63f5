"""Benchmarks: `make bench`.

capture: captures per minute for a batch of demo-shop listings, done by jianyipai and by a
bare Playwright script (goto, full-page screenshot, page content) in the same run, with the
ratio, and where jianyipai's time goes (mean seconds per phase).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.batch import capture_all  # noqa: E402
from agent.capture.browser import launch  # noqa: E402
from agent.demoshop import DemoShop  # noqa: E402
from agent.settings import load  # noqa: E402
from storage import Store  # noqa: E402

PATHS = ["/item/1001", "/item/1002", "/item/1003", "/item/gbk", "/shop/s1", "/"]


async def bare(urls: list[str]) -> float:
    """The baseline: what a minimal Playwright script does per URL."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await launch(pw, None)
        t0 = time.perf_counter()
        for url in urls:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            await page.goto(url)
            await page.screenshot(full_page=True)
            await page.content()
            await context.close()
        elapsed = time.perf_counter() - t0
        await browser.close()
    return elapsed


async def ours(urls: list[str], store_dir: Path) -> tuple[float, dict[str, float]]:
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
    return elapsed, {k: statistics.mean(v) for k, v in phases.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="times the batch of demo pages is repeated")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with DemoShop() as shop, tempfile.TemporaryDirectory() as tmp:
        urls = [shop.url + p for p in PATHS] * args.rounds
        asyncio.run(bare(urls[:2]))  # warm-up: page cache, fonts
        base = asyncio.run(bare(urls))
        mine, phases = asyncio.run(ours(urls, Path(tmp) / "store"))
    result = {
        "captures": len(urls),
        "bare_playwright_per_min": round(len(urls) / base * 60, 1),
        "jianyipai_per_min": round(len(urls) / mine * 60, 1),
        "time_ratio_jianyipai_over_bare": round(mine / base, 2),
        "jianyipai_mean_phase_s": {k: round(v, 3) for k, v in phases.items()},
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"capture benchmark: {len(urls)} demo-shop pages, one browser, same run")
    print(f"  bare Playwright (goto, full-page screenshot, content): {result['bare_playwright_per_min']:>7} captures/min")
    print(f"  jianyipai capture (scroll, settle, WARC, hashing, store): {result['jianyipai_per_min']:>5} captures/min")
    print(f"  time ratio jianyipai / bare: {result['time_ratio_jianyipai_over_bare']}")
    print("  where jianyipai's time goes (mean seconds per capture):")
    for name, secs in result["jianyipai_mean_phase_s"].items():
        print(f"    {name:<15}{secs:.3f}")


if __name__ == "__main__":
    main()
