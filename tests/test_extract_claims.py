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


def _every_line(text: str) -> list[tuple[str, set[str]]]:
    """Every line, as if each held every trigger: what a full scan reads."""
    from extractors import claims as claims_mod
    return [(line, set(claims_mod._triggers())) for line in text.split("\n")]


def test_triggers_lose_nothing_against_a_full_scan(monkeypatch) -> None:
    """Only lines holding a term's trigger are read: on every corpus page and on odd
    spellings (any case, thin and ideographic spaces), reading every line finds the same."""
    from pathlib import Path

    from extractors import claims as claims_mod
    from extractors.decode import decode_html
    from extractors.html import parse_page, visible_lines

    pages = sorted((Path(__file__).parent / "corpus").rglob("*.html"))
    texts = ["\n".join(visible_lines(parse_page(decode_html(p.read_bytes()).text)[0]))
             for p in pages]
    texts += ["NO.\u20091 in sales", "no\t1 choice", "TOP 1", "Top\u30001 品牌", "the\u00a0best",
              "World's Best", "Weight Loss tea", "LOSE WEIGHT", "Anti-Ageing cream", "#1 pick",
              "100 % 有效", "全网最低价 ſ", "İ the best", "number\u2002one"]
    fast = [find_claims(t, "body", limit=200) for t in texts]
    monkeypatch.setattr(claims_mod, "_lines_with_triggers", _every_line)
    assert [find_claims(t, "body", limit=200) for t in texts] == fast
    assert any(c["flags"] == ["absolute:NO.1"] for c in fast[-14])


def test_a_regex_term_without_triggers_is_refused(monkeypatch) -> None:
    from extractors import claims as claims_mod
    monkeypatch.setattr(claims_mod, "load_toml", lambda name: {"term": [
        {"re": r"\bbest\b", "kind": "absolute", "flag": "best"}]})
    claims_mod.terms.cache_clear()
    try:
        with pytest.raises(ValueError, match="trigger"):
            claims_mod.terms()
    finally:
        claims_mod.terms.cache_clear()
