"""The web viewer in real Chromium (pytest-playwright), over a store filled from the demo shop."""
from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from agent.capture.browser import find_chromium, launch_args
from agent.demoshop import DemoShop
from tests.conftest import ROOT, run_cli, viewer_running

pytestmark = pytest.mark.browser

HOSTILE = """<!doctype html><html><head><meta charset="utf-8"><title>恶意页面</title></head>
<body><h1>恶意页面 ¥1.00</h1>
<script>if (location.protocol !== 'file:') {  /* only once shown back, not while captured */
  document.body.setAttribute('data-pwned', 'yes');
  try { parent.document.title = 'pwned'; } catch (e) {}
  fetch('/s/').then(r => r.text()).then(t => { document.body.setAttribute('data-read', t.length); });
}</script></body></html>"""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    """pytest-playwright's browser, found the way jianyipai finds one (Debian's Chromium here)."""
    try:
        default = playwright.chromium.executable_path
    except Exception:
        default = None
    choice = find_chromium(None, default)
    return {**browser_type_launch_args, "executable_path": choice.path, "args": launch_args()}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A store with a changed listing, an English listing, a removed one and a hostile page."""
    store = tmp_path_factory.mktemp("web") / "store"
    hostile = tmp_path_factory.mktemp("pages") / "hostile.html"
    hostile.write_text(HOSTILE, "utf-8")
    with DemoShop() as shop:
        ids: dict[str, str] = {}
        first = run_cli("capture", f"{shop.url}/item/1001", f"{shop.url}/item/1002", "--json", store=store)
        assert first.code == 0, first.err
        ids["v1"], ids["en"] = (line["id"] for line in first.json_lines())
        shop.set_version("1001", 2)
        second = run_cli("capture", f"{shop.url}/item/1001", f"{shop.url}/item/removed", "--json", store=store)
        assert second.code == 0, second.err
        ids["v2"], ids["removed"] = (line["id"] for line in second.json_lines())
        third = run_cli("capture", hostile.as_uri(), "--allow-file", "--kind", "page", "--json", store=store)
        assert third.code == 0, third.err
        ids["hostile"] = third.json_lines()[0]["id"]
        ids["url"] = f"{shop.url}/item/1001"
    yield store, ids


@pytest.fixture(scope="module")
def viewer(filled) -> Iterator[str]:
    store, _ = filled
    with viewer_running(store) as (url, _proc, _line):
        yield url


def test_targets_show_status_price_and_thumbnail(page: Page, viewer, filled) -> None:
    _, ids = filled
    page.goto(viewer + "/")
    expect(page.locator("h1")).to_contain_text("监控目标")
    item = page.locator(f"li.target[data-url='{ids['url']}']")
    expect(item.locator(".badge")).to_have_text("有变化")
    expect(item.locator(".price")).to_have_text("249.00 CNY")
    expect(item.locator(".title")).to_contain_text("无线降噪蓝牙耳机")
    thumb = item.locator("img")
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    expect(page.locator("li.target")).to_have_count(4)


def test_search_and_status_filter(page: Page, viewer) -> None:
    page.goto(viewer + "/")
    page.fill("input[name=q]", "Coffee")
    page.click("form.filters button[type=submit]")
    expect(page.locator("li.target")).to_have_count(1)
    expect(page.locator("li.target .title")).to_contain_text("Coffee")
    page.goto(viewer + "/?status=changed")
    expect(page.locator("li.target")).to_have_count(1)
    expect(page.locator("li.target .badge")).to_have_text("有变化")


def test_timeline_charts_the_price_and_marks_the_change(page: Page, viewer, filled) -> None:
    _, ids = filled
    page.goto(viewer + "/")
    page.click(f"li.target[data-url='{ids['url']}'] a.title")
    expect(page.locator("h1")).to_have_text("时间线")
    expect(page.locator("svg.chart circle")).to_have_count(2)
    expect(page.locator("svg.chart")).to_contain_text("249.00")
    expect(page.locator("table.timeline tbody tr")).to_have_count(2)
    changed = page.locator("table.timeline tr.changed")
    expect(changed).to_have_count(1)
    expect(changed.locator("td").nth(2)).to_have_text("249.00 CNY")


def test_diff_page_names_every_change_and_shows_the_visual_diff(page: Page, viewer, filled) -> None:
    _, ids = filled
    page.goto(viewer + "/target?url=" + ids["url"])
    page.click("table.timeline a.badge.changed")
    expect(page.locator("h1")).to_have_text("对比")
    price = page.locator("tr.field-price")
    expect(price.locator(".old")).to_have_text("199.00 CNY")
    expect(price.locator(".new")).to_have_text("249.00 CNY")
    expect(page.locator("ul.promise-changes li.removed")).to_contain_text("假一赔十")
    expect(page.locator("ul.promise-changes li.reworded")).to_contain_text("48小时发货 → 72小时发货")
    expect(page.locator("ul.claim-changes li.added").first).to_contain_text("absolute:第一")
    img = page.locator("#visual-diff")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle(),
                           timeout=60000)
    expect(page.locator("pre.textdiff")).to_contain_text("249")


def test_snapshot_page_shows_record_hashes_seals_and_zooms(page: Page, viewer, filled) -> None:
    store, ids = filled
    page.goto(viewer + f"/s/{ids['v2'][:10]}")
    expect(page.locator("#snapshot-id")).to_have_text(ids["v2"])
    expect(page.locator("dd.price")).to_have_text("249.00 CNY")
    expect(page.locator("ul.promises")).to_contain_text("72小时发货")
    expect(page.locator("ul.claims")).to_contain_text("第一")
    shown = run_cli("show", ids["v2"], "--json", store=store).json_lines()[0]
    table = page.locator("table.artifacts")
    for art in shown["artifacts"].values():
        expect(table).to_contain_text(art["sha256"])
    expect(page.locator("dd.seal-signature")).to_have_text("有")
    shot = page.locator("#screenshot")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=shot.element_handle())
    shot.click()
    expect(shot).to_have_class(re.compile(r"\bzoomed\b"))
    shot.click()
    expect(shot).not_to_have_class(re.compile(r"\bzoomed\b"))


def test_captured_html_runs_no_script_and_reads_nothing(page: Page, viewer, filled) -> None:
    _, ids = filled
    page.goto(viewer + f"/s/{ids['hostile']}")
    frame_el = page.locator("iframe.page")
    assert frame_el.get_attribute("sandbox") == ""
    frame = frame_el.element_handle().content_frame()
    assert frame is not None
    frame.wait_for_selector("h1")
    assert frame.locator("h1").inner_text().startswith("恶意页面")
    page.wait_for_timeout(500)  # give a script every chance to run
    assert frame.locator("body").get_attribute("data-pwned") is None
    assert frame.locator("body").get_attribute("data-read") is None
    assert page.title() != "pwned"
    with urllib.request.urlopen(viewer + f"/s/{ids['hostile']}/page") as resp:
        assert "sandbox" in resp.headers["Content-Security-Policy"]


def test_downloads_export_and_report(page: Page, viewer, filled, tmp_path) -> None:
    _, ids = filled
    page.goto(viewer + f"/s/{ids['v2']}")
    with page.expect_download() as dl:
        page.click("#export")
    bundle = tmp_path / "b.wacz"
    dl.value.save_as(bundle)
    with zipfile.ZipFile(bundle) as z:
        assert "datapackage.json" in z.namelist()
    with page.expect_download() as dl:
        page.click("#report-html")
    report = tmp_path / "r.html"
    dl.value.save_as(report)
    assert ids["v2"] in report.read_text("utf-8")


def test_english_ui(page: Page, viewer) -> None:
    page.goto(viewer + "/")
    page.click("a.lang")
    expect(page.locator("h1")).to_contain_text("Targets")
    page.goto(viewer + "/")  # the choice is remembered
    expect(page.locator("h1")).to_contain_text("Targets")
    expect(page.locator("a.lang")).to_have_text("中文")


@pytest.mark.parametrize("path", [
    "/s/..%2f..%2fledger", "/s/{id}/a/..%2f..%2fledger", "/s/{id}/a/%2e%2e%2fledger",
    "/static/..%2f..%2f..%2fledger", "/static/../../storage/store.py", "/s/{id}/a/ledger",
    "/s/zzzz", "/diff/{id}/..%2fledger",
])
def test_no_path_reaches_outside_the_store(viewer, filled, path) -> None:
    _, ids = filled
    url = viewer + path.format(id=ids["v1"])
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url)
    assert err.value.code == 404


def test_a_token_guards_the_viewer_when_given(filled) -> None:
    store, _ = filled
    proc = subprocess.Popen([sys.executable, "-m", "agent", "serve", "--port", "0", "--token", "s3cret",
                             "--store", str(store)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline() if proc.stderr else ""
        base = re.search(r"(http://127\.0\.0\.1:\d+)/", line).group(1)  # type: ignore[union-attr]
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(base + "/")
        assert err.value.code == 403
        with urllib.request.urlopen(base + "/?token=s3cret") as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(10)


def test_beyond_loopback_a_token_is_always_required() -> None:
    from agent.cli.serve import _loopback

    assert _loopback("127.0.0.1") and _loopback("::1") and _loopback("localhost")
    assert not _loopback("0.0.0.0") and not _loopback("192.0.2.1")


def test_a_target_whose_watch_failed_since_its_capture_is_failing(shop: DemoShop, tmp_path: Path) -> None:
    """The front page reads the watcher's failures through its state (the folder's
    watch.sqlite here; the group's database with a PostgreSQL index)."""
    import time

    from agent.settings import load
    from agent.web import create_app
    from storage.watchstate import WatchState

    store, url = tmp_path / "store", shop.url + "/item/1002"
    assert run_cli("capture", url, store=store).code == 0
    settings = load(None, env={})
    client = create_app(store, settings).test_client()
    assert f'class="target state-ok" data-url="{url}"' in client.get("/").get_data(as_text=True)
    state = WatchState(store)
    try:
        state.add_failure(url, url, time.time() + 1, 1, "timeout", True)
    finally:
        state.close()
    page = client.get("/?status=failing").get_data(as_text=True)
    assert f'class="target state-failing" data-url="{url}"' in page
