"""Signatures, trusted timestamps and verify's tamper checks (real OpenSSL TSA, no mocks)."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from storage import Artifact, Store
from tests.conftest import run_cli
from tests.tsa_server import LocalTSA


@pytest.fixture(scope="module")
def tsa():
    with LocalTSA() as t:
        yield t


def config(tmp: Path, tsa: LocalTSA, roots: bool = True) -> Path:
    path = tmp / "config.toml"
    lines = ["[evidence]", f'tsa = ["{tsa.url}"]', "tsa_timeout = 10.0"]
    if roots:
        lines.append(f'tsa_roots = ["{tsa.ca_pem}"]')
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def make_store(root: Path, n: int) -> list[str]:
    with Store(root) as store:
        return [store.commit({"target": {"url": f"http://127.0.0.1/item/{i}", "kind": "listing"},
                              "captured_at": f"2026-11-27T00:00:0{i}.000Z", "status": 200},
                             [Artifact("html", f"<p>第{i}版 ¥{i}9.00</p>".encode(), "text/html"),
                              Artifact("record", b'{"title": "t"}', "application/json")])[0]
                for i in range(n)]


def verify_json(store: Path, *extra: str) -> tuple[int, dict]:
    result = run_cli("verify", "--json", *extra, store=store)
    return result.code, result.json_lines()[0]


def test_every_snapshot_is_signed_with_an_owner_only_key_and_openssl_agrees(tmp_path: Path) -> None:
    root = tmp_path / "s"
    ids = make_store(root, 2)
    key = root / "keys" / "ed25519.key"
    assert os.stat(key).st_mode & 0o777 == 0o600
    assert os.stat(root / "keys").st_mode & 0o777 == 0o700
    for sid in ids:
        manifest = json.loads((root / "blobs" / sid[:2] / sid).read_bytes())
        assert manifest["signer"]["alg"] == "ed25519"
        id_file = tmp_path / "id.txt"
        id_file.write_text(sid, "ascii")
        check = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                                str(root / "keys" / "ed25519.pub"), "-rawin", "-in", str(id_file),
                                "-sigfile", str(root / "seals" / f"{sid}.sig")],
                               capture_output=True, text=True)
        assert check.returncode == 0 and "Verified Successfully" in check.stdout, check.stderr
    code, report = verify_json(root)
    assert code == 0 and report["signatures"] == 2 and report["index_rows"] == 2
    human = run_cli("verify", store=root)
    assert "2 Ed25519 signatures" in human.out and "SHA-256" in human.out and "chain" in human.out


def _chmod_w(path: Path) -> Path:
    os.chmod(path, 0o644)
    return path


def tamper_blob(root: Path, ids: list[str]) -> tuple[str, str]:
    manifest = json.loads((root / "blobs" / ids[1][:2] / ids[1]).read_bytes())
    digest = manifest["artifacts"]["html"]["sha256"]
    _chmod_w(root / "blobs" / digest[:2] / digest).write_bytes("<p>¥1.00</p>".encode())
    return ids[1], "html"


def tamper_manifest(root: Path, ids: list[str]) -> tuple[str, str]:
    path = _chmod_w(root / "blobs" / ids[1][:2] / ids[1])
    path.write_bytes(path.read_bytes().replace(b'"status":200', b'"status":404'))
    return ids[1], "manifest"


def tamper_index(root: Path, ids: list[str]) -> tuple[str, str]:
    db = sqlite3.connect(root / "index.sqlite")
    db.execute("UPDATE snapshots SET final_url = 'http://evil.example/' WHERE id = ?", (ids[1],))
    db.commit()
    db.close()
    return ids[1], "index"


def delete_from_middle(root: Path, ids: list[str]) -> tuple[str, str]:
    ledger = root / "ledger"
    ledger.write_text("".join(i + "\n" for i in ids if i != ids[1]), "ascii")
    return ids[1], "removed"


def tamper_signature(root: Path, ids: list[str]) -> tuple[str, str]:
    path = _chmod_w(root / "seals" / f"{ids[1]}.sig")
    data = bytearray(path.read_bytes())
    data[0] ^= 0xFF
    path.write_bytes(bytes(data))
    return ids[1], "signature"


def delete_signature(root: Path, ids: list[str]) -> tuple[str, str]:
    (root / "seals" / f"{ids[1]}.sig").unlink()
    return ids[1], "signature"


@pytest.mark.parametrize("tamper", [tamper_blob, tamper_manifest, tamper_index, delete_from_middle,
                                    tamper_signature, delete_signature])
def test_verify_catches_and_names_each_kind_of_tampering(tmp_path: Path, tamper) -> None:
    root = tmp_path / "s"
    ids = make_store(root, 3)
    assert verify_json(root)[0] == 0
    sid, what = tamper(root, ids)
    code, report = verify_json(root)
    assert code == 1 and not report["ok"]
    text = json.dumps(report["problems"])
    if what == "removed":
        # the next snapshot's prev still names the one that is gone
        assert ids[2] in text and "chain broken" in text and sid in text
    else:
        assert any(p["snapshot"] == sid and p["artifact"] == what for p in report["problems"]), text
    human = run_cli("verify", store=root)
    assert human.code == 1 and "BROKEN" in human.out


def test_capture_is_timestamped_and_openssl_ts_verify_accepts_the_token(shop, tsa, tmp_path) -> None:
    store = tmp_path / "store"
    cfg = config(tmp_path, tsa)
    result = run_cli("capture", f"{shop.url}/item/1001", "--json", "--config", str(cfg), store=store)
    assert result.code == 0, result.err
    sid = result.json_lines()[0]["id"]
    token = tmp_path / "token.tsr"
    got = run_cli("artifact", sid[:10], "timestamp", "-o", str(token), "--config", str(cfg), store=store)
    assert got.code == 0, got.err
    assert token.read_bytes() == (store / "seals" / f"{sid}.tsr").read_bytes()
    check = subprocess.run(["openssl", "ts", "-verify", "-in", str(token), "-digest", sid,
                            "-CAfile", str(tsa.ca_pem)], capture_output=True, text=True)
    assert check.returncode == 0 and "Verification: OK" in check.stdout, check.stdout + check.stderr
    manifest = store / "blobs" / sid[:2] / sid  # the imprint is the manifest's SHA-256
    check = subprocess.run(["openssl", "ts", "-verify", "-in", str(token), "-data", str(manifest),
                            "-CAfile", str(tsa.ca_pem)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    code, report = verify_json(store, "--config", str(cfg))
    assert code == 0 and report["timestamps"] == 1 and report["tsa_trust_checked"], report
    # a token of another snapshot put in its place is caught
    other = make_store(tmp_path / "other", 1)[0]
    from storage.evidence import tsa as tsa_mod
    with Store(tmp_path / "other") as o:
        tsa_mod.stamp(o.seals, other, [tsa.url], 10)
    path = store / "seals" / f"{sid}.tsr"
    os.chmod(path, 0o644)
    shutil.copyfile(tmp_path / "other" / "seals" / f"{other}.tsr", path)
    code, report = verify_json(store, "--config", str(cfg))
    assert code == 1
    assert any(p["artifact"] == "timestamp" and p["snapshot"] == sid for p in report["problems"])


def test_a_tsa_that_is_down_never_loses_the_capture_and_the_stamp_comes_later(shop, tmp_path) -> None:
    with LocalTSA() as tsa:
        store = tmp_path / "store"
        cfg = config(tmp_path, tsa)
        tsa.down = True
        result = run_cli("capture", f"{shop.url}/item/1002", "--json", "--config", str(cfg), store=store)
        assert result.code == 0, result.err
        assert "not yet timestamped" in result.err
        sid = result.json_lines()[0]["id"]
        assert not (store / "seals" / f"{sid}.tsr").exists()
        log = [json.loads(x) for x in (store / "seals" / "stamps.log").read_text().splitlines()]
        assert log[-1]["id"] == sid and log[-1]["ok"] is False and "503" in log[-1]["error"]
        retry = run_cli("stamp", "--config", str(cfg), store=store)
        assert retry.code == 1 and "still pending" in retry.out
        human = run_cli("list", store=store)  # reading never needs the TSA
        assert human.code == 0
        tsa.down = False
        retry = run_cli("stamp", "--json", "--config", str(cfg), store=store)
        assert retry.code == 0, retry.err
        assert retry.json_lines()[0]["id"] == sid
        log = [json.loads(x) for x in (store / "seals" / "stamps.log").read_text().splitlines()]
        assert [e["ok"] for e in log if e["id"] == sid] == [False, False, True]  # the gap, kept
        code, report = verify_json(store, "--config", str(cfg))
        assert code == 0 and report["timestamps"] == 1 and report["unstamped"] == []


def test_an_outage_costs_each_capture_one_try_and_the_backlog_clears_after(shop, tmp_path) -> None:
    with LocalTSA() as tsa:
        store = tmp_path / "store"
        cfg = config(tmp_path, tsa)
        tsa.down = True
        urls = [f"{shop.url}/item/1002", f"{shop.url}/item/1003", f"{shop.url}/item/gbk"]
        result = run_cli("capture", *urls, "--json", "--config", str(cfg), store=store)
        assert result.code == 0, result.err
        ids = [line["id"] for line in result.json_lines()]
        log = [json.loads(x) for x in (store / "seals" / "stamps.log").read_text().splitlines()]
        # one attempt per capture, not one per pending snapshot per capture (1 + 2 + 3)
        # (pages of a batch are captured side by side: committed, so stamped, as each ends)
        assert sorted(e["id"] for e in log) == sorted(ids) and not any(e["ok"] for e in log)
        tsa.down = False
        later = run_cli("capture", f"{shop.url}/item/1001", "--json", "--config", str(cfg), store=store)
        assert later.code == 0, later.err
        assert all((store / "seals" / f"{i}.tsr").exists() for i in ids)  # the backlog, stamped
