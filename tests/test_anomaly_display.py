"""Anomalies where people look (issue 14): `extract`, `show`, the report, the viewer.

A look-alike shop is the demo shop's own listing served under ``jd.com.pay-secure.top``
(Chromium's ``--host-resolver-rules``); a hostile record, committed through the store API,
carries markup in its evidence that must show as text and never run.
"""
from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.demoshop import DemoShop
from storage import Artifact, Store
from tests.conftest import ROOT, run_async, run_cli, viewer_running

LOOKALIKE = "jd.com.pay-secure.top"
HOSTILE = "x<img src=x onerror=\"document.title='pwned'\">.evil.top"
MESSAGE_ID = "0123456789abcdef"
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>耳机</title></head><body>
<h1>无线降噪蓝牙耳机</h1><span class="price">¥199.00</span>
<a href="https://{host}/pay">去付款</a></body></html>"""


def test_extract_shows_a_lookalike_link(tmp_path: Path) -> None:
    bad, good = tmp_path / "bad.html", tmp_path / "good.html"
    bad.write_text(PAGE.format(host=LOOKALIKE), "utf-8")
    good.write_text(PAGE.format(host="pay.jd.com"), "utf-8")
    text = run_cli("extract", str(bad), str(good), "--url", "https://item.jd.com/1.html")
    assert text.code == 0, text.err
    shown_bad, shown_good = text.out.split("== ")[1:]
    assert "anomaly    danger lookalike_domain: 页面上的链接 jd.com.pay-secure.top 疑似仿冒官方域名 jd.com" in shown_bad
    assert "A link on the page jd.com.pay-secure.top imitates the official domain jd.com" in shown_bad
    assert "evidence: where link · host jd.com.pay-secure.top · imitates jd.com" in shown_bad
    assert "待人工核查" in shown_bad
    assert "anomal" not in shown_good
    found = run_cli("extract", str(bad), str(good), "--json").json_lines()
    assert [a["code"] for a in found[0]["anomalies"]] == ["lookalike_domain"]
    assert found[0]["anomalies"][0]["evidence"]["host"] == LOOKALIKE
    assert found[0]["anomalies_note"] and found[1]["anomalies"] == []


def test_extract_shows_a_sellers_offplatform_message(tmp_path: Path) -> None:
    page = (ROOT / "tests/corpus/chats/generic_separators.html").read_text("utf-8")
    assert "亲，在的，有什么可以帮您？" in page
    chat = tmp_path / "chat.html"
    chat.write_text(page.replace("亲，在的，有什么可以帮您？", "亲，加微信 wx888 转账到个人支付宝更便宜"), "utf-8")
    args = ("extract", str(chat), "--kind", "chat", "--captured-at", "2027-11-27T07:00:00Z")
    record = run_cli(*args, "--json").json_lines()[0]
    [found] = record["anomalies"]
    assert found["code"] == "offplatform_payment"
    said = [m for m in record["messages"] if m["id"] == found["evidence"]["message_id"]]
    assert said and "加微信" in said[0]["text"]
    shown = run_cli(*args).out
    assert "anomaly    danger offplatform_payment: 卖家引导到平台外付款" in shown
    assert f"message_id {said[0]['id']} · sender 小店客服阿杰" in shown


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A capture of the look-alike shop, a clean capture and a hostile chat record."""
    root = tmp_path_factory.mktemp("anomaly-display")
    store = root / "store"
    with DemoShop(host="127.0.0.1", port=0) as shop:
        port = shop.url.rsplit(":", 1)[1]
        config = root / "config.toml"
        config.write_text(f'[browser]\nextra_args = ["--host-resolver-rules=MAP {LOOKALIKE} '
                          f'127.0.0.1:{port}"]\n', "utf-8")
        done = run_cli("capture", f"http://{LOOKALIKE}/item/1001", f"{shop.url}/item/1002",
                       "--json", "--config", str(config), store=store)
        assert done.code == 0, done.err
        ids = dict(zip(("lookalike", "clean"), (line["id"] for line in done.json_lines()), strict=True))
    ids["hostile"] = _commit_hostile(store, ids["lookalike"])
    yield store, ids


