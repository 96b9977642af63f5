"""A group's schedule and jobs across machines (issue 16): the watch state of a PostgreSQL
store lives in that database, so a `watch --queue` leader on another machine (another store
folder) goes on with the schedule of the one that died; and a capture job redelivered after
its commit stores nothing new. Real PostgreSQL, Redis, workers and demo shop on loopback."""
from __future__ import annotations

import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.demoshop import DemoShop
from agent.settings import load, open_store
from storage.watchstate import WatcherBusyError, WatchState
from tests.conftest import run_cli
from tests.test_queue import Proc, config, start_workers, wait_for


def test_the_watch_state_of_a_group_store_is_its_database(tmp_path: Path, postgres_url: str) -> None:
    when = 1_790_000_000.123456  # a REAL that PostgreSQL's 4-byte float would round by minutes
    a = WatchState(tmp_path / "machine-a", index=postgres_url)
    b = WatchState(tmp_path / "machine-b", index=postgres_url)
    try:
        a.set_next("k1", "https://shop.example/item/1", "listing", when, last_run=when - 60,
                   last_snapshot="ab" * 32)
        a.set_next("k1", "https://shop.example/item/1", "listing", when + 3600, attempts=2)
        a.add_failure("k1", "https://shop.example/item/1", when, 1, "连接超时 timeout", final=False)
        a.add_failure("k1", "https://shop.example/item/1", when + 1, 2, "gave up", final=True)
        row = b.schedule()["k1"]  # the other machine sees the one schedule
        assert (row["next_run"], row["attempts"], row["last_run"], row["last_snapshot"]) == (
            when + 3600, 2, when - 60, "ab" * 32)
        fails = b.failures("https://shop.example/item/1")
        assert [(f["attempt"], f["final"], f["error"]) for f in fails] == [
            (1, False, "连接超时 timeout"), (2, True, "gave up")]
        assert fails[0]["n"] < fails[1]["n"] and b.failures() == fails
        a.lock()
        with pytest.raises(WatcherBusyError, match="one watcher per store"):
            b.lock()  # one watcher per store, whichever folder it runs from
        a.unlock()
        b.lock()
    finally:
        a.close()
        b.close()
    assert not (tmp_path / "machine-a" / "watch.sqlite").exists()
    (tmp_path / "alone").mkdir()
    folder = WatchState(tmp_path / "alone")  # the folder default is untouched
    try:
        assert folder.schedule() == {} and folder.failures() == []
    finally:
        folder.close()
    assert (tmp_path / "alone" / "watch.sqlite").exists()


@pytest.mark.browser
def test_a_leader_on_another_machine_goes_on_with_the_schedule(
        shop: DemoShop, tmp_path: Path, redis_url: str, postgres_url: str) -> None:
    import redis

    hourly, often = shop.url + "/item/1001", shop.url + "/item/1002"
    cfg = config(tmp_path, redis_url, f"""[storage]
index = "{postgres_url}"
[watch]
jitter = 0.0
[[targets]]
url = "{hourly}"
every = "1h"
[[targets]]
url = "{often}"
every = "2s"
""")

    def watcher(name: str) -> Proc:  # each "machine" has its own store folder
        return Proc(tmp_path, name, "watch", "--queue", "--json", "--config", str(cfg),
                    "--store", str(tmp_path / f"{name}-store"))

    def queued(proc: Proc, url: str) -> list[dict[str, Any]]:
        return [e for e in proc.events() if e["event"] == "queued" and e["url"] == url]

    a = watcher("machine-a")
    b: Proc | None = None
    try:
        wait_for(lambda: len(queued(a, often)) >= 2 and queued(a, hourly), 60, "A to fire twice")
        b = watcher("machine-b")
        wait_for(lambda: any(e["event"] == "standby" for e in b.events()), 60, "B to stand by")
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait(10)
        wait_for(lambda: len(queued(b, often)) >= 2, 60, "B to take over and fire")
    finally:
        codes = [p.stop() for p in (a, b) if p is not None]
    assert b is not None and codes[1] == 0, b.text()
    assert [e["event"] for e in b.events()][:2] == ["standby", "leader"]
    assert not queued(b, hourly), b.text()  # fired by A an hour ahead: never again by B
    fired = queued(a, often) + queued(b, often)
    for before, after in zip(fired, fired[1:], strict=False):  # B goes on from A's next run
        assert after["at"] >= before["next_run"] - 1e-3, (before, after)
    assert len(queued(a, hourly)) == 1
    jobs = {e["job"] for e in fired + queued(a, hourly)}
    assert redis.Redis.from_url(redis_url).hlen("jianyipai:capture.msgs") == len(jobs)
    assert not (tmp_path / "machine-b-store" / "watch.sqlite").exists()  # state is in PG


@pytest.fixture
def silent_tsa() -> Iterator[str]:
    """A timestamp authority that takes the request and never answers: the worker that
    committed a snapshot waits in its first after-commit step, before the job's ack."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/tsa"


@pytest.mark.browser
@pytest.mark.parametrize("backend", ["folder", "postgresql"])
def test_a_job_redelivered_after_its_commit_stores_nothing_new(
        backend: str, shop: DemoShop, tmp_path: Path, redis_url: str, silent_tsa: str,
        request: pytest.FixtureRequest) -> None:
    import redis

    storage = ""
    if backend == "postgresql":
        storage = f'[storage]\nindex = "{request.getfixturevalue("postgres_url")}"\n'
    plain, stalled, store = config(tmp_path, redis_url, storage), tmp_path / "stalled.toml", tmp_path / "store"
    stalled.write_text(plain.read_text("utf-8") + f'[evidence]\ntsa = ["{silent_tsa}"]\n'
                       'tsa_timeout = 300\n', "utf-8")

    def ids() -> list[str]:
        with open_store(load(plain, env={}), store, create=False) as s:
            return list(s.ledger.ids())

    url = shop.url + "/item/1003?job=once"
    (first,) = start_workers(tmp_path, stalled, store, 1)
    try:
        res = run_cli("capture", "--queue", "--json", url, "--config", str(plain), store=store)
        assert res.code == 0, res.err
        (job,) = [line["job"] for line in res.json_lines()]
        wait_for(lambda: len(ids()) == 1, 120, "the commit")  # now it waits on the timestamp
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(10)
    finally:
        first.stop()
    broker = redis.Redis.from_url(redis_url)
    assert broker.hlen("jianyipai:capture.msgs") == 1  # never acknowledged
    (second,) = start_workers(tmp_path, plain, store, 1)
    try:
        wait_for(lambda: "already captured" in second.text(), 120, "the job to come back")
        wait_for(lambda: broker.hlen("jianyipai:capture.msgs") == 0, 60, "the ack")
    finally:
        assert second.stop() == 0, second.text()
    (snapshot_id,) = ids()  # nothing new
    assert f"already captured as {snapshot_id[:12]} (job {job[:8]} redelivered)" in second.text()
    assert "capturing" not in second.text()
    with open_store(load(plain, env={}), store, create=False) as s:
        manifest = s.manifest(snapshot_id)[1]
        assert manifest["job"] == {"id": job, "queue": "capture"} and manifest["prev"] is None
        assert s.index.of_job(job) == snapshot_id
    checked = run_cli("verify", "--config", str(plain), store=store)
    assert checked.code == 0, checked.out + checked.err
