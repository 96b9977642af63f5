"""WARC revisit records: an unchanged re-capture points at payloads the store already holds."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from storage import Store
from storage.warc.revisits import PROFILE, SNAPSHOT_HEADER, payload_digest
from tests.conftest import run_cli

pytestmark = pytest.mark.browser
WARCIO = Path(sys.executable).with_name("warcio")


def records(warc: bytes) -> list[dict[str, Any]]:
    out = []
    it = ArchiveIterator(io.BytesIO(warc))
    for rec in it:
        body = rec.content_stream().read()
        out.append({"type": rec.rec_type, "headers": dict(rec.rec_headers.headers),
                    "url": rec.rec_headers.get_header("WARC-Target-URI"),
                    "status": rec.http_headers.get_statuscode() if rec.http_headers else None,
                    "http": rec.http_headers, "body": body,
                    "offset": it.get_record_offset(), "length": it.get_record_length()})
    return out


@pytest.fixture(scope="module")
def twice(shop, tmp_path_factory):
    """The demo listing captured twice into one store, by two separate runs."""
    tmp = tmp_path_factory.mktemp("revisit")
    store = tmp / "store"
    ids = []
    for _ in range(2):
        result = run_cli("capture", f"{shop.url}/item/1001", "--json", store=store)
        assert result.code == 0, result.err
        ids.append(result.json_lines()[0]["id"])
    with Store(store, create=False) as s:
        warcs = [s.artifact(i, "warc") for i in ids]
    paths = []
    for n, warc in enumerate(warcs):
        paths.append(tmp / f"{n}.warc.gz")
        paths[-1].write_bytes(warc)
    return store, ids, warcs, paths


def test_second_capture_writes_revisits_that_point_at_the_first(twice, shop) -> None:
    _, (first_id, second_id), (first, second), _ = twice
    old = {r["url"]: r for r in records(first) if r["type"] == "response"}
    assert not [r for r in records(first) if r["type"] == "revisit"]
    new = records(second)
    revisits = [r for r in new if r["type"] == "revisit"]
    urls = {r["url"] for r in revisits}
    for path in ("/static/shop.css", "/static/item.js", "/img/1001-main.png", "/img/1001-side.svg"):
        assert f"{shop.url}{path}" in urls, path
    for rv in revisits:
        h, orig = rv["headers"], old[rv["url"]]
        assert h["WARC-Profile"] == PROFILE
        assert h["WARC-Refers-To-Target-URI"] == rv["url"]
        assert h["WARC-Refers-To-Date"] == orig["headers"]["WARC-Date"]
        assert h["WARC-Refers-To"] == orig["headers"]["WARC-Record-ID"]
        assert h[SNAPSHOT_HEADER] == first_id
        # the digest is warcio's, and it is the original body's
        assert h["WARC-Payload-Digest"] == orig["headers"]["WARC-Payload-Digest"] == payload_digest(orig["body"])
        assert rv["body"] == b"" and rv["status"] == "200"  # HTTP headers, no body
        assert rv["http"].get_header("Content-Type") == orig["http"].get_header("Content-Type")
    # the page's own HTML is always kept whole: evidence of what the page sent, on its own
    doc = [r for r in new if r["url"] == f"{shop.url}/item/1001" and r["type"] != "request"]
    assert [r["type"] for r in doc] == ["response"] and b"<html" in doc[0]["body"].lower()
    assert second_id != first_id


def test_warcio_checks_and_indexes_the_revisits(twice) -> None:
    *_, paths = twice
    for path in paths:
        check = subprocess.run([str(WARCIO), "check", "-v", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    check = subprocess.run([str(WARCIO), "check", "-v", str(paths[1])], capture_output=True, text=True)
    assert "revisit" in check.stdout and "fail" not in check.stdout
    index = subprocess.run([str(WARCIO), "index", "-f", "warc-type,warc-target-uri,warc-refers-to-snapshot",
                            str(paths[1])], capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in index.stdout.splitlines()]
    revisits = [line for line in lines if line["warc-type"] == "revisit"]
    assert len(revisits) >= 10, lines
    assert all(line["warc-refers-to-snapshot"] == twice[1][0] for line in revisits)


def test_unchanged_recapture_stores_far_less(twice) -> None:
    store, ids, (first, second), _ = twice
    assert len(second) < 0.6 * len(first), (len(first), len(second))
    with Store(store, create=False) as s:
        manifests = [s.manifest(i)[1] for i in ids]
    # the screenshot and the HTML were identical: one blob each; only the WARC shrank
    for name in ("html", "screenshot"):
        assert manifests[0]["artifacts"][name]["sha256"] == manifests[1]["artifacts"][name]["sha256"]
    assert manifests[1]["artifacts"]["warc"]["size"] == len(second)


def test_payload_index_is_rebuilt_from_the_blobs(twice, tmp_path) -> None:
    store, (first_id, _), (first, _), _ = twice
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
        (copy / name).unlink(missing_ok=True)
    css = next(r for r in records(first) if r["type"] == "response" and r["url"].endswith("/shop.css"))
    digest = css["headers"]["WARC-Payload-Digest"]
    with Store(copy, create=False) as s:
        origin = s.payload_origin(css["url"], digest)
        assert origin is not None and origin.snapshot_id == first_id
        assert origin.record_id == css["headers"]["WARC-Record-ID"]
        assert s.payload_origin(css["url"], payload_digest(b"something else")) is None
        assert s.payload_origin(css["url"] + "?v=2", digest) is None  # same body, other URL


def test_verify_passes_and_catches_a_revisit_whose_original_was_removed(twice, tmp_path) -> None:
    store, (first_id, second_id), *_ = twice
    result = run_cli("verify", store=store)
    assert result.code == 0, result.out + result.err
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    ledger = copy / "ledger"
    ledger.write_text("".join(line + "\n" for line in ledger.read_text().split() if line != first_id))
    result = run_cli("verify", store=copy)
    assert result.code != 0
    said = result.out + result.err
    assert f"snapshot {second_id}" in said and "revisit of" in said and first_id in said, said
    assert "not in the ledger" in said, said


def test_no_revisit_to_an_original_that_no_longer_checks_out(twice, shop, tmp_path) -> None:
    store, (first_id, _), *_ = twice
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    with Store(copy, create=False) as s:
        path = s.blobs.path(s.manifest(first_id)[1]["artifacts"]["warc"]["sha256"])
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b"\0")  # the first WARC no longer hashes to its name
    result = run_cli("capture", f"{shop.url}/item/1001", "--json", store=copy)
    assert result.code == 0, result.err
    with Store(copy, create=False) as s:
        third = s.artifact(result.json_lines()[0]["id"], "warc")
    kinds = [r["type"] for r in records(third)]
    assert "revisit" not in kinds and kinds.count("response") >= 10


def test_wacz_of_the_second_snapshot_holds_the_originals(twice, tmp_path) -> None:
    store, (first_id, second_id), *_ = twice
    bundle = tmp_path / "second.wacz"
    result = run_cli("export", second_id, "-o", str(bundle), store=store)
    assert result.code == 0, result.err
    check = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(bundle)],
                           capture_output=True, text=True)
    assert check.returncode == 0 and "Validation succeeded" in check.stdout, check.stdout + check.stderr
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        package = json.loads(zf.read("datapackage.json"))
        cdx = [line.split(" ", 2) for line in zf.read("indexes/index.cdx").decode().splitlines()]
        pages = zf.read("pages/pages.jsonl").decode().splitlines()
        warcs = {n.split("/")[1]: zf.read(n) for n in names if n.startswith("archive/")}
    assert f"archive/{first_id}.warc.gz" in names and f"evidence/{first_id}.manifest.json" in names
    assert f"screenshots/{first_id}.png" not in names  # only what the revisits need
    assert package["snapshots"] == [second_id] and package["supporting"] == [first_id]
    assert {r["path"] for r in package["resources"]} == names - {"datapackage.json", "datapackage-digest.json"}
    assert len(pages) == 2  # the header and the one page: the original is not a page here
    entries = [json.loads(e) for _, _, e in cdx]
    revisits = [r for r in records(warcs[f"{second_id}.warc.gz"]) if r["type"] == "revisit"]
    assert revisits
    for rv in revisits:
        # a replay tool finds the original by URL and digest in the bundle's own index
        [orig] = [e for e in entries if e["url"] == rv["url"] and e["mime"] != "warc/revisit"
                  and e["digest"] == rv["headers"]["WARC-Payload-Digest"]]
        assert orig["filename"] == f"{first_id}.warc.gz"
        data = warcs[orig["filename"]][orig["offset"]:orig["offset"] + orig["length"]]
        [rec] = records(data)
        assert rec["type"] == "response" and payload_digest(rec["body"]) == orig["digest"]
        assert rec["headers"]["WARC-Record-ID"] == rv["headers"]["WARC-Refers-To"]
    assert any(e["mime"] == "warc/revisit" and e["filename"] == f"{second_id}.warc.gz" for e in entries)
