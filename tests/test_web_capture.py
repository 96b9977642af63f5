"""Capturing from the viewer (issue 15), in real Chromium: paste a share message, follow the
job to the snapshot; bad input; write requests from other origins; a worker that dies; a
viewer started on a store folder that does not exist yet."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from agent.demoshop import DemoShop
from storage.store import MARKER
from tests.conftest import ROOT, run_cli, viewer_running
from tests.test_web import browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

LOOKALIKE = "jd.com.pay-secure.top"  # a look-alike of jd.com (agent.demoshop.anomaly_pages)
JOB_S = 180_000  # ms a capture job may take on a busy machine


def _snapshots(store: Path) -> list[str]:
    from storage.ledger import Ledger

    return Ledger(store / "ledger", store / "lock").ids()


@pytest.fixture(scope="module")
def viewer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """``serve`` on a store folder that does not exist yet; the look-alike host reaches the
    demo shop through Chromium's --host-resolver-rules in the viewer's settings."""
    folder = tmp_path_factory.mktemp("viewer")
    store = folder / "new-store"
    rules = f"MAP {LOOKALIKE} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    config = folder / "config.toml"
    config.write_text(f'[browser]\nextra_args = ["--host-resolver-rules={rules}"]\n', "utf-8")
    with viewer_running(store, "--config", str(config)) as (url, proc, line):
        yield {"url": url, "store": store, "line": line, "proc": proc}


def test_serve_creates_a_store_that_does_not_exist_yet(viewer) -> None:
    assert "new empty store created at" in viewer["line"]
    assert (viewer["store"] / MARKER).is_file()
    listed = run_cli("list", store=viewer["store"])
    assert listed.code == 0, listed.err


def _seen_statuses(page: Page) -> list[dict[str, Any]]:
    """Every job status the page received while it followed a job."""
    seen: list[dict[str, Any]] = []

    def on_response(resp: Any) -> None:
        if re.search(r"/jobs/[^/]+/status$", resp.url):
            try:
                seen.append(resp.json())
            except Exception:
                pass

    page.on("response", on_response)
    return seen


def test_paste_a_share_message_and_get_the_snapshot(page: Page, viewer, shop: DemoShop) -> None:
    shared = f"【淘宝】{shop.url}/h.demo?tk=x 「无线蓝牙耳机」点击链接直接打开"
    seen = _seen_statuses(page)
    page.goto(viewer["url"] + "/")
    page.fill("#paste", shared)
    page.check("input[name=kind][value=listing]")
    page.click("#save-evidence")
    page.wait_for_url(re.compile(r"/jobs/[^/]+$"))
    job_url = page.url
    expect(page.locator("h1")).to_have_text("正在保存证据")
    expect(page.locator(".job-item .url")).to_have_text(f"{shop.url}/h.demo?tk=x")
    page.wait_for_url(re.compile(r"/s/[0-9a-f]{64}$"), timeout=JOB_S)
    sid = page.locator("#snapshot-id").inner_text()
    shown = run_cli("show", sid, "--json", store=viewer["store"]).json_lines()[0]
    assert shown["shared_text"] == shared
    assert shown["final_url"] == f"{shop.url}/m/item/demo?tk=x"
    assert sid in _snapshots(viewer["store"])
    final = _status(viewer["url"], job_url)
    assert final["state"] == "done" and final["next"] == f"/s/{sid}"
    phases = [item["phase"] for status in seen for item in status["items"]]
    assert set(phases) - {"done"} <= {"queued", "loading", "scrolling", "saving"}
    assert set(phases) & {"loading", "scrolling", "saving"}, phases  # progress was shown


@pytest.mark.parametrize("text,words", [
    ("hello world", "没有找到链接"),
    ("￥AbCd1234￥ 打开淘宝App", "淘口令"),
    ("ftp://shop.example/item/1", "这个链接无法保存"),
])
def test_bad_input_says_why_and_stores_nothing(page: Page, viewer, text: str, words: str) -> None:
    before = _snapshots(viewer["store"])
    page.goto(viewer["url"] + "/")
    page.fill("#paste", text)
    page.click("#save-evidence")
    error = page.locator(".capture-error")
    expect(error).to_contain_text(words)
    expect(error).to_contain_text("没有保存任何内容")
    expect(page.locator("#paste")).to_have_value(text)  # kept, to be corrected
    assert _snapshots(viewer["store"]) == before


class _OtherSite(BaseHTTPRequestHandler):
    """A page on another port of this machine that posts a capture form to the viewer."""

    target = ""

    def do_GET(self) -> None:
        body = (f'<!doctype html><meta charset="utf-8"><form id="f" method="post" action="{self.target}">'
                '<input name="text" value="https://shop.example/item/1"><input name="kind" value="listing">'
                '<input name="csrf" value="guessed"></form><script>document.getElementById("f").submit()</script>')
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_page_of_another_origin_cannot_make_the_viewer_capture(page: Page, viewer) -> None:
    page.goto(viewer["url"] + "/")  # the viewer's cookie is in this browser, as for a real user
    before = _snapshots(viewer["store"])
    _OtherSite.target = viewer["url"] + "/capture"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OtherSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with page.expect_response(viewer["url"] + "/capture") as answer:
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        assert answer.value.status == 403
        expect(page.locator("body")).to_contain_text("已拒绝")
    finally:
        server.shutdown()
        server.server_close()
    assert _snapshots(viewer["store"]) == before


def _post(url: str, fields: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, urllib.parse.urlencode(fields).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def test_write_requests_need_the_viewer_origin_and_the_form_token(viewer) -> None:
    base = viewer["url"]
    before = _snapshots(viewer["store"])
    with urllib.request.urlopen(base + "/") as resp:
        cookie = resp.headers["Set-Cookie"].split(";")[0]
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', resp.read().decode()).group(1)  # type: ignore[union-attr]
    assert "SameSite=Strict" in resp.headers["Set-Cookie"]
    # bad input on purpose: an accepted request answers 400 with the message, and stores nothing
    fields = {"text": "no link here", "kind": "listing", "csrf": token}
    own = {"Origin": base, "Cookie": cookie}
    assert _post(base + "/capture", fields, own)[0] == 400
    refused = [
        {**own, "Origin": "http://127.0.0.1:1"},           # another port: another origin
        {**own, "Origin": "http://evil.example"},
        {**own, "Origin": "null"},                          # an opaque origin (sandboxed page)
        {"Cookie": cookie},                                 # no Origin, no Referer
        {**own, "Sec-Fetch-Site": "cross-site"},
        {**own, "Sec-Fetch-Site": "same-site"},
        {"Referer": "http://evil.example/page", "Cookie": cookie},
    ]
    for headers in refused:
        code, body = _post(base + "/capture", fields, headers)
        assert code == 403, headers
        assert "已拒绝" in body
    assert _post(base + "/capture", {**fields, "csrf": "0" * 64}, own)[0] == 403
    assert _post(base + "/capture", {"text": "x", "kind": "listing"}, own)[0] == 403
    assert _post(base + "/capture", fields, {"Origin": base})[0] == 403  # no cookie
    assert _post(base + "/capture", fields, {"Cookie": cookie, "Referer": base + "/"})[0] == 400
    # a site whose name points at 127.0.0.1 (DNS rebinding) is not the viewer
    rebound = urllib.request.Request(base + "/", headers={"Host": "evil.example"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(rebound)
    assert err.value.code == 403
    assert _snapshots(viewer["store"]) == before


def _status(base: str, job_url: str) -> dict[str, Any]:
    with urllib.request.urlopen(base + urllib.parse.urlsplit(job_url).path + "/status") as resp:
        return json.loads(resp.read())  # type: ignore[no-any-return]


def test_a_worker_that_dies_fails_its_job_and_the_next_job_runs(page: Page, viewer,
                                                               fresh_shop: DemoShop) -> None:
    before = _snapshots(viewer["store"])
    page.goto(viewer["url"] + "/")
    page.fill("#paste", f"{fresh_shop.url}/item/hang")  # answers part of a page, then nothing
    page.click("#save-evidence")
    page.wait_for_url(re.compile(r"/jobs/[^/]+$"))
    deadline = time.monotonic() + 120
    status = _status(viewer["url"], page.url)
    while not (status.get("pid") and status["items"][0]["phase"] in ("loading", "scrolling")):
        assert time.monotonic() < deadline, status
        time.sleep(0.2)
        status = _status(viewer["url"], page.url)
    os.kill(status["pid"], signal.SIGKILL)
    expect(page.locator(".job-item .phase-now")).to_have_text("失败", timeout=60_000)
    expect(page.locator(".job-error")).to_contain_text("worker process stopped unexpectedly")
    assert _snapshots(viewer["store"]) == before
    # the pool is replaced: the next paste is captured
    page.goto(viewer["url"] + "/")
    page.fill("#paste", f"{fresh_shop.url}/item/1002")
    page.click("#save-evidence")
    page.wait_for_url(re.compile(r"/s/[0-9a-f]{64}$"), timeout=JOB_S)
    assert len(_snapshots(viewer["store"])) == len(before) + 1


def test_paste_then_complaint_names_claim_promise_and_anomaly(page: Page, viewer, fresh_shop: DemoShop,
                                                             tmp_path: Path) -> None:
    """A listing with advertising claims and seller promises, served on a look-alike of
    jd.com: its complaint PDF names each with its legal basis and the evidence ids."""
    url = f"http://{LOOKALIKE}:{fresh_shop.port}/item/1001"
    page.goto(viewer["url"] + "/")
    page.fill("#paste", f"【京东】{url} 这款耳机说是全网最低价")
    page.click("#save-evidence")
    page.wait_for_url(re.compile(r"/s/[0-9a-f]{64}$"), timeout=JOB_S)
    sid = page.locator("#snapshot-id").inner_text()
    page.click("#complaint")
    page.wait_for_url(re.compile(r"/jobs/[^/]+$"))
    expect(page.locator("h1")).to_have_text("正在生成投诉材料")
    expect(page.locator("#file-pdf")).to_be_visible(timeout=JOB_S)
    files = {}
    for name in ("pdf", "txt"):
        with page.expect_download() as dl:
            page.click(f"#file-{name}")
        files[name] = tmp_path / dl.value.suggested_filename
        dl.value.save_as(files[name])
    assert files["pdf"].read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(files["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "全网最低价" in flat and "《广告法》第九条" in flat                     # claim, its basis
    assert "假一赔十" in flat and "7天无理由退货" in flat                           # promises
    assert "《消费者权益保护法》第二十五条" in flat
    assert "lookalike_domain" in flat and "仿冒" in flat                             # the anomaly
    assert f"快照snapshot{sid}" in flat                                            # evidence id
    form = files["txt"].read_text("utf-8-sig")
    assert "全网最低价" in form and sid[:12] in form
    with urllib.request.urlopen(viewer["url"] + urllib.parse.urlsplit(page.url).path + "/files/pdf") as resp:
        assert resp.headers["Content-Disposition"].startswith("attachment")


def test_several_links_one_a_line_are_each_captured(page: Page, viewer, shop: DemoShop) -> None:
    before = _snapshots(viewer["store"])
    page.goto(viewer["url"] + "/")
    page.fill("#paste", f"{shop.url}/item/1002\n\n{shop.url}/item/1003\n")
    page.click("#save-evidence")
    page.wait_for_url(re.compile(r"/jobs/[^/]+$"))
    expect(page.locator(".job-item")).to_have_count(2)
    expect(page.locator("#job")).to_have_attribute("data-state", "done", timeout=JOB_S)
    links = page.locator("a.open-snapshot")
    expect(links).to_have_count(2)  # two snapshots: the job page stays, with a link to each
    added = _snapshots(viewer["store"])[len(before):]
    assert len(added) == 2
    for i, sid in enumerate(added):
        assert links.nth(i).get_attribute("href") == f"/s/{sid}"


def test_beyond_loopback_the_access_token_still_applies(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "agent", "serve", "--port", "0", "--token", "s3cret",
                             "--store", str(tmp_path / "store")], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline() if proc.stderr else ""
        base = re.search(r"(http://127\.0\.0\.1:\d+)/", line).group(1)  # type: ignore[union-attr]
        with urllib.request.urlopen(base + "/?token=s3cret") as resp:
            cookies = "; ".join(c.split(";")[0] for c in resp.headers.get_all("Set-Cookie"))
            token = re.search(r'name="csrf" value="([0-9a-f]+)"', resp.read().decode()).group(1)  # type: ignore[union-attr]
        fields = {"text": "no link here", "kind": "listing", "csrf": token}
        assert _post(base + "/capture", fields, {"Origin": base, "Cookie": cookies})[0] == 400
        without = "; ".join(c for c in cookies.split("; ") if not c.startswith("jianyipai_token="))
        assert _post(base + "/capture", fields, {"Origin": base, "Cookie": without})[0] == 403
    finally:
        proc.terminate()
        proc.wait(20)
