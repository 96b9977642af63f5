"""Captures on the task queue: real `jianyipai worker` processes, a real redis-server
(``redis_url`` from ``tests/servers.py``), the demo shop."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

from agent.demoshop import DemoShop
from storage import Store
from tests.conftest import ROOT, assert_one_line_error, closed_port, run_cli

pytestmark = pytest.mark.browser


@pytest.fixture
def broker(redis_url: str) -> Any:
    """A client of the loopback Redis (``tests/servers.py``), emptied for each test."""
    import redis

    return redis.Redis.from_url(redis_url)


def wait_for(check: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def config(tmp_path: Path, redis_url: str, more: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"""
[queue]
broker = "{redis_url}"
retries = 1
backoff = 0.2
host_concurrency = 3
host_gap = 0
heartbeat_timeout = 5
leader_ttl = 2
[capture]
parallel = 1
timeout = 20
{more}""", "utf-8")
    return path


class Proc:
    """A `jianyipai` command running in the background, its stderr in a file."""

    def __init__(self, tmp_path: Path, name: str, *args: str) -> None:
        self.log = tmp_path / f"{name}.log"
        self._out = tmp_path / f"{name}.out"
        self._files: list[IO[bytes]] = [open(self._out, "wb"), open(self.log, "wb")]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "agent", *args], cwd=ROOT, stdout=self._files[0],
            stderr=self._files[1], env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def text(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self._out.read_text("utf-8").splitlines() if line]

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(10)
        finally:
            for f in self._files:
                f.close()


def start_workers(tmp_path: Path, cfg: Path, store: Path, n: int) -> list[Proc]:
    workers = [Proc(tmp_path, f"worker{i}", "worker", "--config", str(cfg), "--store", str(store))
               for i in range(n)]
    for w in workers:
        wait_for(lambda w=w: "worker: ready" in w.text() or w.proc.poll() is not None, 60,
                 "a worker to start")
        assert w.proc.poll() is None, w.text()
    return workers


def ledger(store: Path) -> list[str]:
    path = store / "ledger"
    return path.read_text("ascii").split() if path.exists() else []


def captured_urls(store: Path) -> Counter[str]:
    with Store(store, create=False) as s:
        return Counter(row["target"]["url"] for row in s.summaries())


def assert_one_chain(store: Path) -> None:
    """verify is clean and each manifest names the one before it."""
    res = run_cli("verify", store=store)
    assert res.code == 0, res.out + res.err
    ids = ledger(store)
    with Store(store, create=False) as s:
        for before, snapshot_id in zip([None, *ids], ids, strict=False):
            assert s.manifest(snapshot_id)[1]["prev"] == before


def test_three_workers_capture_each_queued_url_once(shop: DemoShop, tmp_path: Path,
                                                    redis_url: str, broker: Any) -> None:
    cfg, store = config(tmp_path, redis_url), tmp_path / "store"
    urls = [f"{shop.url}{path}?n={i}" for i in range(3)
            for path in ("/item/1001", "/item/1002", "/item/1003", "/item/gbk")]
    workers = start_workers(tmp_path, cfg, store, 3)
    try:
        res = run_cli("capture", "--queue", "--json", *urls, "--config", str(cfg), store=store)
        assert res.code == 0, res.err
        jobs = res.json_lines()
        assert [j["url"] for j in jobs] == urls and len({j["job"] for j in jobs}) == len(urls)
        wait_for(lambda: len(ledger(store)) >= len(urls), 240, "12 snapshots")
    finally:
        logs = [w.text() for w in workers]
        codes = [w.stop() for w in workers]
    assert codes == [0, 0, 0], logs
    assert captured_urls(store) == Counter(urls)
    assert sum("worker: ok" in log for log in logs) >= 2, logs  # the work was shared
    assert_one_chain(store)


def test_a_worker_killed_mid_capture_leaves_its_job_to_another(shop: DemoShop, tmp_path: Path,
                                                               redis_url: str, broker: Any) -> None:
    cfg, store = config(tmp_path, redis_url), tmp_path / "store"
    slow = f"{shop.url}/item/slow?kill=1"  # its body takes about two seconds
    others = [f"{shop.url}/item/1002?k={i}" for i in range(3)]
    workers = start_workers(tmp_path, cfg, store, 2)
    try:
        assert run_cli("capture", "--queue", slow, *others, "--config", str(cfg), store=store).code == 0
        victim = wait_for(lambda: next((w for w in workers if f"capturing {slow}" in w.text()), None),
                          60, "a worker to start on the slow page")
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait(10)
        survivor = next(w for w in workers if w is not victim)
        wait_for(lambda: len(ledger(store)) >= 1 + len(others), 240, "every job to be stored")
    finally:
        codes = [w.stop() for w in workers]
    assert codes[workers.index(survivor)] == 0, survivor.text()
    assert f"capturing {slow}" in survivor.text()  # the job came back from the dead worker
    assert captured_urls(store) == Counter([slow, *others])  # no snapshot twice, none lost
    assert_one_chain(store)


def test_one_host_is_captured_by_one_worker_at_a_time(shop: DemoShop, tmp_path: Path,
                                                     redis_url: str, broker: Any) -> None:
    from storage.times import parse

    cfg = config(tmp_path, redis_url).read_text("utf-8").replace("host_concurrency = 3",
                                                                 "host_concurrency = 1")
    (tmp_path / "polite.toml").write_text(cfg, "utf-8")
    cfg_path, store = tmp_path / "polite.toml", tmp_path / "store"
    urls = [f"{shop.url}/item/1003?polite={i}" for i in range(4)]
    workers = start_workers(tmp_path, cfg_path, store, 2)
    try:
        assert run_cli("capture", "--queue", *urls, "--config", str(cfg_path), store=store).code == 0
        wait_for(lambda: len(ledger(store)) >= len(urls), 240, "4 snapshots")
    finally:
        for w in workers:
            w.stop()
    spans = []
    with Store(store, create=False) as s:
        for snapshot_id in ledger(store):
            m = s.manifest(snapshot_id)[1]
            start = parse(m["captured_at"]).timestamp()  # type: ignore[union-attr]
            spans.append((start, start + m["duration_s"]))
    spans.sort()
    assert all(end <= nxt for (_, end), (nxt, _) in zip(spans, spans[1:], strict=False)), spans


def test_failing_jobs_end_in_the_dead_letter_list(tmp_path: Path, redis_url: str,
                                                  broker: Any) -> None:
    from agent.queue.broker import Queue, make_job
    from agent.settings import load

    cfg, store = config(tmp_path, redis_url), tmp_path / "store"
    down = f"http://127.0.0.1:{closed_port()}/item/1"
    # bad input is refused before anything is queued
    assert_one_line_error(run_cli("capture", "--queue", down, "--device", "No Such Phone 9",
                                  "--config", str(cfg), store=store))
    assert broker.hlen("jianyipai:capture.msgs") == 0
    workers = start_workers(tmp_path, cfg, store, 1)
    try:
        assert run_cli("capture", "--queue", down, "--config", str(cfg), store=store).code == 0
        queue = Queue(load(cfg, env={}))
        try:  # a job no retry can help: its session does not exist
            queue.enqueue(make_job(down + "?signed-in", "listing", session="nobody"))
        finally:
            queue.close()

        def dead() -> list[dict[str, Any]]:
            res = run_cli("watch", "--failures", "--json", "--config", str(cfg), store=store)
            rows = [r for r in res.json_lines() if r.get("queue")]
            return rows if len(rows) >= 2 else []

        rows = {r["url"]: r for r in wait_for(dead, 120, "two dead letters")}
    finally:
        assert workers[0].stop() == 0, workers[0].text()
    assert rows[down]["attempts"] == 2 and "connect" in rows[down]["error"].lower()  # 1 + 1 retry
    assert rows[down + "?signed-in"]["attempts"] == 1 and "nobody" in rows[down + "?signed-in"]["error"]
    text = run_cli("watch", "--failures", "--config", str(cfg), store=store)
    assert f"{down}  job " in text.out and "gave up after 2 attempts" in text.out
    assert ledger(store) == []


def test_one_scheduler_leads_and_a_standby_takes_over(shop: DemoShop, tmp_path: Path,
                                                      redis_url: str, broker: Any) -> None:
    target = shop.url + "/item/1001"
    cfg = config(tmp_path, redis_url, f"""[watch]
