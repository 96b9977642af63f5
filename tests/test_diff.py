"""storage.diff: pure, on the demo listing's two versions as the extractor reads them."""
from __future__ import annotations

from agent.demoshop import item_pages
from extractors import extract_listing
from storage.diff import diff_records, summary_lines, text_diff


def rec(version: int) -> dict:
    html = item_pages.item_1001(version).encode("utf-8")
    return extract_listing(html, "http://shop/item/1001", content_type="text/html; charset=utf-8")


def test_the_changed_listing_names_each_change() -> None:
    d = diff_records(rec(1), rec(2), "价格 199\n假一赔十\n", "价格 249\n")
    assert {"field": "price", "old": "199.00 CNY", "new": "249.00 CNY"} in d["fields"]
    assert [p["code"] for p in d["promises"]["removed"]] == ["counterfeit_compensation"]
    (rw,) = d["promises"]["reworded"]
    assert rw["old"]["params"] == {"hours": 48} and rw["new"]["params"] == {"hours": 72}
    assert d["claims"]["added"] and not d["claims"]["removed"]
    assert d["listing_changed"] and d["text_changed"]
    lines = summary_lines(d)
    assert "price: 199.00 CNY → 249.00 CNY" in lines
    assert "promise reworded: ship_within: 48小时发货 → 72小时发货" in lines
    assert "promise removed: counterfeit_compensation: 假一赔十" in lines


def test_the_same_listing_has_no_changes() -> None:
    d = diff_records(rec(1), rec(1), "a\nb", "a\nb")
    assert not d["changed"] and d["fields"] == [] and d["text"] == []


def test_promises_are_a_multiset_and_claims_can_be_reworded() -> None:
    p = {"code": "free_shipping", "text": "包邮", "params": {}}
    old = {"promises": [p, p], "claims": [{"text": "全网销量第一的耳机", "flags": ["absolute:第一"]}]}
    new = {"promises": [p], "claims": [{"text": "全网销量第一的好耳机", "flags": ["absolute:第一"]}]}
    d = diff_records(old, new)
    assert d["promises"]["removed"] == [p] and d["promises"]["added"] == []
    assert len(d["claims"]["reworded"]) == 1 and not d["claims"]["added"]


def test_text_diff_is_bounded() -> None:
    lines, cut = text_diff("\n".join(map(str, range(5000))), "\n".join(map(str, range(1, 5001, 2))),
                           max_lines=50)
    assert cut and len(lines) == 50
