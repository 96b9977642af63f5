"""A watchdog group's store, whole (issue 16's "Done means"): three `jianyipai worker`
processes capture 30 demo-shop URLs from the queue into PostgreSQL (index and ledger) and
SeaweedFS (blobs), while one worker is killed mid-capture and PostgreSQL is stopped for 10 s.
Every URL ends up stored once, in one unbroken chain that `verify` finds clean."""
from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from agent.demoshop import DemoShop
from agent.settings import load, open_store
from tests.conftest import run_cli
from tests.test_queue import config, start_workers, wait_for

pytestmark = pytest.mark.browser


def _group(cfg: Path, store: Path) -> Any:
    return open_store(load(cfg, env={}), store, create=False)


def _ids(cfg: Path, store: Path) -> list[str]:
    with _group(cfg, store) as s:
        return s.ledger.ids()


def test_three_workers_fill_one_chain_through_a_killed_worker_and_a_database_outage(
        shop: DemoShop, tmp_path: Path, redis_url: str, postgres_url: str, postgres_server: Any,
        s3_server: Any, s3_bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in s3_server.env.items():
        monkeypatch.setenv(name, value)  # the workers, the CLI and this test read the keys here
    cfg = config(tmp_path, redis_url, f'[storage]\nindex = "{postgres_url}"\n'
                                      f'blobs = "{s3_server.blobs_url(s3_bucket)}"\n')
    store = tmp_path / "worker-folder"  # this machine's keys; the snapshots are in PG + S3
    open_store(load(cfg, env={}), store).close()  # made once, before three workers open it

    slow = f"{shop.url}/item/slow?victim=1"  # its body takes about two seconds
    urls = [slow] + [f"{shop.url}{path}?n={i}" for i in range(8)
                     for path in ("/item/1001", "/item/1002", "/item/1003", "/item/gbk")][:29]
    workers = start_workers(tmp_path, cfg, store, 3)
    try:
        queued = run_cli("capture", "--queue", *urls, "--config", str(cfg), store=store)
        assert queued.code == 0, queued.err
        victim = wait_for(lambda: next((w for w in workers if f"capturing {slow}" in w.text()), None),
                          120, "a worker to start on the slow page")
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait(10)
        postgres_server.stop_for(10).join()  # the survivors wait for the database, then go on
        wait_for(lambda: len(_ids(cfg, store)) >= len(urls), 600, "all 30 snapshots")
    finally:
        logs = {id(w): w.text() for w in workers}
        codes = {id(w): w.stop() for w in workers}
    survivors = [w for w in workers if w is not victim]
    assert all(codes[id(w)] == 0 for w in survivors), [logs[id(w)] for w in survivors]
    assert any(f"capturing {slow}" in logs[id(w)] for w in survivors)  # the job came back

    with _group(cfg, store) as s:
        ids = s.ledger.ids()
        assert len(ids) == len(urls)
        assert Counter(row["target"]["url"] for row in s.summaries()) == Counter(urls)
        for before, snapshot_id in zip([None, *ids], ids, strict=False):
            assert s.manifest(snapshot_id)[1]["prev"] == before  # never forked
    assert not list(store.glob("blobs/*/*")), "blobs belong in the object store"
    checked = run_cli("verify", "--config", str(cfg), store=store)
    assert checked.code == 0, checked.out + checked.err
