"""The ledger, index and seals in a real PostgreSQL (``[storage] index = "postgresql://…"``):
the same answers as the folder store, one chain under concurrent workers, no half commit
after a kill, ``migrate`` both ways, and a real capture through the CLI."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import ROOT, assert_one_line_error, closed_port, run_cli

from storage import Artifact, Store
from storage.migrate import copy_store
from storage.pg import where
from storage.seal import SealError
from storage.verify import verify


def _record(title: str, amount: str) -> dict[str, object]:
    return {"title": title, "price": {"amount": amount, "currency": "CNY"}, "promises": [],
            "anomalies": [{"code": "demo", "severity": "info", "text": {"zh": "示例", "en": "demo"},
                           "evidence": {}}]}


def _commit(store: Store, n: int, url: str = "http://shop.test/item/1") -> str:
    record = _record("蓝牙耳机", f"{100 + (n // 2)}.00")  # the price changes every second capture
    snapshot_id, _ = store.commit(
        {"schema": 1, "target": {"url": url, "kind": "listing"},
         "captured_at": f"2026-01-01T00:{n:02d}:00Z", "final_url": url, "status": 200},
        [Artifact("record", json.dumps(record, ensure_ascii=False).encode(), "application/json"),
         Artifact("html", f"<title>商品 {n}</title>".encode(), "text/html")])
    return snapshot_id


def _config(tmp_path: Path, name: str, folder: Path, index: str | None) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'[storage]\npath = "{folder}"\n' + (f'index = "{index}"\n' if index else ""), "utf-8")
    return path


def _sql(url: str, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as db:
        return db.execute(query).fetchall()


def test_the_index_answers_as_the_folder_store_does(tmp_path: Path, postgres_url: str) -> None:
    folder = Store(tmp_path / "folder")
    group = Store(tmp_path / "worker", index=postgres_url)
    with folder, group:
        ids = {name: [_commit(s, n) for n in range(4)] for name, s in (("folder", folder), ("pg", group))}
        pg_ids = ids["pg"]
        assert group.ledger.ids() == pg_ids
        assert [group.manifest(i)[1]["prev"] for i in pg_ids] == [None, *pg_ids[:-1]]
        assert group.resolve(pg_ids[2][:8]) == pg_ids[2]
        # the same queries on both: what changed since when, prices, anomalies, listing history
        columns = "target_url, kind, price, currency, blocked, differs, anomalies, facts, listing"
        rows = {name: [tuple(r) for r in s.index.db.execute(f"SELECT {columns} FROM snapshots ORDER BY seq")]
                for name, s in (("folder", folder), ("pg", group))}
        assert rows["pg"] == rows["folder"]
        assert [r[5] for r in rows["pg"]] == [0, 0, 1, 0]  # 100, 100, 101, 101
        since = [r["since"] for r in group.index.db.execute("SELECT since FROM snapshots ORDER BY seq")]
        assert since == [None, *pg_ids[:-1]]  # each compared with the capture before it
        assert [c[2] for c in group.index.listing_captures("http://shop.test/item/1", None)] == [
            "100.00", "100.00", "101.00", "101.00"]
        assert set(group.index.anomalies(pg_ids)) == set(pg_ids)
        assert [s["id"] for s in group.summaries()] == pg_ids[::-1]
        # a title PostgreSQL's text cannot hold as such (U+0000) is indexed all the same
        odd, _ = group.commit({"target": {"url": "http://shop.test/odd", "kind": "page"}, "title": "耳机\x00"},
                              [Artifact("html", b"<title>x</title>", "text/html")])
        assert group.index.ids() == [*pg_ids, odd]
        assert group.summaries()[0]["title"] == "耳机\x00"  # the summary is JSON: kept exactly
        report = verify(group)
        assert report.ok, report.problems
        assert (report.snapshots, report.signed, report.index_rows, report.head) == (5, 5, 5, odd)
    # seals are in the database for every worker to see, not in this worker's folder
    assert not (tmp_path / "worker" / "seals").exists()
    assert _sql(postgres_url, "SELECT count(*) FROM seals WHERE kind = 'sig'") == [(5,)]
    # the signing key never is: only its public half
    (pem,) = _sql(postgres_url, "SELECT pem FROM seal_keys")[0]
    assert "PUBLIC KEY" in str(pem) and "PRIVATE" not in str(pem)
    # a fresh worker reading the same database finds the same chain, and verify agrees
    with Store(tmp_path / "worker", index=postgres_url, create=False) as again:
        assert again.ledger.ids() == [*pg_ids, odd] and verify(again).ok


def test_the_database_refuses_a_forked_chain(tmp_path: Path, postgres_url: str) -> None:
    with Store(tmp_path / "w", index=postgres_url) as store:
        first, second = _commit(store, 0), _commit(store, 1)
    with psycopg.connect(postgres_url) as db, pytest.raises(psycopg.errors.UniqueViolation):
        db.execute("INSERT INTO ledger (seq, snapshot_id, prev) VALUES (3, %s, %s)", ("c" * 64, first))
    with psycopg.connect(postgres_url) as db, pytest.raises(psycopg.errors.ForeignKeyViolation):
        db.execute("INSERT INTO ledger (seq, snapshot_id, prev) VALUES (4, %s, %s)", ("d" * 64, second))
    assert len(_sql(postgres_url, "SELECT * FROM ledger")) == 2


WORKER = """
import json, sys, time
from pathlib import Path
from storage import Artifact, Store
url, root, go, name = sys.argv[1:5]
with Store(root, index=url) as store:
    store.seals.signer()  # the key is made before the race, as a long-running worker has it
    while not Path(go).exists():
        time.sleep(0.01)
    for n in range(10):
        record = {"title": f"{name}-{n}", "price": {"amount": f"{n}.00", "currency": "CNY"}}
        store.commit({"target": {"url": f"http://shop.test/{name}", "kind": "listing"},
                      "captured_at": f"2026-01-01T00:00:{n:02d}Z"},
                     [Artifact("record", json.dumps(record).encode(), "application/json")])
