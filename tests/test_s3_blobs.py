"""Blobs in S3-compatible storage, against a real SeaweedFS on loopback (tests/servers.py)."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from conftest import assert_one_line_error, run_cli
from servers import SeaweedFS

from storage import Artifact, Store
from storage.blobs_s3 import S3BlobStore, S3Location
from storage.errors import StoreError


@pytest.fixture
def blobs(s3_server: SeaweedFS, s3_bucket: str, monkeypatch: pytest.MonkeyPatch) -> S3BlobStore:
    """A blob store on the bucket, its credentials taken from the environment as in use."""
    for name, value in s3_server.env.items():
        monkeypatch.setenv(name, value)
    return S3BlobStore.from_url(s3_server.blobs_url(s3_bucket, "group-a"))


def test_put_get_exists_and_listing(blobs: S3BlobStore, s3_server: SeaweedFS, s3_bucket: str) -> None:
    data = "七天无理由退货 · 假一赔十".encode()
    digest = blobs.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert blobs.put(data) == digest  # the same bytes are one object
    other = blobs.put(b"\x89PNG not really")
    assert blobs.exists(digest) and blobs.get(digest) == data
    assert blobs.rehash(digest) == (digest, len(data))
    assert list(blobs) == sorted([digest, other])
    keys = [o["Key"] for o in s3_server.client().list_objects_v2(Bucket=s3_bucket)["Contents"]]
    assert sorted(keys) == sorted(f"group-a/blobs/{d[:2]}/{d}" for d in (digest, other))

    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not blobs.exists(absent)
    assert blobs.rehash(absent) is None
    with pytest.raises(StoreError, match=f"blob {absent} is missing"):
        blobs.get(absent)
    with pytest.raises(StoreError, match="not a SHA-256 digest"):
        blobs.get("../../etc/passwd")


def test_an_existing_key_is_never_overwritten(blobs: S3BlobStore, s3_server: SeaweedFS,
                                             s3_bucket: str) -> None:
    data = b"the seller promised free returns"
    digest = blobs.put(data)
    key = blobs.key(digest)
    client = s3_server.client()
    # the conditional write put() uses: the server refuses to replace what is there
    with pytest.raises(ClientError) as refused:
        client.put_object(Bucket=s3_bucket, Key=key, Body=b"no returns", IfNoneMatch="*")
    assert refused.value.response["Error"]["Code"] == "PreconditionFailed"
    assert client.get_object(Bucket=s3_bucket, Key=key)["Body"].read() == data

    # someone with write access replaces the object anyway: put() does not write over it, so
    # the tampering stays there for verify to find
    client.put_object(Bucket=s3_bucket, Key=key, Body=b"no returns")
    assert blobs.put(data) == digest
    assert client.get_object(Bucket=s3_bucket, Key=key)["Body"].read() == b"no returns"

    class LateWriter(S3BlobStore):
        """A writer that looked just before another one put the same blob: only the
        conditional write stands between it and the object."""

        def exists(self, digest: str) -> bool:
            return False

    assert LateWriter(blobs.location).put(data) == digest
    assert client.get_object(Bucket=s3_bucket, Key=key)["Body"].read() == b"no returns"


def test_a_tampered_object_is_refused_on_read(blobs: S3BlobStore, s3_server: SeaweedFS,
                                              s3_bucket: str) -> None:
    digest = blobs.put("价格 ¥199".encode())
    s3_server.client().put_object(Bucket=s3_bucket, Key=blobs.key(digest), Body="价格 ¥299".encode())
    with pytest.raises(StoreError, match=f"blob {digest} .* is corrupt") as err:
        blobs.get(digest)
    assert hashlib.sha256("价格 ¥299".encode()).hexdigest() in str(err.value)
    assert blobs.rehash(digest) == (hashlib.sha256("价格 ¥299".encode()).hexdigest(), len("价格 ¥299".encode()))


def test_wrong_credentials_and_missing_bucket_are_one_line_errors(
        s3_server: SeaweedFS, s3_bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-0123456789")
    with pytest.raises(StoreError) as err:
        S3BlobStore.from_url(s3_server.blobs_url(s3_bucket)).put(b"x")
    assert "wrong credentials" in str(err.value) and "not-the-secret" not in str(err.value)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.secret_key)
    with pytest.raises(StoreError, match="bucket does not exist"):
        S3BlobStore.from_url(s3_server.blobs_url("no-such-bucket")).put(b"x")


def test_the_url_names_bucket_prefix_and_server_but_never_credentials() -> None:
    loc = S3Location.parse("s3://evidence/group-a/2026/?endpoint=http://127.0.0.1:8333&region=cn-north-1")
    assert (loc.bucket, loc.prefix, loc.endpoint, loc.region) == (
        "evidence", "group-a/2026/", "http://127.0.0.1:8333", "cn-north-1")
    assert S3Location.parse("s3://evidence").prefix == ""
    for bad, reason in [
        ("http://evidence", "s3://"),
        ("s3://?endpoint=http://x", "no bucket"),
        ("s3://evidence?endpoint=ftp://x", "endpoint must be an http"),
        ("s3://evidence?bucket=x", "unknown parameter 'bucket'"),
    ]:
        with pytest.raises(StoreError, match=reason):
            S3Location.parse(bad)
    for secret in ("s3://AKID:s3cr3t@evidence", "s3://evidence?endpoint=http://AKID:s3cr3t@host:9000"):
        with pytest.raises(StoreError, match="credentials") as err:
            S3Location.parse(secret)
        assert "s3cr3t" not in str(err.value)


@pytest.mark.browser
def test_capture_show_verify_export_with_blobs_in_s3(shop, s3_server: SeaweedFS, s3_bucket: str,
                                                   tmp_path: Path) -> None:
    store = tmp_path / "store"
    cfg = tmp_path / "group.toml"
    cfg.write_text(f'[storage]\nblobs = "{s3_server.blobs_url(s3_bucket)}"\n', "utf-8")

    def cli(*args: str):
        return run_cli(*args, "--config", str(cfg), store=store, env=s3_server.env)

    captured = cli("capture", shop.url + "/item/1001", "--json")
    assert captured.code == 0, captured.err
    snap = captured.json_lines()[0]
    sid = snap["id"]
    # every blob is in the bucket, none in the folder, which keeps the ledger, index and keys
    client = s3_server.client()
    keys = {o["Key"] for o in client.list_objects_v2(Bucket=s3_bucket)["Contents"]}
    assert f"blobs/{sid[:2]}/{sid}" in keys
    manifest = json.loads(client.get_object(Bucket=s3_bucket, Key=f"blobs/{sid[:2]}/{sid}")["Body"].read())
    for art in manifest["artifacts"].values():
        assert f"blobs/{art['sha256'][:2]}/{art['sha256']}" in keys
    assert not any(p.is_file() for p in (store / "blobs").rglob("*"))
    assert (store / "ledger").read_text().split() == [sid]

    shown = cli("show", sid[:10])
    assert shown.code == 0, shown.err
    assert "无线降噪蓝牙耳机" in shown.out
    verified = cli("verify", "--json")
    assert verified.code == 0, verified.out + verified.err
    report = verified.json_lines()[0]
    assert report["ok"] and report["snapshots"] == 1 and report["blobs"] == len(manifest["artifacts"]) + 1

    bundle = tmp_path / "evidence.wacz"
    exported = cli("export", sid, "-o", str(bundle))
    assert exported.code == 0, exported.err
    check = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(bundle)],
                           capture_output=True, text=True)
    assert check.returncode == 0 and "Validation succeeded" in check.stdout, check.stdout + check.stderr
    with zipfile.ZipFile(bundle) as zf:
        assert hashlib.sha256(zf.read(f"evidence/{sid}.manifest.json")).hexdigest() == sid

    # redaction reads the same blobs: a redacted bundle and report come out of the bucket too
    redacted = tmp_path / "redacted.wacz"
    assert cli("export", sid, "--redact", "-o", str(redacted)).code == 0
    check = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(redacted)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    page = tmp_path / "redacted.html"
    reported = cli("report", sid, "--redact", "-o", str(page))
    assert reported.code == 0, reported.err
    assert sid in page.read_text("utf-8") and "无线降噪蓝牙耳机" in page.read_text("utf-8")

    # without the credentials: one line that says what is missing
    denied = run_cli("show", sid, "--config", str(cfg), store=store,
                     env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
                          "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")})
    assert_one_line_error(denied)
    assert "no credentials: set AWS_ACCESS_KEY_ID" in denied.err

    # a changed object in the bucket: verify names the artifact; reading it is refused
    shot = manifest["artifacts"]["screenshot"]["sha256"]
    client.put_object(Bucket=s3_bucket, Key=f"blobs/{shot[:2]}/{shot}", Body=b"\x89PNG retouched")
    bad = cli("verify", "--json")
    assert bad.code == 1, bad.out + bad.err
    problems = bad.json_lines()[0]["problems"]
    assert [(p["snapshot"], p["artifact"]) for p in problems] == [(sid, "screenshot")]
    assert "content changed" in problems[0]["what"]
    refused = cli("export", sid, "-o", str(tmp_path / "tampered.wacz"))
    assert_one_line_error(refused)
    assert f"blob {shot}" in refused.err and "corrupt" in refused.err
    assert not (tmp_path / "tampered.wacz").exists()
    # a changed manifest: verify still reports rather than stops at the unreadable blob
    client.put_object(Bucket=s3_bucket, Key=f"blobs/{sid[:2]}/{sid}", Body=b'{"prev": null}')
    worse = cli("verify", "--json")
    assert worse.code == 1, worse.out + worse.err
    assert (sid, "manifest") in {(p["snapshot"], p["artifact"]) for p in worse.json_lines()[0]["problems"]}


def test_migrate_a_folder_store_to_postgres_and_s3_and_back(
        s3_server: SeaweedFS, s3_bucket: str, postgres_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    with Store(folder) as store:
        ids = [store.commit({"schema": 1, "target": {"url": f"http://shop.test/item/{n}", "kind": "listing"},
                             "captured_at": f"2026-01-01T00:0{n}:00Z"},
                            [Artifact("html", f"<title>商品 {n}</title>".encode(), "text/html")])[0]
               for n in range(3)]
    group = tmp_path / "group.toml"
    group.write_text(f'[storage]\npath = "{tmp_path / "worker"}"\nindex = "{postgres_url}"\n'
                     f'blobs = "{s3_server.blobs_url(s3_bucket, "g")}"\n', "utf-8")
    moved = run_cli("migrate", "--to", str(group), store=folder, env=s3_server.env)
    assert moved.code == 0, moved.err
    keys = {o["Key"] for o in s3_server.client().list_objects_v2(Bucket=s3_bucket)["Contents"]}
    assert {f"g/blobs/{i[:2]}/{i}" for i in ids} <= keys
    assert not any(p.is_file() for p in (tmp_path / "worker" / "blobs").rglob("*"))
    checked = run_cli("verify", "--json", "--config", str(group), env=s3_server.env)
    assert checked.code == 0 and checked.json_lines()[0]["ok"], checked.out + checked.err
    same = run_cli("migrate", "--check", "--to", str(group), store=folder, env=s3_server.env)
    assert same.code == 0 and f"same chain: 3 snapshots, head {ids[-1]}" in same.out, same.out + same.err

    back = tmp_path / "back"
    home = tmp_path / "home.toml"
    home.write_text(f'[storage]\npath = "{back}"\n', "utf-8")
    returned = run_cli("migrate", "--config", str(group), "--to", str(home), env=s3_server.env)
    assert returned.code == 0, returned.err
    checked = run_cli("verify", "--json", store=back)
    assert checked.code == 0 and checked.json_lines()[0]["ok"], checked.out + checked.err
    assert (back / "ledger").read_text().split() == ids
    assert sorted(p.name for p in (back / "blobs").rglob("*") if p.is_file()) == \
        sorted(p.name for p in (folder / "blobs").rglob("*") if p.is_file())