def _commit_hostile(store_dir: Path, compared: str) -> str:
    record: dict[str, Any] = {
        "kind": "chat", "title": "客服 <b>聊天</b>", "url": "https://chat.example/1",
        "messages": [{"id": MESSAGE_ID, "sender": "店家", "role": "seller",
                      "text": "加微信付款 <script>document.title='pwned'</script>"}],
        "anomalies": [
            {"code": "lookalike_domain", "severity": "danger",
             "text": {"zh": f"聊天中的链接 {HOSTILE} 疑似仿冒", "en": f"A chat link {HOSTILE}"},
             "evidence": {"where": "chat", "host": HOSTILE, "message_id": MESSAGE_ID}},
            {"code": "offplatform_payment", "severity": "warning",
             "text": {"zh": "卖家引导到平台外付款", "en": "Steers payment off the platform"},
             "evidence": {"where": "chat", "message_id": MESSAGE_ID, "matched": ["加微信"],
                          "text": "加微信 13812345678 付款"}},
            {"code": "some_future_code", "severity": "info",
             "text": {"zh": "与商品页价格不符", "en": "Differs from the listing"},
             "evidence": {"listing_snapshot": compared,
                          "amounts": {"listing": {"amount": "199.00", "currency": "CNY"}},
                          "captures": [{"id": compared, "captured_at": "2026-12-01T08:00:00Z",
                                        "price": {"amount": "249.00", "currency": "CNY"}}]}},
        ]}
    manifest = {"schema": "jianyipai.snapshot/1", "target": {"url": "https://chat.example/1", "kind": "chat"},
                "requested_url": "https://chat.example/1", "final_url": "https://chat.example/1",
                "status": 200, "captured_at": "2026-12-02T12:00:00.000Z", "warnings": []}
    data = json.dumps(record, ensure_ascii=False).encode("utf-8")
    with Store(store_dir, create=False) as store:
        sid, _ = store.commit(manifest, [Artifact("record", data, "application/json")], record=record)
    return sid


@pytest.mark.browser
def test_show_lists_anomalies_in_text_and_json(filled) -> None:
    store, ids = filled
    shown = run_cli("show", ids["lookalike"][:10], store=store)
    assert shown.code == 0, shown.err
    assert "anomaly    danger lookalike_domain: 本页面的域名 jd.com.pay-secure.top 疑似仿冒官方域名 jd.com" in shown.out
    assert "The page's own host jd.com.pay-secure.top imitates the official domain jd.com" in shown.out
    assert "evidence: where page · host jd.com.pay-secure.top · imitates jd.com" in shown.out
    record = run_cli("show", ids["lookalike"], "--json", store=store).json_lines()[0]["record"]
    assert [(a["code"], a["severity"]) for a in record["anomalies"]] == [("lookalike_domain", "danger")]
    assert record["anomalies"][0]["evidence"]["host"] == LOOKALIKE
    chat = run_cli("show", ids["hostile"], store=store).out
    assert f"message_id {MESSAGE_ID}" in chat and f"listing_snapshot {ids['lookalike'][:12]}" in chat
    assert "amounts.listing 199.00 CNY" in chat
    assert f"captures {ids['lookalike'][:12]} (captured_at 2026-12-01T08:00:00Z; price 249.00 CNY)" in chat
    assert "anomal" not in run_cli("show", ids["clean"], store=store).out


@pytest.mark.browser
def test_report_has_the_section_in_html_and_pdf(filled, tmp_path: Path) -> None:
    store, ids = filled
    html, pdf, clean = tmp_path / "r.html", tmp_path / "r.pdf", tmp_path / "clean.html"
    for ref, out in ((ids["lookalike"], html), (ids["lookalike"], pdf), (ids["clean"], clean)):
        done = run_cli("report", ref, "-o", str(out), store=store)
        assert done.code == 0, done.err
    page_html = html.read_text("utf-8")
    assert "<h2>异常提示 · Anomalies</h2>" in page_html and "待人工核查" in page_html
    assert "sev-danger" in page_html and "jd.com.pay-secure.top" in page_html
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert "异常提示 · Anomalies" in text
    assert "疑似仿冒官方域名 jd.com" in re.sub(r"\s+", " ", text)
    assert "异常提示" not in clean.read_text("utf-8")
    hostile = tmp_path / "hostile.html"
    assert run_cli("report", ids["hostile"], "-o", str(hostile), store=store).code == 0
    written = hostile.read_text("utf-8")
    assert "x&lt;img src=x onerror=" in written and "<img src=x" not in written
    assert ids["lookalike"] in written  # the compared snapshot, named in full
    assert "13812345678" in written
    redacted = tmp_path / "redacted.html"
    assert run_cli("report", ids["hostile"], "-o", str(redacted), "--redact", store=store).code == 0
    assert "异常提示" in redacted.read_text("utf-8") and "13812345678" not in redacted.read_text("utf-8")


@pytest.mark.browser
def test_an_index_of_the_old_version_is_rebuilt_with_the_anomalies(filled) -> None:
    """Stores indexed before anomalies were kept get them on the next open."""
    import sqlite3

    store, ids = filled
    db = sqlite3.connect(store / "index.sqlite")
    db.execute("UPDATE snapshots SET anomalies = NULL")
    db.execute("PRAGMA user_version=3")
    db.commit()
    db.close()
    with Store(store, create=False) as opened:
        found = opened.index.anomalies(ids.values())
    assert set(found) == {ids["lookalike"], ids["hostile"]}
    assert [a["severity"] for a in found[ids["hostile"]]] == ["danger", "warning", "info"]
    assert "evidence" not in found[ids["lookalike"]][0]