jitter = 0.0
[[targets]]
url = "{target}"
every = "1h"
""")
    store = tmp_path / "store"
    Store(store).close()  # the store exists before both start
    args = ("watch", "--queue", "--json", "--config", str(cfg), "--store", str(store))
    watchers = [Proc(tmp_path, f"watch{i}", *args) for i in range(2)]
    try:
        leader = wait_for(lambda: next((w for w in watchers if any(
            e["event"] == "queued" for e in w.events())), None), 60, "a target to be queued")
        standby = next(w for w in watchers if w is not leader)
        wait_for(lambda: any(e["event"] == "standby" for e in standby.events()), 30, "a standby")
        time.sleep(2 * 2)  # two leader TTLs: the standby must still stand by
        assert [e["event"] for e in standby.events()] == ["standby"], standby.text()
        leader.proc.send_signal(signal.SIGKILL)
        leader.proc.wait(10)
        wait_for(lambda: any(e["event"] == "leader" for e in standby.events()), 30, "the takeover")
        time.sleep(2)
        assert not any(e["event"] == "queued" for e in standby.events())  # not due again for 1h
    finally:
        codes = [w.stop() for w in watchers]
    assert codes[watchers.index(standby)] == 0, standby.text()
    assert broker.hlen("jianyipai:capture.msgs") == 1  # fired once in all
    queued = [e for e in leader.events() if e["event"] == "queued"]
    assert [e["url"] for e in queued] == [target]


def test_a_watched_target_is_compared_and_notified_by_the_worker(
        fresh_shop: DemoShop, tmp_path: Path, redis_url: str, broker: Any) -> None:
    from tests.test_watcher import Hook

    hook, target = Hook(), fresh_shop.url + "/item/1001"
    cfg = config(tmp_path, redis_url, f"""[notify]
