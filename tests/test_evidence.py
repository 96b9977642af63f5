"""Handing evidence over: WACZ bundles (wacz validate), reports (pdftotext), redaction."""
from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
import subprocess
import sys
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storage.warc.wacz import verify_digest
from tests.conftest import assert_one_line_error, run_cli
from tests.tsa_server import LocalTSA

pytestmark = pytest.mark.browser
WACZ = [sys.executable, "-m", "wacz"]


@pytest.fixture(scope="module")
def sealed(shop, tmp_path_factory):
    """Two captures of one listing and one of another, timestamped by a local TSA."""
    tmp = tmp_path_factory.mktemp("evidence")
    store = tmp / "store"
    with LocalTSA() as tsa:
        cfg = tmp / "c.toml"
        cfg.write_text(f'[evidence]\ntsa = ["{tsa.url}"]\ntsa_roots = ["{tsa.ca_pem}"]\n', "utf-8")
        result = run_cli("capture", f"{shop.url}/item/1001", f"{shop.url}/item/1002",
                         f"{shop.url}/item/1001", "--json", "--config", str(cfg), store=store)
        assert result.code == 0, result.err
        ca = tmp / "tsa-ca.pem"
        ca.write_bytes(tsa.ca_pem.read_bytes())
    return store, result.json_lines(), ca


def validate(bundle: Path) -> subprocess.CompletedProcess[str]:
    """`wacz validate`; note that it exits 0 even when it says the bundle is invalid."""
    return subprocess.run([*WACZ, "validate", "-f", str(bundle)], capture_output=True, text=True)


def valid(bundle: Path) -> bool:
    check = validate(bundle)
    return check.returncode == 0 and "Validation succeeded" in check.stdout


def test_export_makes_a_wacz_that_wacz_validate_accepts_with_every_seal(sealed, tmp_path) -> None:
    store, snaps, ca = sealed
    ids = [s["id"] for s in snaps]
    bundle = tmp_path / "evidence.wacz"
    result = run_cli("export", ids[0][:10], ids[1], "-o", str(bundle), store=store)
    assert result.code == 0, result.err
    check = validate(bundle)
    assert valid(bundle), check.stdout + check.stderr
    assert verify_digest(bundle) is None  # anonymous ECDSA signature over datapackage.json's hash
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        for sid in ids[:2]:
            for name in (f"archive/{sid}.warc.gz", f"screenshots/{sid}.png",
                         f"evidence/{sid}.manifest.json", f"evidence/{sid}.record.json",
                         f"evidence/{sid}.sig", f"evidence/{sid}.tsr"):
                assert name in names, name
            assert hashlib.sha256(zf.read(f"evidence/{sid}.manifest.json")).hexdigest() == sid
            assert zf.getinfo(f"archive/{sid}.warc.gz").compress_type == zipfile.ZIP_STORED
        digest = json.loads(zf.read("datapackage-digest.json"))
        signed = digest["signedData"]
        assert set(signed) >= {"hash", "created", "software", "signature", "publicKey"}
        cdx = zf.read("indexes/index.cdx").decode()
        assert "/item/1001" in cdx and '"offset"' in cdx
        pages = zf.read("pages/pages.jsonl").decode().splitlines()
        assert json.loads(pages[0])["format"] == "json-pages-1.0" and len(pages) == 3
        zf.extractall(tmp_path / "x")
    x = tmp_path / "x"
    sid = ids[0]
    # the report's verification steps work with standard tools on the unpacked bundle
    ts = subprocess.run(["openssl", "ts", "-verify", "-in", str(x / "evidence" / f"{sid}.tsr"),
                         "-digest", sid, "-CAfile", str(ca)], capture_output=True, text=True)
    assert ts.returncode == 0, ts.stderr
    (x / "id.txt").write_text(sid)
    sig = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                          str(x / "evidence" / "store-ed25519.pub.pem"), "-rawin",
                          "-in", str(x / "id.txt"), "-sigfile", str(x / "evidence" / f"{sid}.sig")],
                         capture_output=True, text=True)
    assert sig.returncode == 0, sig.stdout + sig.stderr

    # a bundle changed after the fact fails validation
    tampered = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".record.json"):
                data = data.replace(b"199.00", b"99.00")
            dst.writestr(info, data)
    assert not valid(tampered)


