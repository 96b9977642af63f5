"""Benchmark for the task queue: `make bench` (part of).

captures/min of 1, 2 and 3 `jianyipai worker` processes (each `capture.parallel = 1`, so
the figures show what a worker adds) taking the same demo-shop jobs from a loopback
redis-server into a fresh folder store. Timed from the enqueue to the last snapshot stored;
the workers' start (browser launch) is not counted.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.demoshop import DemoShop  # noqa: E402
from tests.servers import Redis, find_program  # noqa: E402

PATHS = ("/item/1001", "/item/1002", "/item/1003", "/item/gbk")


def cli(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "agent", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def run(workers: int, jobs: int, shop: DemoShop, redis: Redis, tmp: Path) -> float:
    redis.command("FLUSHALL")
    cfg = tmp / f"config-{workers}.toml"
    cfg.write_text(f'[queue]\nbroker = "{redis.url}"\nhost_concurrency = 3\nhost_gap = 0\n'
                   "[capture]\nparallel = 1\n", "utf-8")
    store = tmp / f"store-{workers}"
    common = ("--config", str(cfg), "--store", str(store))
    procs = [cli("worker", *common) for _ in range(workers)]
    try:
        for p in procs:
            assert p.stderr is not None
            line = p.stderr.readline().decode("utf-8", "replace")
            assert "worker: ready" in line, line
        urls = [f"{shop.url}{PATHS[i % len(PATHS)]}?bench={workers}-{i}" for i in range(jobs)]
        t0 = time.monotonic()
        subprocess.run([sys.executable, "-m", "agent", "capture", "--queue", *urls, *common],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        ledger = store / "ledger"
        while not ledger.exists() or len(ledger.read_text("ascii").split()) < jobs:
            if time.monotonic() - t0 > 60 * jobs:
                raise RuntimeError(f"{workers} workers did not finish {jobs} captures")
            time.sleep(0.1)
        return jobs / ((time.monotonic() - t0) / 60)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=12, help="captures per run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    program = find_program("redis-server")
    if program is None:
        print("queue: skipped, redis-server is not installed (make install)")
        return
    result = {}
    with DemoShop() as shop, Redis(program) as redis, tempfile.TemporaryDirectory() as tmp:
        for n in (1, 2, 3):
            result[f"captures_per_min_{n}_workers"] = round(run(n, args.jobs, shop, redis, Path(tmp)), 1)
    if args.json:
        print(json.dumps(result))
        return
    print(f"queue: captures/min of {args.jobs} demo-shop jobs, workers with capture.parallel = 1"
          f" ({os.cpu_count()} cores)")
    for n in (1, 2, 3):
        print(f"  {n} worker{'s' if n > 1 else ' '}  {result[f'captures_per_min_{n}_workers']:6.1f}")


if __name__ == "__main__":
    main()