webhook = "{hook.url}"
[watch]
jitter = 0.0
[[targets]]
url = "{target}"
label = "蓝牙耳机"
every = "1s"
""")
    store = tmp_path / "store"
    workers = start_workers(tmp_path, cfg, store, 1)
    try:
        for n in (1, 2):
            res = run_cli("watch", "--queue", "--once", "--json", "--config", str(cfg), store=store)
            assert res.code == 0, res.err
            assert [e["event"] for e in res.json_lines()] == ["standby", "leader", "queued"]
            wait_for(lambda n=n: len(ledger(store)) >= n, 120, f"capture {n}")
            fresh_shop.set_version("1001", 2)
            time.sleep(1.5)  # the target is due again
    finally:
        hook.server.shutdown()
        hook.server.server_close()
        assert workers[0].stop() == 0
    log = workers[0].text()
    assert "(first capture)" in log and "CHANGED" in log, log
    (body,) = hook.bodies
    assert body["target"] == {"url": target, "kind": "listing", "label": "蓝牙耳机"}
    assert {"field": "price", "old": "199.00 CNY", "new": "249.00 CNY"} in body["changes"]["fields"]


def test_without_a_reachable_broker_the_commands_say_so_in_one_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    no_broker = run_cli("worker", store=store, env={"JIANYIPAI_BROKER": ""})
    assert_one_line_error(no_broker)
    assert "[queue] broker" in no_broker.err
    down = {"JIANYIPAI_BROKER": f"redis://127.0.0.1:{closed_port()}/0"}
    for args in (("capture", "--queue", "https://shop.example/item/1"), ("worker",)):
        result = run_cli(*args, store=store, env=down)
        assert_one_line_error(result)
        assert "cannot reach the task queue" in result.err
    assert not store.exists()  # capture --queue stores nothing, and the worker ends first
    Store(store).close()
    failures = run_cli("watch", "--failures", store=store, env=down)
    assert_one_line_error(failures)
    assert "cannot reach the task queue" in failures.err
