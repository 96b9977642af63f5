"""The seller-promise taxonomy: Chinese numerals, English wordings, negations, dedupe."""

from __future__ import annotations

import pytest

from extractors import find_promises


def codes(text: str) -> list[tuple[str, dict]]:
    return [(p["code"], p["params"]) for p in find_promises(text)]


@pytest.mark.parametrize("text,code,params", [
    ("7天无理由退货", "return_no_reason", {"days": 7}),
    ("七天无理由", "return_no_reason", {"days": 7}),
    ("支持15天无理由退换货", "return_no_reason", {"days": 15}),
    ("十五天无理由退货", "return_no_reason", {"days": 15}),
    ("30-day returns", "return_no_reason", {"days": 30}),
    ("30-day return policy", "return_no_reason", {"days": 30}),
    ("Free returns", "return_no_reason", {}),
    ("退货运费险", "shipping_insurance", {}),
    ("赠送运费险", "shipping_insurance", {}),
    ("极速退款", "fast_refund", {}),
    ("正品保证", "genuine_guarantee", {}),
    ("正品保障", "genuine_guarantee", {}),
    ("100% authentic", "genuine_guarantee", {}),
    ("假一赔十", "counterfeit_compensation", {"multiple": 10}),
    ("假一赔三", "counterfeit_compensation", {"multiple": 3}),
    ("假一罚十", "counterfeit_compensation", {"multiple": 10}),
    ("价保30天", "price_protection", {"days": 30}),
    ("保价", "price_protection", {}),
    ("全国包邮", "free_shipping", {}),
    ("free shipping", "free_shipping", {}),
    ("48小时发货", "ship_within", {"hours": 48}),
    ("24小时内发货", "ship_within", {"hours": 24}),
    ("二十四小时内发货", "ship_within", {"hours": 24}),
    ("当日发货", "ship_within", {"hours": 24, "same_day": True}),
    ("3天内发货", "ship_within", {"hours": 72}),
    ("Ships within 24 hours", "ship_within", {"hours": 24}),
    ("次日达", "delivery_promise", {"days": 1}),
    ("当日达", "delivery_promise", {"days": 0}),
    ("next-day delivery", "delivery_promise", {"days": 1}),
    ("保修一年", "warranty", {"months": 12}),
    ("质保2年", "warranty", {"months": 24}),
    ("两年质保", "warranty", {"months": 24}),
    ("质保6个月", "warranty", {"months": 6}),
    ("2-year warranty", "warranty", {"months": 24}),
    ("官方授权", "official_authorization", {}),
    ("提供发票", "invoice", {}),
    ("可开发票", "invoice", {}),
])
def test_taxonomy(text: str, code: str, params: dict) -> None:
    found = find_promises(text)
    assert (code, params) in [(p["code"], p["params"]) for p in found], found
    hit = next(p for p in found if p["code"] == code)
    assert hit["text"] in text  # verbatim wording
    assert hit["source"] == "page"


@pytest.mark.parametrize("text", [
    "不支持7天无理由退货", "该商品不支持无理由退货", "偏远地区不包邮", "no free returns",
    "Not eligible for free shipping", "七天", "48小时", "价格 ¥199", "无运费险",
])
def test_negations_and_non_promises(text: str) -> None:
    assert codes(text) == []


def test_dedupe_and_longest_overlap() -> None:
    found = find_promises("退货运费险 退货运费险 运费险")
    assert [(p["code"], p["text"]) for p in found] == [
        ("shipping_insurance", "退货运费险"), ("shipping_insurance", "运费险")]


def test_source_is_passed_through() -> None:
    assert find_promises("假一赔十", source="chat")[0]["source"] == "chat"


def test_mixed_sentence_keeps_order() -> None:
    assert [c for c, _ in codes("支持7天无理由退货，假一赔十，48小时发货，运费险")] == [
        "return_no_reason", "counterfeit_compensation", "ship_within", "shipping_insurance"]
