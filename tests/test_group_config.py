"""A worker folder remembers the group's back ends it belongs to; verify reads each blob once.

Against real PostgreSQL and SeaweedFS on loopback (tests/servers.py)."""
from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from conftest import assert_one_line_error, run_cli
from servers import SeaweedFS

from storage import Artifact, Store
from storage.backends import BackendMismatchError, Backends
from storage.errors import StoreError
from storage.pg import where
from storage.store import MARKER
from storage.verify import verify


def _commit(store: Store, n: int, shared: bytes = b"") -> str:
    url = f"http://shop.test/item/{n}"
    return store.commit(
        {"schema": 1, "target": {"url": url, "kind": "listing"}, "final_url": url, "status": 200,
         "captured_at": f"2026-01-01T00:{n:02d}:00Z"},
        [Artifact("record", json.dumps({"title": f"商品 {n}"}, ensure_ascii=False).encode(), "application/json"),
         Artifact("html", f"<title>商品 {n}</title>".encode(), "text/html"),
         Artifact("screenshot", shared or f"png {n}".encode() * 4096, "image/png")])[0]


def _config(tmp_path: Path, name: str, folder: Path, **storage: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'[storage]\npath = "{folder}"\n'
                    + "".join(f'{k} = "{v}"\n' for k, v in storage.items()), "utf-8")
    return path


def _marker(folder: Path) -> dict[str, str]:
    return json.loads((folder / MARKER).read_text("utf-8"))


