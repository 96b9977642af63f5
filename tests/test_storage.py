"""The store on its own: blobs, ledger chain, index, verify, crash and concurrency."""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from pathlib import Path

import pytest

from storage import Artifact, SnapshotNotFoundError, Store, StoreError
from storage.canonical import canonical_json
from storage.verify import verify


def manifest_for(n: int, url: str = "http://127.0.0.1/item/1") -> dict:
    return {"schema": "jianyipai.snapshot/1", "target": {"url": url, "kind": "listing"},
            "captured_at": f"2026-11-27T00:00:{n:02d}.000Z", "status": 200, "title": f"商品 {n}",
            "warnings": []}


def commit(store: Store, n: int, payload: bytes | None = None) -> str:
    arts = [Artifact("html", payload or f"<p>第{n}版</p>".encode(), "text/html; charset=utf-8"),
            Artifact("record", json.dumps({"title": f"商品 {n}"}).encode(), "application/json")]
    snapshot_id, _ = store.commit(manifest_for(n), arts)
    return snapshot_id


def test_snapshot_id_is_sha256_of_canonical_manifest(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        sid = commit(store, 1)
        raw = store.artifact(sid, "manifest")
        assert hashlib.sha256(raw).hexdigest() == sid
        manifest = json.loads(raw)
        assert canonical_json(manifest) == raw  # canonical: sorted keys, no whitespace, UTF-8
        assert "商品" in raw.decode("utf-8")  # not \\u-escaped
        for name, art in manifest["artifacts"].items():
            data = store.artifact(sid, name)
            assert hashlib.sha256(data).hexdigest() == art["sha256"]
            assert len(data) == art["size"]


def test_prev_chains_snapshots_and_identical_bytes_are_stored_once(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        a = commit(store, 1, b"same")
        b = commit(store, 2, b"same")
        assert store.manifest(a)[1]["prev"] is None
        assert store.manifest(b)[1]["prev"] == a
        digest = hashlib.sha256(b"same").hexdigest()
        assert store.blobs.path(digest).is_file()
        assert len(store.index.snapshots_using(digest)) == 2
        # blobs: 1 shared html, 2 records, 2 manifests
        assert len(list(store.blobs)) == 5
        assert [s["id"] for s in store.summaries()] == [b, a]  # newest first


def test_blobs_are_read_only(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        sid = commit(store, 1)
        assert os.stat(store.blobs.path(sid)).st_mode & 0o222 == 0


def test_prefixes_resolve_and_bad_ones_say_why(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        sid = commit(store, 1)
        assert store.resolve(sid[:6]) == sid
        assert store.resolve(sid.upper()) == sid
        with pytest.raises(SnapshotNotFoundError):
            store.resolve("ffff" if not sid.startswith("ffff") else "0000")
        with pytest.raises(SnapshotNotFoundError):
            store.resolve("xyz!")


def test_index_is_rebuilt_when_lost(tmp_path: Path) -> None:
    root = tmp_path / "s"
    with Store(root) as store:
        ids = [commit(store, n) for n in range(3)]
    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
        (root / name).unlink(missing_ok=True)
    with Store(root, create=False) as store:
        assert [s["id"] for s in store.summaries()] == ids[::-1]
        assert store.summaries()[0]["title"] == "商品 2"


def test_verify_passes_on_a_good_store(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        for n in range(3):
            commit(store, n)
        report = verify(store)
        assert report.ok, [str(p) for p in report.problems]
        assert report.snapshots == 3


def _tamper(path: Path, data: bytes) -> None:
    os.chmod(path, 0o644)
    path.write_bytes(data)


def test_verify_names_a_changed_artifact(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        sid = commit(store, 1)
        art = store.manifest(sid)[1]["artifacts"]["html"]
        _tamper(store.blobs.path(art["sha256"]), b"<p>changed</p>")
        report = verify(store)
        assert not report.ok
        assert any(p.snapshot == sid and p.artifact == "html" for p in report.problems)


def test_verify_notices_a_removed_snapshot_and_a_broken_chain(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        a, b, c = (commit(store, n) for n in range(3))
        ledger = store.root / "ledger"
        ledger.write_text(f"{a}\n{c}\n")  # b cut out of the ledger
        report = verify(store)
        problems = [str(p) for p in report.problems]
        assert any(p.snapshot == c and "chain broken" in p.what for p in report.problems), problems
        assert any(p.snapshot == b and "missing from the ledger" in p.what for p in report.problems)


def test_verify_notices_a_deleted_manifest(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        sid = commit(store, 1)
        store.blobs.path(sid).unlink()
        report = verify(store)
        assert any(p.snapshot == sid and p.artifact == "manifest" for p in report.problems)


def test_torn_ledger_append_is_not_a_snapshot_and_is_repaired(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        a = commit(store, 1)
        with open(store.root / "ledger", "ab") as fh:
            fh.write(b"3f2a")  # a kill in the middle of an append
        report = verify(store)
        assert report.ok and report.notes
        b = commit(store, 2)
        assert store.ledger.ids() == [a, b]
        assert verify(store).ok


def test_leftover_temp_files_do_not_break_the_store(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        commit(store, 1)
        (store.root / "tmp" / "blob-abandoned").write_bytes(b"half a screenshot")
        assert verify(store).ok


def test_refuses_a_folder_that_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a jianyipai store"):
        Store(tmp_path)
    with pytest.raises(StoreError, match="no jianyipai store"):
        Store(tmp_path / "absent", create=False)


def _writer(root: str, start: int) -> None:
    with Store(root) as store:
        for n in range(start, start + 10):
            commit(store, n, f"writer {start} item {n}".encode())


def test_two_processes_committing_keep_one_unbroken_chain(tmp_path: Path) -> None:
    root = tmp_path / "s"
    Store(root).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(root), s)) for s in (0, 100)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with Store(root) as store:
        report = verify(store)
        assert report.ok, [str(p) for p in report.problems]
        assert report.snapshots == 20
        assert len(store.summaries()) == 20