def test_export_refuses_to_overwrite_and_unknown_ids(sealed, tmp_path) -> None:
    store, snaps, _ = sealed
    out = tmp_path / "b.wacz"
    out.write_bytes(b"x")
    assert_one_line_error(run_cli("export", snaps[0]["id"], "-o", str(out), store=store))
    assert_one_line_error(run_cli("export", "ffffffff", "-o", str(tmp_path / "c.wacz"), store=store))
    assert_one_line_error(run_cli("export", snaps[0]["id"], "-o", str(tmp_path / "c.zip"), store=store))


def test_pdf_report_holds_url_price_hashes_and_a_complaint(sealed, tmp_path) -> None:
    store, snaps, _ = sealed
    snap = snaps[0]
    pdf = tmp_path / "report.pdf"
    result = run_cli("report", snap["id"][:10], "-o", str(pdf), "--complaint", store=store)
    assert result.code == 0, result.err
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert f"{snap['final_url']}" in flat
    assert snap["record"]["price"]["amount"] in text and "199.00" in text
    assert snap["id"] in flat
    for art in snap["artifacts"].values():
        assert art["sha256"] in flat
    assert "12315" in text and "投诉" in text and "Evidence report" in text and "证据报告" in text
    assert "openssl ts -verify" in text  # plain steps for a third party
    html = tmp_path / "report.html"
    result = run_cli("report", snap["target"]["url"], "-o", str(html), store=store)
    assert result.code == 0, result.err
    page = html.read_text("utf-8")
    assert snaps[2]["id"] in page  # a URL means its newest snapshot
    assert page.count("<tr><td>") >= 2  # the change timeline has both captures of the target
    assert "data:image/png;base64," in page and "RFC 3161" in page


PII_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>订单 联系 13812345678</title></head><body>
<h1>我的订单 收货人电话 13812345678</h1>
<p>价格 ¥59.00</p>
<p>身份证 110101199003074518 · 邮箱 zhang.san@example.com</p>
<p>收货地址：浙江省杭州市西湖区文三路90号3幢501室</p>
</body></html>"""


@pytest.fixture
def pii_site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "order.html").write_text(PII_PAGE, "utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/order.html"
    server.shutdown()
    server.server_close()


def test_redacted_report_and_bundle_hold_no_unmasked_phone_number(pii_site, tmp_path) -> None:
    store = tmp_path / "store"
    result = run_cli("capture", pii_site, "--kind", "page", "--json", store=store)
    assert result.code == 0, result.err
    sid = result.json_lines()[0]["id"]
    plain = tmp_path / "plain.html"
    assert run_cli("report", sid, "-o", str(plain), store=store).code == 0
    assert "13812345678" in plain.read_text("utf-8")  # the unredacted report does show it

    pdf = tmp_path / "redacted.pdf"
    result = run_cli("report", sid, "-o", str(pdf), "--redact", store=store)
    assert result.code == 0, result.err
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    digits = re.sub(r"\s+", "", text)
    assert "13812345678" not in digits and "138****5678" in digits
    assert "110101199003074518" not in digits and "zhang.san@example.com" not in digits
    assert sid in digits  # and it says which original it derives from

    bundle = tmp_path / "redacted.wacz"
    result = run_cli("export", sid, "--redact", "-o", str(bundle), store=store)
    assert result.code == 0, result.err
    assert valid(bundle)
    with zipfile.ZipFile(bundle) as zf:
        package = json.loads(zf.read("datapackage.json"))
        everything = b"".join(zf.read(n) for n in zf.namelist() if not n.endswith(".warc.gz"))
        warcs = b"".join(gzip.decompress(zf.read(n)) for n in zf.namelist() if n.endswith(".warc.gz"))
    assert b"13812345678" not in everything and b"13812345678" not in warcs
    assert b"138****5678" in warcs
    origins = {d["derived_from"]["artifact"]: d["derived_from"]["sha256"] for d in package["derived"]}
    manifest = json.loads(run_cli("show", sid, "--json", store=store).out)
    assert origins["warc"] == manifest["artifacts"]["warc"]["sha256"]
    assert origins["manifest"] == sid  # the masked manifest names the sealed original
