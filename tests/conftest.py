"""Shared fixtures: the demo shop on a free port, a fresh store, the real CLI in a subprocess."""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from servers import (  # noqa: F401  (fixtures: the loopback servers)
    postgres_server,
    postgres_url,
    redis_server,
    redis_url,
    s3_bucket,
    s3_server,
)

from agent.demoshop import DemoShop

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shop() -> Iterator[DemoShop]:
    with DemoShop(host="127.0.0.1", port=0) as s:
        yield s


@pytest.fixture
def fresh_shop() -> Iterator[DemoShop]:
    """A shop of its own, for tests that switch versions."""
    with DemoShop(host="127.0.0.1", port=0) as s:
        yield s


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


def run_cli(*args: str, store: Path | None = None, timeout: float = 180,
            env: dict[str, str] | None = None, input: bytes | None = None) -> Result:
    """Run the real `jianyipai` command line in a subprocess."""
    cmd = [sys.executable, "-m", "agent", *args]
    if store is not None:
        cmd += ["--store", str(store)]
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env.pop("JIANYIPAI_DEBUG", None)
    proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=full_env, cwd=ROOT,
                          input=input)
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                  proc.stderr.decode("utf-8", "replace"))


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_one_line_error(result: Result) -> None:
    """A failure says why in one line on stderr, with no traceback."""
    assert result.code != 0, result
    assert "Traceback" not in result.err, result.err
    errors = [line for line in result.err.splitlines() if line.startswith("jianyipai: error:")]
    assert errors, result.err


class FakeClock:
    """Time for ``Watcher`` that jumps to whatever a sleeper waits for."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        import asyncio

        self.t = max(self.t, self.t + max(0.0, seconds))
        await asyncio.sleep(0)


def color_runs(img: Any, x: int, color: tuple[int, int, int], tol: int = 6) -> int:
    """How many separate vertical runs of ``color`` a screenshot has in pixel column ``x``
    (one per chat bubble of that colour)."""
    count, inside = 0, False
    for y in range(img.height):
        hit = all(abs(a - b) <= tol for a, b in zip(img.getpixel((x, y)), color, strict=True))
        count += hit and not inside
        inside = hit
    return count


def run_async(coro: Any) -> Any:
    """``asyncio.run(coro)``; on a fresh thread when this one already runs an event loop (the
    sync Playwright of pytest-playwright's ``page`` fixture leaves one running for the rest of
    the session), so a test's result never depends on which tests ran before it."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@contextlib.contextmanager
def viewer_running(store: Path, *args: str) -> Iterator[tuple[str, subprocess.Popen[str], str]]:
    """`jianyipai serve` on a free port for ``store`` (``args``: more options): its address,
    its process and the first line it wrote; stopped on leaving."""
    proc = subprocess.Popen([sys.executable, "-m", "agent", "serve", "--port", "0", "--store", str(store),
                             *args], cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        line = proc.stderr.readline() if proc.stderr else ""
        match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        if not match:
            proc.kill()
            pytest.fail(f"viewer did not start: {line}{proc.stderr.read() if proc.stderr else ''}")
        yield match.group(1), proc, line
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
