"""Sessions: `login --import`, `login URL` (headed, under Xvfb when it is installed), and
captures with `--session` that send the cookie while no artifact keeps its value."""
from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import stat
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from agent.capture.sessions import SessionError, validate
from agent.demoshop import DemoShop
from storage import Store
from tests.conftest import assert_one_line_error, run_cli


def state_for(token: str, domain: str = "127.0.0.1") -> dict[str, Any]:
    return {"cookies": [{"name": "jyp_sid", "value": token, "domain": domain, "path": "/",
                         "expires": -1, "httpOnly": True, "secure": False, "sameSite": "Lax"}],
            "origins": []}


@pytest.fixture
def signed_in(tmp_path: Path) -> Iterator[tuple[DemoShop, str, Path]]:
    with DemoShop() as shop:
        token = shop.add_session("买家小王")
        path = tmp_path / "state.json"
        path.write_text(json.dumps(state_for(token)), "utf-8")
        yield shop, token, path


def test_import_saves_an_owner_only_session(signed_in: Any, tmp_path: Path) -> None:
    _, token, path = signed_in
    store = tmp_path / "store"
    result = run_cli("login", "--import", str(path), "--name", "shop1", store=store)
    assert result.code == 0, result.err
    assert "saved session 'shop1'" in result.err and token not in result.err + result.out
    saved = store / "sessions" / "shop1.json"
    assert stat.S_IMODE(saved.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert json.loads(saved.read_text("utf-8"))["cookies"][0]["value"] == token
    listed = run_cli("sessions", "--json", store=store)
    assert listed.code == 0, listed.err
    assert listed.json_lines() == [{"name": "shop1", "cookies": 1, "domains": ["127.0.0.1"],
                                    "origins": []}]
    assert token not in listed.out


@pytest.mark.browser
def test_capture_with_a_session_sends_the_cookie_and_keeps_no_value(signed_in: Any,
                                                                    tmp_path: Path) -> None:
    shop, token, path = signed_in
    store = tmp_path / "store"
    assert run_cli("login", "--import", str(path), "--name", "shop1", store=store).code == 0
    result = run_cli("capture", f"{shop.url}/whoami", "--kind", "page", "--session", "shop1",
                     "--json", store=store)
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert line["session"] == "shop1"
    with Store(store, create=False) as s:
        html = s.artifact(line["id"], "html").decode("utf-8")
        assert "已登录：买家小王" in html  # the shop saw the cookie
        warc = s.artifact(line["id"], "warc")
        blobs = [p for p in (store / "blobs").rglob("*") if p.is_file()]
        assert blobs
        for blob in blobs:  # every artifact, the manifest, compressed or not
            data = blob.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            assert token.encode() not in data, blob
    assert token not in json.dumps(line)
    requests = [r for r in ArchiveIterator(io.BytesIO(warc))
                if r.rec_type == "request" and r.rec_headers.get_header("WARC-Target-URI").endswith("/whoami")]
    cookie = requests[0].http_headers.get_header("Cookie")
    assert cookie is not None and token not in cookie  # the header is there, its value is not
    # without the session the same page is signed out
    plain = run_cli("capture", f"{shop.url}/whoami", "--kind", "page", "--json", store=store)
    [anon] = plain.json_lines()
    with Store(store, create=False) as s:
        assert "未登录" in s.artifact(anon["id"], "html").decode("utf-8")
    assert "session" not in anon
    assert run_cli("verify", store=store).code == 0
    if run_cli("export", "--help").code == 0:  # the evidence bundle holds no session either
        bundle = tmp_path / "out.wacz"
        exported = run_cli("export", line["id"], "-o", str(bundle), store=store)
        assert exported.code == 0, exported.err
        with zipfile.ZipFile(bundle) as z:
            for name in z.namelist():
                data = z.read(name)
                if data[:2] == b"\x1f\x8b":
                    data = gzip.decompress(data)
                assert token.encode() not in data, name
                assert not name.startswith("sessions"), name


def test_unknown_session_fails_in_one_line(tmp_path: Path) -> None:
    result = run_cli("capture", "http://127.0.0.1:9/x", "--session", "nope", store=tmp_path / "s")
    assert_one_line_error(result)
    assert "no session 'nope'" in result.err


def test_a_session_others_can_read_is_refused(signed_in: Any, tmp_path: Path) -> None:
    _, _, path = signed_in
    store = tmp_path / "store"
    assert run_cli("login", "--import", str(path), "--name", "s", store=store).code == 0
    os.chmod(store / "sessions" / "s.json", 0o644)
    result = run_cli("capture", "http://127.0.0.1:9/x", "--session", "s", store=store)
    assert_one_line_error(result)
    assert "chmod 600" in result.err


@pytest.mark.parametrize("content, message", [
    ("not json", "not JSON"),
    ('{"cookies": "x"}', "must be lists"),
    ('{"cookies": [], "origins": []}', "holds no cookies"),
    ('{"cookies": [{"name": "a", "value": "b"}]}', "needs a domain"),
    ('{"cookies": [{"name": "a", "value": "b", "domain": "x.com", "sameSite": "Sometimes"}]}',
     "sameSite"),
    ('{"cookies": [], "origins": [], "extra": 1}', "unknown key"),
    ('"just a string"', "not a storage state"),
])
def test_bad_storage_state_files_are_rejected(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    result = run_cli("login", "--import", str(path), store=tmp_path / "s")
    assert_one_line_error(result)
    assert message in result.err
    assert not (tmp_path / "s" / "sessions").exists() or not any((tmp_path / "s" / "sessions").iterdir())


def test_a_cookie_export_list_is_converted() -> None:
    state = validate([{"domain": ".taobao.com", "name": "cookie2", "value": "v", "path": "/",
                       "expirationDate": 1893456000.5, "httpOnly": True, "secure": True,
                       "sameSite": "no_restriction", "hostOnly": False, "session": False}])
    assert state == {"cookies": [{"name": "cookie2", "value": "v", "domain": ".taobao.com", "path": "/",
                                  "expires": 1893456000.5, "httpOnly": True, "secure": True,
                                  "sameSite": "None"}], "origins": []}
    with pytest.raises(SessionError):
        validate([{"name": "x", "value": "y", "domain": "a.com", "httpOnly": "yes"}])


def test_login_without_a_display_points_to_import(tmp_path: Path) -> None:
    result = run_cli("login", "http://127.0.0.1:9/", store=tmp_path / "s",
                     env={"DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert_one_line_error(result)
    assert "--import" in result.err


def test_login_needs_a_url_or_an_import(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("login", store=tmp_path / "s"))


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (apt-get install xvfb)")
def test_headed_login_saves_the_signed_in_state(tmp_path: Path) -> None:
    display = ":97"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        with DemoShop() as shop:
            store = tmp_path / "store"
            # the demo shop signs in at once with ?user=; Enter on stdin ends the wait
            result = run_cli("login", f"{shop.url}/account/login?user=买家小王", "--name", "demo",
                             store=store, env={"DISPLAY": display}, input=b"\n", timeout=120)
            assert result.code == 0, result.err
            state = json.loads((store / "sessions" / "demo.json").read_text("utf-8"))
            [cookie] = [c for c in state["cookies"] if c["name"] == "jyp_sid"]
            assert shop.user_of(cookie["value"]) == "买家小王"
    finally:
        xvfb.terminate()
        xvfb.wait(10)
