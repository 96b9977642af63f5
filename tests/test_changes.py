"""What changed, said where people look (issue 15): the timeline's phrases in storage and
`history`, `diff URL` against the last capture that differs, the viewer's "last changed".

Records are committed through the store API (a listing that changes price, promises,
claims, availability, stock and anomalies); one real capture sequence goes through the
demo shop's versioned listing.
"""
from __future__ import annotations

import json
import sqlite3
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from agent.demoshop import DemoShop
from storage import Artifact, Store
from storage.changes import change_phrases
from storage.diff import diff_facts, diff_records, listing_facts
from storage.history import changes_of, last_changes, last_different, timeline
from tests.conftest import assert_one_line_error, run_async, run_cli, viewer_running

URL = "https://shop.example/item/77"
OTHER = "https://shop.example/item/88"
LONG_TITLE = "无线降噪蓝牙耳机 " + "超长续航 主动降噪 " * 10 + "旗舰版"
RETURN = {"code": "return_no_reason", "text": "7天无理由退货", "params": {"days": 7}}
GENUINE = {"code": "genuine_guarantee", "text": "正品保障", "params": {}}
LOWEST = {"text": "全网最低价", "flags": ["absolute:最低"]}
ORIGINAL = {"code": "fictitious_original_price", "severity": "warning",
            "text": {"zh": "划线原价 399.00 在此前 7 天的抓取中从未是售价",
                     "en": "The struck price 399.00 was never the selling price in the 7 days before"},
            "evidence": {"original_price": "399.00"}}


def listing(price: str = "199.00", *, promises: tuple[dict[str, Any], ...] = (RETURN, GENUINE),
            claims: tuple[dict[str, Any], ...] = (), availability: str = "InStock",
            stock: int | None = None, anomalies: tuple[dict[str, Any], ...] = (),
            title: str = "无线降噪蓝牙耳机") -> dict[str, Any]:
    return {"kind": "listing", "title": title, "price": {"amount": price, "currency": "CNY"},
            "original_price": {"amount": "399.00", "currency": "CNY"},
            "seller": {"name": "耳机旗舰店", "url": None}, "availability": availability,
            "stock_count": stock, "promises": list(promises), "claims": list(claims),
            "anomalies": list(anomalies), "removed": False, "countdown": None}


BLOCKED = {"kind": "listing", "blocked": {"kind": "captcha", "reason": "滑块验证"}}

# the target's captures, oldest first
SEQUENCE = [
    ("v1", listing()),
    ("v1 again", listing()),
    ("v2", listing("249.00", promises=(GENUINE,), claims=(LOWEST,), availability="OutOfStock",
                   anomalies=(ORIGINAL,), title=LONG_TITLE)),
    ("v2 again", listing("249.00", promises=(GENUINE,), claims=(LOWEST,), availability="OutOfStock",
                         anomalies=(ORIGINAL,), title=LONG_TITLE)),
    ("v2 stock", listing("249.00", promises=(GENUINE,), claims=(LOWEST,), availability="OutOfStock",
                         anomalies=(ORIGINAL,), title=LONG_TITLE, stock=0)),
    ("blocked", BLOCKED),
    ("v2 last", listing("249.00", promises=(GENUINE,), claims=(LOWEST,), availability="OutOfStock",
                        anomalies=(ORIGINAL,), title=LONG_TITLE, stock=0)),
]

PRICE = {"zh": "价格 199.00 → 249.00", "en": "price 199.00 → 249.00"}
AVAILABILITY = {"zh": "库存状态 有货 → 缺货", "en": "availability InStock → OutOfStock"}
PROMISE_REMOVED = {"zh": "删除承诺：7天无理由退货", "en": "promise removed: 7天无理由退货"}
CLAIM_ADDED = {"zh": "新增广告用语：全网最低价", "en": "claim added: 全网最低价"}
STOCK = {"zh": "库存数量 无 → 0", "en": "stock count none → 0"}