"""


def test_four_workers_committing_at_once_make_one_unbroken_chain(tmp_path: Path, postgres_url: str) -> None:
    root, go = tmp_path / "worker", tmp_path / "go"
    Store(root, index=postgres_url).close()  # the tables and the key, once
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, postgres_url, str(root), str(go), f"w{n}"],
                              cwd=ROOT, stderr=subprocess.PIPE) for n in range(4)]
    go.touch()
    errors = [p.communicate(timeout=300)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    rows = _sql(postgres_url, "SELECT seq, snapshot_id, prev FROM ledger ORDER BY seq")
    assert [r[0] for r in rows] == list(range(1, 41))
    assert [r[2] for r in rows] == [None] + [r[1] for r in rows[:-1]]
    with Store(root, index=postgres_url, create=False) as store:
        for snapshot_id, prev in ((r[1], r[2]) for r in rows):
            assert store.manifest(snapshot_id)[1]["prev"] == prev  # the hashed manifest agrees
        report = verify(store)
        assert report.ok, report.problems
        assert (report.snapshots, report.signed, report.index_rows) == (40, 40, 40)
        assert {s["target"]["url"] for s in store.summaries()} == {f"http://shop.test/w{n}" for n in range(4)}


STUCK = """
import sys, time
from pathlib import Path
from storage import Artifact, Store
from storage.pg import PgIndex
url, root, marker = sys.argv[1:4]

def stuck(self, seq, snapshot_id, *args, **kwargs):
    Path(marker).write_text(snapshot_id)  # the ledger row and signature are written, not committed
    time.sleep(600)

PgIndex.add = stuck
with Store(root, index=url) as store:
    store.commit({"target": {"url": "http://shop.test/killed", "kind": "page"}},
                 [Artifact("html", b"<p>half</p>", "text/html")])