async def _browse(base: str, ids: dict[str, str]) -> dict[str, Any]:
    """What the viewer shows: the front page's badges, then the snapshot pages."""
    from playwright.async_api import async_playwright

    from agent.capture.browser import launch

    seen: dict[str, Any] = {}
    async with async_playwright() as pw:
        browser = await launch(pw, None)
        try:
            tab = await (await browser.new_context(locale="zh-CN")).new_page()
            dialogs: list[str] = []
            tab.on("dialog", lambda d: dialogs.append(d.message))
            await tab.goto(base + "/")
            badges = {}
            for name in ("lookalike", "clean", "hostile"):
                badge = tab.locator(f"li.target:has(a.thumb[href$='{ids[name]}']) .anomaly-badge")
                badges[name] = [await badge.count(),
                                await badge.first.get_attribute("class") if await badge.count() else None,
                                await badge.first.inner_text() if await badge.count() else None,
                                await badge.first.get_attribute("title") if await badge.count() else None]
            seen["badges"] = badges
            await tab.goto(f"{base}/target?url=http://{LOOKALIKE}/item/1001")
            seen["timeline_badges"] = await tab.locator("table.timeline .anomaly-badge.sev-danger").count()
            await tab.goto(f"{base}/s/{ids['hostile']}")
            items = tab.locator("li.anomaly")
            seen["hostile"] = {
                "codes": await items.evaluate_all("els => els.map(e => e.dataset.code)"),
                "classes": await items.evaluate_all("els => els.map(e => e.className)"),
                "text": await tab.locator("section.anomalies").inner_text(),
                "imgs": await tab.locator("section.anomalies img, li.msg img").count(),
                "message_link": await tab.locator("a.message-ref").first.get_attribute("href"),
                "snapshot_links": await tab.locator("a.snapshot-ref").evaluate_all(
                    "els => els.map(e => e.getAttribute('href'))"),
            }
            await tab.locator("a.message-ref").first.click()
            seen["hostile"]["targeted"] = await tab.evaluate(
                "document.querySelector('li.msg:target') && document.querySelector('li.msg:target').id")
            seen["title"] = await tab.title()
            await tab.goto(f"{base}/s/{ids['lookalike']}")
            seen["lookalike"] = await tab.locator("section.anomalies").inner_text()
            await tab.goto(f"{base}/s/{ids['clean']}")
            seen["clean_sections"] = await tab.locator("section.anomalies").count()
            seen["dialogs"] = dialogs
        finally:
            await browser.close()
    return seen


@pytest.fixture(scope="module")
def viewed(filled) -> dict[str, Any]:
    store, ids = filled
    with viewer_running(store) as (url, _proc, _line):
        return run_async(_browse(url, ids))


@pytest.mark.browser
def test_front_page_badges_targets_with_anomalies(viewed) -> None:
    badges = viewed["badges"]
    count, classes, text, title = badges["lookalike"]
    assert count == 1 and "sev-danger" in classes and text.strip() == "⚠ 异常 1 项"
    assert "待人工核查" in title and "疑似仿冒官方域名 jd.com" in title
    assert badges["clean"][0] == 0
    assert viewed["timeline_badges"] == 1
    count, classes, text, title = badges["hostile"]
    assert "sev-danger" in classes and text.strip() == "⚠ 异常 3 项"
    assert HOSTILE in title  # shown as text, not markup


@pytest.mark.browser
def test_snapshot_page_lists_findings_and_links_their_evidence(viewed, filled) -> None:
    _, ids = filled
    hostile = viewed["hostile"]
    assert hostile["codes"] == ["lookalike_domain", "offplatform_payment", "some_future_code"]
    assert [c.split()[-1] for c in hostile["classes"]] == ["sev-danger", "sev-warning", "sev-info"]
    assert HOSTILE in hostile["text"] and "高风险" in hostile["text"] and "待人工核查" in hostile["text"]
    assert "199.00 CNY" in hostile["text"]
    assert hostile["imgs"] == 0 and viewed["title"] != "pwned" and not viewed["dialogs"]
    assert hostile["message_link"] == f"#msg-{MESSAGE_ID}" and hostile["targeted"] == f"msg-{MESSAGE_ID}"
    assert hostile["snapshot_links"] == [f"/s/{ids['lookalike']}"] * 2
    assert "captured_at 2026-12-01T08:00:00Z; price 249.00 CNY" in hostile["text"]
    assert "疑似仿冒官方域名 jd.com" in viewed["lookalike"] and "imitates the official domain" in viewed["lookalike"]
    assert viewed["clean_sections"] == 0
