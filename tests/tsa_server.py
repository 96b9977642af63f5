"""A real RFC 3161 time-stamping authority on 127.0.0.1: OpenSSL's `ts -reply` behind HTTP.

The CA and TSA certificates are made here with `openssl`; nothing is mocked.
"""
from __future__ import annotations

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CONFIG = """
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ ca_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/chain.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _run(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


class LocalTSA:
    """Start with ``with LocalTSA() as tsa:``; ``tsa.url``, ``tsa.ca_pem``; ``tsa.down = True``."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="jianyipai-tsa-")
        self.dir = Path(self._tmp.name)
        self.down = False
        self.requests = 0
        self._lock = threading.Lock()
        d = self.dir
        (d / "openssl.cnf").write_text(CONFIG.format(dir=d), "ascii")
        (d / "serial").write_text("01\n", "ascii")
        cnf = str(d / "openssl.cnf")
        _run("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "30", "-config", cnf,
             "-subj", "/CN=jianyipai test TSA root", "-extensions", "ca_ext", cwd=d)
        _run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", "tsa.key", "-out", "tsa.csr", "-config", cnf,
             "-subj", "/CN=jianyipai test TSA", cwd=d)
        _run("x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "tsa.crt", "-days", "30", "-extfile", cnf,
             "-extensions", "tsa_ext", cwd=d)
        (d / "chain.pem").write_bytes((d / "tsa.crt").read_bytes() + (d / "ca.crt").read_bytes())
        self.ca_pem = d / "ca.crt"
        self.tsa_pem = d / "tsa.crt"
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/tsa"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if tsa.down:
                    self.send_response(503)
                    self.end_headers()
                    return
                with tsa._lock:
                    tsa.requests += 1
                    query = tsa.dir / "query.tsq"
                    reply = tsa.dir / "reply.tsr"
                    query.write_bytes(body)
                    proc = subprocess.run(
                        ["openssl", "ts", "-reply", "-config", str(tsa.dir / "openssl.cnf"),
                         "-queryfile", str(query), "-out", str(reply)],
                        capture_output=True)
                    data = reply.read_bytes() if proc.returncode == 0 else b""
                if not data:
                    self.send_response(500)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def __enter__(self) -> LocalTSA:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._tmp.cleanup()