"""


def test_a_worker_killed_mid_commit_leaves_no_half_commit(tmp_path: Path, postgres_url: str) -> None:
    root, marker = tmp_path / "worker", tmp_path / "marker"
    with Store(root, index=postgres_url) as store:
        first = _commit(store, 0)
    proc = subprocess.Popen([sys.executable, "-c", STUCK, postgres_url, str(root), str(marker)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the worker never reached the middle of its commit"
        half = marker.read_text()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with Store(root, index=postgres_url, create=False) as store:
        assert store.blobs.exists(half)  # its manifest blob was written (blobs go first) ...
        assert store.ledger.ids() == [first]  # ... but the snapshot never came to exist
        assert store.seals.read(half, "sig") is None
        assert store.index.ids() == [first]
        second = _commit(store, 1)  # the lock went with the dead worker
        assert store.manifest(second)[1]["prev"] == first
        report = verify(store)
        assert report.ok, report.problems
        assert report.snapshots == 2


def test_a_worker_waits_for_a_database_that_restarts(tmp_path: Path, postgres_server: Any,
                                                     postgres_url: str) -> None:
    with Store(tmp_path / "w", index=postgres_url) as store:
        first = _commit(store, 0)
        back = postgres_server.stop_for(3)
        second = _commit(store, 1)  # its connection is gone: it waits for the server, then commits
        back.join()
        assert store.ledger.ids() == [first, second]
        assert store.manifest(second)[1]["prev"] == first
        report = verify(store)
        assert report.ok and report.signed == 2, report.problems


def test_migrate_a_folder_store_to_postgres_and_back(tmp_path: Path, postgres_url: str) -> None:
    folder = tmp_path / "folder"
    with Store(folder) as store:
        ids = [_commit(store, n) for n in range(3)]
    to_pg = _config(tmp_path, "pg", tmp_path / "worker", postgres_url)
    moved = run_cli("migrate", "--to", str(to_pg), "--json", store=folder)
    assert moved.code == 0, moved.err
    assert moved.json_lines()[0]["snapshots"] == 3 and moved.json_lines()[0]["head"] == ids[-1]
    checked = run_cli("verify", "--json", "--config", str(to_pg))
    report = checked.json_lines()[0]
    assert checked.code == 0 and report["ok"], checked.out + checked.err
    assert (report["head"], report["snapshots"], report["signatures"]) == (ids[-1], 3, 3)
    assert _sql(postgres_url, "SELECT snapshot_id FROM ledger ORDER BY seq") == [(i,) for i in ids]

    again = run_cli("migrate", "--to", str(to_pg), store=folder)  # idempotent
    assert again.code == 0 and "copied 0 snapshots (3 there already)" in again.out, again.out + again.err
    with Store(folder) as store:  # the folder goes on; a re-run brings the copy up to date
        ids.append(_commit(store, 3))
    assert "copied 1 snapshots (3 there already)" in run_cli("migrate", "--to", str(to_pg), store=folder).out
    same = run_cli("migrate", "--check", "--to", str(to_pg), store=folder)
    assert same.code == 0 and f"same chain: 4 snapshots, head {ids[-1]}" in same.out, same.out + same.err

    back = tmp_path / "back"
    to_folder = _config(tmp_path, "back", back, None)
    returned = run_cli("migrate", "--config", str(to_pg), "--to", str(to_folder))
    assert returned.code == 0, returned.err
    checked = run_cli("verify", "--json", store=back)
    report = checked.json_lines()[0]
    assert checked.code == 0 and report["ok"], checked.out + checked.err
    assert (report["head"], report["snapshots"], report["signatures"]) == (ids[-1], 4, 4)
    assert (back / "ledger").read_text().split() == ids
    assert (back / "keys" / "ed25519.pub").read_bytes() == (folder / "keys" / "ed25519.pub").read_bytes()

    with Store(tmp_path / "other") as other:  # another chain is never merged into this one
        _commit(other, 9)
    into_other = run_cli("migrate", "--to", str(_config(tmp_path, "o", tmp_path / "other", None)), store=folder)
    assert_one_line_error(into_other)
    assert "another chain" in into_other.err
    with Store(tmp_path / "other") as other:
        assert len(other.ledger.ids()) == 1


def test_timestamps_live_in_the_database_and_migrate_both_ways(tmp_path: Path, postgres_url: str) -> None:
    from storage.evidence.tsa import load_roots, stamp_pending
    from tests.tsa_server import LocalTSA

    folder, back = tmp_path / "folder", tmp_path / "back"
    with LocalTSA() as tsa, Store(folder) as store:
        ids = [_commit(store, n) for n in range(2)]
        assert len(stamp_pending(store.seals, ids, [tsa.url], 10).stamped) == 2
        roots = load_roots([str(tsa.ca_pem)])
        assert run_cli("migrate", "--to", str(_config(tmp_path, "pg", tmp_path / "w", postgres_url)),
                       store=folder).code == 0
        with Store(tmp_path / "w", index=postgres_url) as group:
            ids.append(_commit(group, 2))
            assert [s.snapshot_id for s in stamp_pending(group.seals, ids, [tsa.url], 10).stamped] == ids[2:]
            report = verify(group, roots)
            assert report.ok and report.stamped == 3, report.problems
            with Store(back) as dst:
                assert copy_store(group, dst).seals == 6
        assert _sql(postgres_url, "SELECT kind, count(*) FROM seals GROUP BY kind ORDER BY kind") == [
            ("sig", 3), ("tsr", 3)]
        assert not (tmp_path / "w" / "seals").exists() or not list((tmp_path / "w" / "seals").glob("*.tsr"))
        with Store(back) as returned:
            report = verify(returned, roots)
            assert report.ok and (report.signed, report.stamped) == (3, 3), report.problems
            assert returned.ledger.ids() == ids


def test_migrate_in_place_then_the_folder_is_the_worker_folder(tmp_path: Path, postgres_url: str) -> None:
    folder = tmp_path / "store"
    with Store(folder) as store:
        ids = [_commit(store, n) for n in range(2)]
    moved = run_cli("migrate", "--to", str(_config(tmp_path, "pg", folder, postgres_url)), store=folder)
    assert moved.code == 0 and "copied 2 snapshots (0 there already), 0 blobs" in moved.out, moved.err
    with Store(folder, index=postgres_url) as group:
        third = _commit(group, 2)  # signed with the same key, after the same head
        assert group.manifest(third)[1]["prev"] == ids[-1]
        report = verify(group)
        assert report.ok and report.signed == 3, report.problems
    alone = run_cli("list", store=folder)  # without the group's settings: refused, never read as empty
    assert_one_line_error(alone)
    assert f"keeps its index and ledger in {where(postgres_url)}" in alone.err
    assert (folder / "ledger").read_text().split() == ids  # the folder's own ledger is left as it was
    with Store(tmp_path / "stranger") as stranger:
        stranger.seals.signer()  # a worker that made a key of its own
    with Store(tmp_path / "stranger", index=postgres_url) as stranger:
        with pytest.raises(SealError, match="not the group's key"):
            _commit(stranger, 5)
        assert stranger.ledger.ids() == [*ids, third]


@pytest.mark.parametrize("index, says", [
    ("mysql://127.0.0.1/x", "must be a postgresql:// URL"),
    (f"postgresql://nobody@127.0.0.1:{closed_port()}/x", "cannot reach the index"),
])
def test_a_bad_index_setting_is_one_line(tmp_path: Path, index: str, says: str) -> None:
    folder = tmp_path / "folder"
    with Store(folder) as store:
        _commit(store, 0)
    result = run_cli("migrate", "--to", str(_config(tmp_path, "bad", tmp_path / "w", index)), store=folder)
    assert_one_line_error(result)
    assert says in result.err
    missing = run_cli("migrate", "--to", str(tmp_path / "none.toml"), store=folder)
    assert_one_line_error(missing)
    itself = run_cli("migrate", "--to", str(_config(tmp_path, "self", folder, None)), store=folder)
    assert_one_line_error(itself)
    assert "same store" in itself.err


@pytest.mark.browser
def test_a_demo_shop_capture_into_a_postgres_indexed_store(tmp_path: Path, postgres_url: str, shop) -> None:
    config = _config(tmp_path, "group", tmp_path / "worker", postgres_url)
    captured = run_cli("capture", f"{shop.url}/item/1001", "--json", "--config", str(config))
    assert captured.code == 0, captured.err
    snapshot_id = captured.json_lines()[0]["id"]
    assert _sql(postgres_url, "SELECT snapshot_id FROM ledger") == [(snapshot_id,)]
    listed = run_cli("list", "--json", "--config", str(config))
    assert [s["id"] for s in listed.json_lines()] == [snapshot_id]
    shown = run_cli("show", snapshot_id[:10], "--json", "--config", str(config))
    assert shown.code == 0 and shown.json_lines()[0]["record"]["price"]["amount"], shown.err
    # the environment names the index as well as the file does
    checked = run_cli("verify", "--json", store=tmp_path / "worker", env={"JIANYIPAI_INDEX": postgres_url})
    report = checked.json_lines()[0]
    assert checked.code == 0 and report["ok"] and report["head"] == snapshot_id, checked.out + checked.err
    assert not (tmp_path / "worker" / "ledger").exists()  # the ledger is the database's
