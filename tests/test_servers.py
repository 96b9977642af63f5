"""The loopback servers of tests/servers.py start, answer and stop, leaving no folder behind."""
from __future__ import annotations

import socket
import subprocess

import pytest
from servers import Postgres, Redis, SeaweedFS, find_program, postgres_bindir


def _refused(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_postgres_answers_in_utf8_and_comes_back_after_a_stop() -> None:
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (run `make install`)")
    with Postgres(bindir) as pg:
        pg.psql("CREATE TABLE t (s text); INSERT INTO t VALUES ('检益拍 七天无理由退货')")
        assert pg.psql("SHOW server_encoding").stdout.strip() == "UTF8"
        assert pg.psql("SHOW listen_addresses").stdout.strip() == "127.0.0.1"
        with pg.stopped():
            assert _refused(pg.port)
            assert pg.psql("SELECT 1", check=False).returncode != 0
        assert pg.psql("SELECT s FROM t").stdout.strip() == "检益拍 七天无理由退货"
        pg.stop_for(0.5).join()
        assert pg.psql("SELECT count(*) FROM t").stdout.strip() == "1"
        folder, port = pg.dir, pg.port
    assert not folder.exists()
    assert _refused(port)


def test_postgres_url_fixture_gives_an_empty_database(postgres_server: Postgres,
                                                      postgres_url: str) -> None:
    out = subprocess.run([str(postgres_server.bin / "psql"), "-X", "-A", "-t", postgres_url, "-c",
                          "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"


def test_redis_answers_and_saves_nothing() -> None:
    program = find_program("redis-server")
    if program is None:
        pytest.skip("redis-server is not installed (run `make install`)")
    with Redis(program) as r:
        assert r.command("PING") == "PONG"
        assert r.command("SET", "k", "价格") == "OK"
        assert r.command("CONFIG", "GET", "save").endswith("save\r\n$0")
        folder, port = r.dir, r.port
    assert not folder.exists()
    assert _refused(port)


def test_redis_url_fixture_is_flushed(redis_server: Redis, redis_url: str) -> None:
    assert redis_url == redis_server.url
    assert redis_server.command("DBSIZE") == "0"


def test_seaweedfs_s3_stores_and_returns_bytes() -> None:
    program = find_program("weed")
    if program is None:
        pytest.skip("SeaweedFS `weed` is not installed (run `make install`)")
    with SeaweedFS(program) as s3:
        client = s3.client()
        client.create_bucket(Bucket="evidence")
        client.put_object(Bucket="evidence", Key="a/b", Body="证据".encode())
        assert client.get_object(Bucket="evidence", Key="a/b")["Body"].read() == "证据".encode()
        folder, endpoint = s3.dir, s3.endpoint
    assert not folder.exists()
    assert _refused(int(endpoint.rsplit(":", 1)[1]))
