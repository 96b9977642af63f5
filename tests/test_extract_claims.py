"""Advertising-claim candidates: absolute and efficacy terms, and their false positives."""

from __future__ import annotations

import pytest

from extractors import find_claims
from extractors.claims import flags_of


@pytest.mark.parametrize("text,flag", [
    ("全网最低价", "absolute:全网最低"),
    ("最佳选择", "absolute:最佳"),
    ("最新款", "absolute:最"),
    ("销量第一", "absolute:第一"),
    ("国家级实验室", "absolute:国家级"),
    ("顶级工艺", "absolute:顶级"),
    ("极品好茶", "absolute:极品"),
    ("100%有效", "absolute:100%"),
    ("永久不褪色", "absolute:永久"),
    ("万能清洁剂", "absolute:万能"),
    ("首个获得认证", "absolute:首个"),
    ("唯一指定", "absolute:唯一"),
    ("美白淡斑", "efficacy:美白"),
    ("祛斑霜", "efficacy:祛斑"),
    ("根治脚气", "efficacy:根治"),
    ("祛痘精华", "efficacy:祛痘"),
    ("快速减肥", "efficacy:减肥"),
    ("Best in the world for runners", "absolute:best in the world"),
    ("#1 Best Seller", "absolute:#1"),
    ("100% effective against mosquitoes", "efficacy:100% effective"),
])
def test_flags(text: str, flag: str) -> None:
    assert flag in flags_of(text)


@pytest.mark.parametrize("text", [
    "最近上新", "最终解释权归本店所有", "第一次购买", "第一代产品", "100%棉", "100%纯棉面料",
    "面料：100% cotton", "100%羊毛", "最后一天", "Size 1 of 3",
])
def test_false_positives_are_not_flagged(text: str) -> None:
    assert flags_of(text) == []


def test_claims_are_candidates_with_where() -> None:
    claims = find_claims("这是最好的面霜。温和配方。美白祛斑！", "description")
    assert [c["text"] for c in claims] == ["这是最好的面霜。", "美白祛斑！"]
    assert all(c["candidate"] is True and c["where"] == "description" for c in claims)
    assert claims[1]["flags"] == ["efficacy:美白", "efficacy:祛斑"]


def test_longest_term_wins_at_a_position() -> None:
    assert flags_of("全网最低") == ["absolute:全网最低"]


def test_record_says_claims_are_candidates() -> None:
    from extractors import extract_listing
    record = extract_listing("<h1>顶级面霜</h1><p>美白</p>")
    assert record["claims"] and "candidates" in record["claims_note"]
    assert {c["where"] for c in record["claims"]} == {"title", "body"}
