"""The other commands of the CLI: list, show, artifact, verify, demo; and killing a capture."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, assert_one_line_error, run_cli

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def two_snapshots(shop, tmp_path_factory):
    store = tmp_path_factory.mktemp("cli") / "store"
    result = run_cli("capture", f"{shop.url}/item/1001", f"{shop.url}/item/1002", "--json", store=store)
    assert result.code == 0, result.err
    return store, result.json_lines()


def test_list_is_newest_first(two_snapshots) -> None:
    store, lines = two_snapshots
    # pages of a batch are captured side by side: the one committed second names the other
    first, second = lines if lines[1]["prev"] == lines[0]["id"] else lines[::-1]
    assert second["prev"] == first["id"]
    listed = run_cli("list", "--json", store=store).json_lines()
    assert [x["id"] for x in listed] == [second["id"], first["id"]]
    human = run_cli("list", store=store)
    assert human.code == 0
    assert human.out.splitlines()[0].startswith(second["id"][:12])
    assert "无线降噪蓝牙耳机" in human.out and "Pour-Over" in human.out


def test_show_takes_a_prefix_and_prints_artifacts(two_snapshots) -> None:
    store, (first, _) = two_snapshots
    shown = run_cli("show", first["id"][:8], store=store)
    assert shown.code == 0, shown.err
    assert first["id"] in shown.out
    for name in ("screenshot", "html", "text", "warc", "record"):
        assert first["artifacts"][name]["sha256"] in shown.out
    as_json = run_cli("show", first["id"][:8], "--json", store=store).json_lines()[0]
    assert as_json["id"] == first["id"] and as_json["record"]["title"] == first["record"]["title"]


def test_artifact_bytes_match_their_hash(two_snapshots, tmp_path) -> None:
    store, (first, _) = two_snapshots
    out = tmp_path / "shot.png"
    result = run_cli("artifact", first["id"][:10], "screenshot", "-o", str(out), store=store)
    assert result.code == 0, result.err
    assert hashlib.sha256(out.read_bytes()).hexdigest() == first["artifacts"]["screenshot"]["sha256"]
    again = run_cli("artifact", first["id"][:10], "screenshot", "-o", str(out), store=store)
    assert_one_line_error(again)  # never overwrites
    manifest = subprocess.run([sys.executable, "-m", "agent", "artifact", first["id"], "manifest",
                               "--store", str(store)], capture_output=True, cwd=ROOT).stdout
    assert hashlib.sha256(manifest).hexdigest() == first["id"]


@pytest.mark.parametrize("args, reason", [
    (("show", "zzzz"), "not a snapshot id"),
    (("show", "0000000"), "no snapshot"),
    (("artifact", "{id}", "nosuch"), "has no artifact"),
])
def test_bad_ids_and_names_are_one_line_errors(two_snapshots, args, reason) -> None:
    store, (first, _) = two_snapshots
    result = run_cli(*(a.format(id=first["id"]) for a in args), store=store)
    assert_one_line_error(result)
    assert reason in result.err


def test_commands_on_a_missing_store_say_so(tmp_path) -> None:
    for cmd in (("list",), ("verify",), ("show", "abcd")):
        result = run_cli(*cmd, store=tmp_path / "nowhere")
        assert_one_line_error(result)
        assert "no jianyipai store" in result.err
    assert not (tmp_path / "nowhere").exists()


def test_verify_passes_then_names_what_was_changed(two_snapshots, tmp_path) -> None:
    store, (first, second) = two_snapshots
    ok = run_cli("verify", store=store)
    assert ok.code == 0 and ok.out.startswith("ok: 2 snapshots"), ok.out + ok.err
    # tamper with a copy, so the other tests keep a good store
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(store, copy)
    text_blob = copy / "blobs" / first["artifacts"]["text"]["sha256"][:2] / first["artifacts"]["text"]["sha256"]
    os.chmod(text_blob, 0o644)
    text_blob.write_bytes("7天无理由退货 → 不支持退货".encode())
    bad = run_cli("verify", "--json", store=copy)
    assert bad.code == 1
    report = bad.json_lines()[0]
    assert report["ok"] is False
    assert {"snapshot": first["id"], "artifact": "text"} == {
        k: report["problems"][0][k] for k in ("snapshot", "artifact")}
    human = run_cli("verify", store=copy)
    assert human.code == 1 and f"snapshot {first['id']} artifact text" in human.out


def test_demo_command_captures_a_listing_from_the_builtin_shop(tmp_path) -> None:
    result = run_cli("demo", "--port", "0", store=tmp_path / "demo")
    assert result.code == 0, result.err
    assert "snapshot " in result.out and "无线降噪蓝牙耳机" in result.out
    for name in ("screenshot", "html", "text", "warc", "record"):
        assert f"  {name}" in result.out
    assert str((tmp_path / "demo").resolve()) in result.out


@pytest.mark.parametrize("kill_after", [0.4, 1.2, 2.5])
def test_killing_a_capture_leaves_the_store_verifiable(shop, tmp_path, kill_after) -> None:
    store = tmp_path / "store"
    proc = subprocess.Popen(
        [sys.executable, "-m", "agent", "capture", f"{shop.url}/item/slow", f"{shop.url}/item/1001",
         f"{shop.url}/item/1003", "--store", str(store)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(kill_after)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    if not store.exists():
        return
    result = run_cli("verify", "--json", store=store)
    report = result.json_lines()[0]
    assert result.code == 0 and report["ok"], report
    listed = run_cli("list", "--json", store=store).json_lines()
    assert len(listed) == report["snapshots"]