@pytest.fixture
def s3_env(s3_server: SeaweedFS, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in s3_server.env.items():
        monkeypatch.setenv(name, value)
    return s3_server.env


def test_a_worker_folder_opened_without_the_groups_index_is_refused(tmp_path: Path, postgres_url: str) -> None:
    worker = tmp_path / "worker"
    secret = postgres_url.replace("@", ":not-a-real-password@", 1)  # trust login: ignored
    with Store(worker, index=secret) as group:
        snapshot_id = _commit(group, 1)
    assert _marker(worker)["index"] == where(postgres_url)
    assert "not-a-real-password" not in (worker / MARKER).read_text("utf-8")

    alone = run_cli("list", store=worker)
    assert_one_line_error(alone)
    assert f'keeps its index and ledger in {where(postgres_url)}; open it with [storage] index' in alone.err
    assert "JIANYIPAI_INDEX" in alone.err
    assert not (worker / "ledger").exists() and not (worker / "index.sqlite").exists()  # nothing started
    elsewhere = postgres_url.rsplit("/", 1)[0] + "/another_group"
    other = run_cli("list", store=worker, env={"JIANYIPAI_INDEX": elsewhere})
    assert_one_line_error(other)
    assert f"not {where(elsewhere)}" in other.err
    listed = run_cli("list", "--json", store=worker, env={"JIANYIPAI_INDEX": postgres_url})
    assert [s["id"] for s in listed.json_lines()] == [snapshot_id], listed.err


def test_what_the_back_end_is_counts_not_how_it_is_reached() -> None:
    here = Backends.of("postgresql://alice:secret@db.example:5432/watch", "s3://ev/g?endpoint=http://10.0.0.2:8333")
    there = Backends.of("postgresql://bob@10.0.0.5/watch", "s3://ev/g?endpoint=https://s3.example")
    assert here.same(there)  # another user, host spelling or endpoint: the same store
    assert "secret" not in json.dumps(here.fields())
    assert not here.same(Backends.of("postgresql://alice@db.example/other", "s3://ev/g"))
    assert not here.same(Backends.of("postgresql://alice@db.example/watch", "s3://ev/h"))
    assert not here.same(Backends.of("postgresql://alice@db.example/watch?options=-csearch_path%3Dg2",
                                     "s3://ev/g"))


def test_a_worker_folder_opened_with_another_bucket_is_refused(
        tmp_path: Path, s3_server: SeaweedFS, s3_bucket: str, s3_env: dict[str, str]) -> None:
    worker = tmp_path / "worker"
    with Store(worker, blobs=s3_server.blobs_url(s3_bucket)) as group:
        _commit(group, 1)
    assert _marker(worker)["blobs"].startswith(f"s3://{s3_bucket}?endpoint=")
    s3_server.client().create_bucket(Bucket=f"{s3_bucket}-b")
    with pytest.raises(BackendMismatchError, match=f"keeps its blobs in s3://{s3_bucket}.*, not s3://{s3_bucket}-b"):
        Store(worker, blobs=s3_server.blobs_url(f"{s3_bucket}-b"))
    alone = run_cli("verify", store=worker)  # without the bucket every blob would look missing
    assert_one_line_error(alone)
    assert f"keeps its blobs in s3://{s3_bucket}" in alone.err and "JIANYIPAI_BLOBS" in alone.err
    checked = run_cli("verify", store=worker, env={**s3_env, "JIANYIPAI_BLOBS": s3_server.blobs_url(s3_bucket)})
    assert checked.code == 0, checked.out + checked.err
    assert f"in s3://{s3_bucket}" in checked.out and f"(worker folder {worker})" in checked.out

    typo = tmp_path / "typo"  # a bucket that does not answer is never recorded
    with pytest.raises(StoreError, match="does not exist"):
        Store(typo, blobs=s3_server.blobs_url(f"{s3_bucket}-typo"))
    assert _marker(typo) == {"format": "jianyipai-store/1"}
    Store(typo, blobs=s3_server.blobs_url(s3_bucket)).close()
    assert _marker(typo)["blobs"].startswith(f"s3://{s3_bucket}?")


def test_a_folder_store_joins_a_group_only_through_migrate(tmp_path: Path, postgres_url: str) -> None:
    folder = tmp_path / "store"
    with Store(folder) as store:
        ids = [_commit(store, n) for n in range(2)]
    group = _config(tmp_path, "group", folder, index=postgres_url)
    home = _config(tmp_path, "home", folder)
    joined = run_cli("list", "--config", str(group))
    assert_one_line_error(joined)
    assert "holds 2 snapshots in the folder" in joined.err and "jianyipai migrate --to" in joined.err
    assert _marker(folder) == {"format": "jianyipai-store/1"}  # a plain folder store, as before

    moved = run_cli("migrate", "--to", str(group), store=folder)  # in place: the folder goes to PG
    assert moved.code == 0, moved.err
    assert _marker(folder)["index"] == where(postgres_url)
    assert [s["id"] for s in run_cli("list", "--json", "--config", str(group)).json_lines()] == ids[::-1]
    assert_one_line_error(run_cli("list", store=folder))
    same = run_cli("migrate", "--check", "--to", str(group), "--config", str(home))
    assert same.code == 0 and "same chain: 2 snapshots" in same.out, same.out + same.err
    with Store(folder, index=postgres_url) as store:
        ids.append(_commit(store, 2))

    back = run_cli("migrate", "--config", str(group), "--to", str(home))  # and back, in place
    assert back.code == 0 and "copied 1 snapshots (2 there already)" in back.out, back.out + back.err
    assert _marker(folder) == {"format": "jianyipai-store/1"}
    assert [s["id"] for s in run_cli("list", "--json", store=folder).json_lines()] == ids[::-1]
    assert_one_line_error(run_cli("list", "--config", str(group)))

    second = tmp_path / "worker2"  # a new worker: the group's key copied in first (README)
    (second / "keys").mkdir(mode=0o700, parents=True)
    shutil.copy2(folder / "keys" / "ed25519.key", second / "keys" / "ed25519.key")
    with Store(second, index=postgres_url) as store:
        assert store.ledger.ids() == ids
        _commit(store, 3)  # signed with the group's key, or refused
    assert _marker(second)["index"] == where(postgres_url)


def test_a_changed_index_row_says_how_to_rebuild_it_on_each_back_end(tmp_path: Path, postgres_url: str) -> None:
    with Store(tmp_path / "worker", index=postgres_url) as group:
        _commit(group, 1)
        with psycopg.connect(postgres_url) as db:
            db.execute("UPDATE snapshots SET status = 500")
        problems = [str(p) for p in verify(group).problems]
    assert any(f"TRUNCATE snapshots, artifacts, payloads in {where(postgres_url)}" in p for p in problems), problems
    with Store(tmp_path / "alone") as alone:
        _commit(alone, 1)
        alone.index.db.execute("UPDATE snapshots SET status = 500")
        alone.index.db.commit()
        problems = [str(p) for p in verify(alone).problems]
    assert any(f"delete {tmp_path / 'alone' / 'index.sqlite'}" in p for p in problems), problems


def test_verify_downloads_each_blob_once(tmp_path: Path, s3_server: SeaweedFS, s3_bucket: str,
                                         s3_env: dict[str, str]) -> None:
    with Store(tmp_path / "worker", blobs=s3_server.blobs_url(s3_bucket)) as store:
        shared = "同一张截图".encode() * 1000  # one blob that two snapshots name
        for n in range(4):
            _commit(store, n, shared if n < 2 else b"")
        blobs = list(store.blobs)
        requests: Counter[str] = Counter()
        store.blobs._client().meta.events.register(
            "before-call.s3", lambda model, **kw: requests.update([model.name]))
        report = verify(store)
        assert report.ok and report.snapshots == 4 and report.blobs == len(blobs), report.problems
        assert requests["GetObject"] == len(blobs)  # manifests, records, WARCs: one download each
        assert requests["HeadObject"] == 0

        victim = store.manifest(store.ledger.ids()[0])[1]["artifacts"]["html"]["sha256"]
        s3_server.client().put_object(Bucket=s3_bucket, Key=f"blobs/{victim[:2]}/{victim}", Body=b"changed")
        requests.clear()
        problems = verify(store).problems
        assert [(p.artifact, p.what.split(" (")[0]) for p in problems] == [("html", "content changed")]
        assert requests["GetObject"] <= len(blobs) + 1  # the refused read is hashed once more