def commit(store_dir: Path, url: str, record: dict[str, Any], at: str, text: str = "") -> str:
    manifest = {"schema": "jianyipai.snapshot/1", "target": {"url": url, "kind": "listing"},
                "requested_url": url, "final_url": url, "status": 200, "captured_at": at,
                "warnings": []}
    arts = [Artifact("record", json.dumps(record, ensure_ascii=False).encode(), "application/json"),
            Artifact("text", (text or json.dumps(record, ensure_ascii=False)).encode(), "text/plain")]
    with Store(store_dir) as store:
        sid, _ = store.commit(manifest, arts, record=record)
    return sid


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A target through SEQUENCE (a day apart), one that never changed, one seen once."""
    store_dir = tmp_path_factory.mktemp("changes") / "store"
    ids = {}
    for day, (name, record) in enumerate(SEQUENCE, start=1):
        ids[name] = commit(store_dir, URL, record, f"2026-11-{day:02d}T08:00:00Z")
        if day <= 3:
            ids[f"other {day}"] = commit(store_dir, OTHER, listing(), f"2026-11-{day:02d}T09:00:00Z")
    ids["single"] = commit(store_dir, "https://shop.example/item/99", listing(), "2026-11-20T08:00:00Z")
    return store_dir, ids


def test_phrases_say_each_change_chinese_first_with_long_values_cut() -> None:
    old, new = SEQUENCE[0][1], SEQUENCE[2][1]
    diff = diff_records(old, new)
    said = change_phrases(diff)
    for phrase in (PRICE, AVAILABILITY, PROMISE_REMOVED, CLAIM_ADDED):
        assert phrase in said
    assert said[:4] == [PRICE, AVAILABILITY, PROMISE_REMOVED, CLAIM_ADDED]  # what matters first
    (title,) = [p for p in said if p["en"].startswith("title ")]
    assert title == {"zh": "标题 无线降噪蓝牙耳机 → 无线降噪蓝牙耳机 超长续航 主动降噪…",
                     "en": "title 无线降噪蓝牙耳机 → 无线降噪蓝牙耳机 超长续航 主动降噪…"}
    assert {"field": "title", "old": "无线降噪蓝牙耳机", "new": LONG_TITLE} in diff["fields"]
    (appeared,) = [p for p in said if "异常" in p["zh"]]
    assert appeared["zh"].startswith("新出现异常提示：划线原价 399.00")
    assert appeared["en"].startswith("anomaly appeared: fictitious_original_price: The struck price")
    gone = change_phrases(diff_records(new, old))
    assert {"zh": "新增承诺：7天无理由退货", "en": "promise added: 7天无理由退货"} in gone
    assert any(p["en"].startswith("anomaly no longer flagged: fictitious_original_price") for p in gone)
    assert diff["listing_changed"] and diff["anomalies"]["added"][0]["code"] == "fictitious_original_price"
    # the facts the index keeps give the same diff as the records
    assert diff_facts(json.loads(json.dumps(listing_facts(old))), listing_facts(new)) == diff_facts(old, new)


def test_stock_count_and_countdown_are_tracked_and_stock_alone_is_minor() -> None:
    before = listing(stock=5)
    after = {**listing(stock=2), "countdown": {"event": "end", "text": "距结束 02:13:45",
                                               "ends_at": "2026-12-02T10:00:00Z"}}
    diff = diff_records(before, after)
    said = change_phrases(diff)
    assert {"zh": "库存数量 5 → 2", "en": "stock count 5 → 2"} in said
    assert {"zh": "出现促销结束倒计时", "en": "a countdown to the end of a promotion appeared"} in said
    assert diff["listing_changed"]  # the countdown counts
    only_stock = diff_records(listing(stock=5), listing(stock=2))
    assert only_stock["fields"] == [{"field": "stock_count", "old": 5, "new": 2}]
    assert not only_stock["listing_changed"]  # shown, but alone not a different listing
    ticking = {**after, "countdown": {**after["countdown"], "text": "距结束 01:13:45"}}
    assert diff_records(after, ticking)["fields"] == []  # the time left moves; the deadline kind does not
    assert change_phrases(diff_records(listing(), {**listing(), "price": {"amount": "12.00", "currency": "USD"}}))[0] \
        == {"zh": "价格 199.00 CNY → 12.00 USD", "en": "price 199.00 CNY → 12.00 USD"}


def test_timeline_rows_name_their_changes_and_the_index_says_the_same(committed) -> None:
    store_dir, ids = committed
    with Store(store_dir, create=False) as store:
        rows = {r["id"]: r for r in timeline(store, URL)}
        indexed = {r["id"]: r for r in store.index.db.execute(
            "SELECT id, since, differs FROM snapshots WHERE target_url = ?", (URL,))}
        words = changes_of(store.index, list(rows))
    first, same, v2, v2_same, stock, blocked, last = (rows[ids[n]] for n, _ in SEQUENCE)
    assert first["changes_text"] == [] and "since" not in first
    assert same["changes_text"] == [] and not same["differs"]
    assert v2["since"] == ids["v1 again"] and v2["differs"]
    for phrase in (PRICE, AVAILABILITY, PROMISE_REMOVED, CLAIM_ADDED):
        assert phrase in v2["changes_text"]
    assert v2["changes"]["anomalies"]["added"][0]["code"] == "fictitious_original_price"
    assert v2_same["changes_text"] == []
    assert stock["changes_text"] == [STOCK] and not stock["differs"]
    assert blocked["blocked"] and blocked["changes_text"] == []
    assert last["since"] == ids["v2 stock"] and last["changes_text"] == []  # the blocked page is skipped
    for sid, row in rows.items():  # one definition: the index says what the timeline says
        assert words.get(sid, []) == row["changes_text"]
        assert bool(indexed[sid]["differs"]) == row["differs"] and indexed[sid]["since"] == row.get("since")


def test_last_change_and_last_different_come_from_the_index(committed) -> None:
    store_dir, ids = committed
    with Store(store_dir, create=False) as store:
        found = last_changes(store.index, [URL, OTHER, "https://shop.example/item/99"])
        choice = last_different(store, URL)
        same = last_different(store, OTHER)
    assert set(found) == {URL}
    assert found[URL]["id"] == ids["v2"] and found[URL]["captured_at"] == "2026-11-03T08:00:00Z"
    assert found[URL]["since"] == ids["v1 again"] and PRICE in found[URL]["changes"]
    assert (choice.old, choice.new, choice.changed, choice.same, choice.first_same) == (
        ids["v1 again"], ids["v2 last"], True, 4, ids["v2"])
    assert (same.old, same.new, same.changed, same.same) == (ids["other 1"], ids["other 3"], False, 3)


def test_an_index_of_the_old_version_is_rebuilt_with_the_changes(committed, tmp_path: Path) -> None:
    store_dir, ids = committed
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(store_dir, copy)
    db = sqlite3.connect(copy / "index.sqlite")
    db.execute("UPDATE snapshots SET listing = NULL, differs = 0, since = NULL")
    db.execute("PRAGMA user_version=4")
    db.commit()
    db.close()
    with Store(copy, create=False) as store:
        assert last_changes(store.index, [URL])[URL]["id"] == ids["v2"]


def test_history_prints_the_phrases_and_json_has_them(committed) -> None:
    store_dir, ids = committed
    text = run_cli("history", URL, store=store_dir)
    assert text.code == 0, text.err
    lines = text.out.splitlines()
    at = next(i for i, line in enumerate(lines) if ids["v2"][:12] in line)
    block = lines[at + 1: at + 8]
    assert f"    {PRICE['zh']}  |  {PRICE['en']}" in block
    assert f"    {PROMISE_REMOVED['zh']}  |  {PROMISE_REMOVED['en']}" in block
    assert f"    {CLAIM_ADDED['zh']}  |  {CLAIM_ADDED['en']}" in block
    assert "首次抓取 first capture" in lines[0] and "被拦截 blocked: captcha" in text.out
    assert any(ids["v1 again"][:12] in line and "无变化 no change" in line for line in lines)
    rows = run_cli("history", URL, "--json", store=store_dir).json_lines()
    assert [r["id"] for r in rows] == [ids[n] for n, _ in SEQUENCE]
    assert PRICE in rows[2]["changes_text"] and rows[4]["changes_text"] == [STOCK]
    assert_one_line_error(run_cli("history", "https://shop.example/none", store=store_dir))


def test_diff_url_compares_with_the_last_capture_that_differs(committed) -> None:
    store_dir, ids = committed
    res = run_cli("diff", URL, store=store_dir)
    assert res.code == 0, res.err
    assert f"old  {ids['v1 again'][:12]}  2026-11-02T08:00:00Z" in res.out
    assert f"new  {ids['v2 last'][:12]}  2026-11-07T08:00:00Z" in res.out
    assert "price: 199.00 CNY → 249.00 CNY" in res.out and "anomaly appeared: fictitious_original_price" in res.out
    assert ("the last capture that differs: the 4 captures from 2026-11-03T08:00:00Z"
            f" ({ids['v2'][:12]}) on show the same listing") in res.err
    (d,) = run_cli("diff", URL, "--json", store=store_dir).json_lines()
    assert d["chosen"] == "last_different" and d["same"] == 4 and d["first_same"] == ids["v2"]
    assert (d["old"]["id"], d["new"]["id"]) == (ids["v1 again"], ids["v2 last"])
    last_two = run_cli("diff", URL, "--last-two", "--json", store=store_dir)
    (d2,) = last_two.json_lines()
    assert d2["chosen"] == "last_two" and (d2["old"]["id"], d2["new"]["id"]) == (ids["v2 stock"], ids["v2 last"])
    assert not d2["listing_changed"] and "(--last-two)" in last_two.err
    plain = run_cli("diff", ids["v1"][:10], ids["v2"][:10], "--json", store=store_dir).json_lines()[0]
    assert "chosen" not in plain and plain["listing_changed"]
    assert_one_line_error(run_cli("diff", ids["v1"][:10], ids["v2"][:10], "--last-two", store=store_dir))


def test_diff_url_of_a_listing_that_never_changed_says_so(committed) -> None:
    store_dir, ids = committed
    res = run_cli("diff", OTHER, store=store_dir)
    assert res.code == 0, res.err
    assert res.out.strip() == (f"no change since 2026-11-01T09:00:00Z ({ids['other 1'][:12]}):"
                               " all 3 captures that showed the listing show the same one")
    (d,) = run_cli("diff", OTHER, "--json", store=store_dir).json_lines()
    assert d["chosen"] == "none" and d["changed"] is False and d["captures"] == 3
    assert (d["old"]["id"], d["new"]["id"]) == (ids["other 1"], ids["other 3"])
    assert_one_line_error(run_cli("diff", "https://shop.example/item/99", store=store_dir))


async def _browse(base: str) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    from agent.capture.browser import launch

    seen: dict[str, Any] = {}
    async with async_playwright() as pw:
        browser = await launch(pw, None)
        try:
            tab = await (await browser.new_context(locale="zh-CN")).new_page()
            await tab.goto(base + "/")
            for name, url in (("changed", URL), ("same", OTHER)):
                item = tab.locator(f"li.target[data-url='{url}'] .last-change")
                seen[name] = {"text": await item.inner_text(),
                              "phrases": await item.locator("ul.changes li").all_inner_texts(),
                              "titles": await item.locator("ul.changes li").evaluate_all(
                                  "els => els.map(e => e.title)"),
                              "diff": await item.locator("a").count()}
            if seen["changed"]["diff"]:
                await tab.locator(f"li.target[data-url='{URL}'] .last-change a").click()
                await tab.wait_for_load_state()
                seen["diff_url"] = tab.url
            await tab.goto(f"{base}/target?url={URL}&lang=en")
            rows = tab.locator("table.timeline tbody tr")
            seen["rows"] = [await rows.nth(i).locator("ul.changes li").all_inner_texts()
                            for i in range(await rows.count())]
            seen["changed_rows"] = await tab.locator("table.timeline tr.changed").count()
        finally:
            await browser.close()
    return seen


@pytest.mark.browser
def test_viewer_front_page_and_timeline_say_what_changed(committed) -> None:
    store_dir, ids = committed
    with viewer_running(store_dir) as (url, _proc, _line):
        seen = run_async(_browse(url))
    changed = seen["changed"]
    assert "最近一次变化" in changed["text"] and "2026-11-03T08:00:00Z" in changed["text"]
    assert changed["phrases"] == [PRICE["zh"], AVAILABILITY["zh"], PROMISE_REMOVED["zh"], "另有 3 项变化"]
    assert changed["titles"][:3] == [PRICE["en"], AVAILABILITY["en"], PROMISE_REMOVED["en"]]
    assert seen["diff_url"].endswith(f"/diff/{ids['v1 again']}/{ids['v2']}")
    assert seen["same"]["text"].strip() == "抓取以来没有变化" and seen["same"]["phrases"] == []
    rows = seen["rows"]  # newest first, in English
    assert rows[4][:4] == [PRICE["en"], AVAILABILITY["en"], PROMISE_REMOVED["en"], CLAIM_ADDED["en"]]
    assert rows[4][5].startswith("title 无线降噪蓝牙耳机 → ") and rows[2] == [STOCK["en"]]
    assert rows[0] == [] and rows[6] == [] and seen["changed_rows"] == 1


@pytest.mark.browser
def test_a_real_capture_sequence_through_the_versioned_listing(fresh_shop: DemoShop, tmp_path: Path) -> None:
    store = tmp_path / "s"
    url = fresh_shop.url + "/item/1001"
    ids = []
    for version in (1, 1, 2, 2):
        with urllib.request.urlopen(f"{fresh_shop.url}/_admin/version?item=1001&version={version}") as resp:
            assert resp.status == 200
        done = run_cli("capture", url, "--json", store=store)
        assert done.code == 0, done.err
        ids.append(done.json_lines()[0]["id"])
    res = run_cli("diff", url, "--json", store=store)
    assert res.code == 0, res.err
    (d,) = res.json_lines()
    assert d["chosen"] == "last_different" and d["same"] == 2
    assert (d["old"]["id"], d["new"]["id"]) == (ids[1], ids[3])
    assert {"field": "price", "old": "199.00 CNY", "new": "249.00 CNY"} in d["fields"]
    hist = run_cli("history", url, "--json", store=store).json_lines()
    assert [h["id"] for h in hist] == ids
    assert hist[1]["changes_text"] == [] and hist[3]["changes_text"] == []
    said = hist[2]["changes_text"]
    assert PRICE in said and {"zh": "删除承诺：假一赔十", "en": "promise removed: 假一赔十"} in said
    assert {"zh": "承诺改写：48小时发货 → 72小时发货", "en": "promise reworded: 48小时发货 → 72小时发货"} in said
