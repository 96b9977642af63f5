"""TLS details of an HTTPS capture, from a local HTTPS server with a certificate made here."""
from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import ssl
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import assert_one_line_error, run_cli

pytestmark = pytest.mark.browser

PAGE = ("<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>安全页面 商品</title>"
        "</head><body><h1>安全页面 商品</h1><p>正品保证</p></body></html>").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def https_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jianyipai test shop"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "检益拍测试")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_file, key_file)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/item/1"
    server.shutdown()
    server.server_close()


def test_untrusted_certificate_is_refused_by_default(https_url, tmp_path) -> None:
    result = run_cli("capture", https_url, store=tmp_path / "s")
    assert_one_line_error(result)
    assert "certificate" in result.err


def test_tls_details_are_kept(https_url, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[browser]\nignore_https_errors = true\n", "utf-8")
    result = run_cli("capture", https_url, "--json", "--config", str(config), store=tmp_path / "s")
    assert result.code == 0, result.err
    [line] = result.json_lines()
    tls = line["tls"]
    assert tls["protocol"].startswith("TLS")
    assert "jianyipai test shop" in tls["subject"]
    assert "jianyipai test shop" in tls["issuer"]
    assert tls["valid_from"] < line["captured_at"] < tls["valid_to"]
    assert line["options"]["ignore_https_errors"] is True
    assert line["record"]["title"] == "安全页面 商品"
