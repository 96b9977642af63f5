"""Broken inputs: a record with warnings, or a one-line ExtractError; never a crash."""

from __future__ import annotations

import time

import pytest

from extractors import ExtractError, extract_listing

PAGE = "<html><head><meta charset='{cs}'><title>t</title></head><body>" \
       "<h1>纯棉T恤 男款</h1><span class='price'>￥59.00</span><p>7天无理由退货 假一赔十</p>" \
       "</body></html>"


@pytest.mark.parametrize("data", [b"", b"   \n\t ", ""])
def test_empty_input_is_an_error(data: bytes | str) -> None:
    with pytest.raises(ExtractError, match="empty"):
        extract_listing(data)


@pytest.mark.parametrize("data,what", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, "PNG"),
    (b"%PDF-1.7\n" + bytes(200), "PDF"),
    (bytes(range(256)) * 40, "binary"),
    (b"\x1f\x8b\x08\x00" + bytes(100), "gzip"),
])
def test_binary_input_is_an_error(data: bytes, what: str) -> None:
    with pytest.raises(ExtractError, match=what) as info:
        extract_listing(data)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("html", [
    "<html><body><h1>半截页面<div><span class=price>￥12<p>未闭合",
    "<<<>>> <h1>>标题</h1 <span ¥ 5",
    "<html><body>" + "<div>" * 3000 + "深层嵌套 ￥8.80" + "</div>" * 10 + "</body></html>",
    "<?xml version='1.0' encoding='utf-8'?><html><body><h1>xml decl</h1>¥1</body></html>",
    "<script>window.__INITIAL_STATE__ = {\"a\": [1, 2, {\"price\": </script><h1>断开的JSON</h1>",
    "<script type='application/ld+json'>{\"@type\": \"Product\", \"name\": \"x\",,,}</script>"
    "<h1>y</h1>",
    "just some text, no markup at all ¥20",
])
def test_malformed_html_gives_a_record(html: str) -> None:
    record = extract_listing(html, "https://shop.example.cn/p/1")
    assert record["schema"] == "jianyipai.listing/1"
    assert isinstance(record["warnings"], list)


def test_plain_text_warns() -> None:
    record = extract_listing("no markup here ¥20")
    assert any("no HTML markup" in w for w in record["warnings"])


def test_huge_page_finishes() -> None:
    filler = "<div class='row'><p>详情描述文字，面料舒适，版型宽松。</p><span>¥%d</span></div>\n"
    body = "".join(filler % (i % 500) for i in range(40000))
    html = ("<html><body><h1>大页面商品</h1><span class='price'>券后价 ¥99.00</span>"
            + body + "</body></html>")
    assert len(html.encode()) > 3_000_000
    start = time.perf_counter()
    record = extract_listing(html.encode(), "https://shop.example.cn/p/2")
    assert record["title"] == "大页面商品"
    assert record["price"] == {"amount": "99.00", "currency": "CNY"}
    assert time.perf_counter() - start < 600  # must finish; not a performance assertion


@pytest.mark.parametrize("declared,codec", [("gbk", "gbk"), ("gb2312", "gbk"),
                                            ("GB18030", "gb18030")])
def test_chinese_encodings(declared: str, codec: str) -> None:
    record = extract_listing(PAGE.format(cs=declared).encode(codec))
    assert record["encoding"] == "gb18030"
    assert record["title"] == "纯棉T恤 男款"
    assert record["price"] == {"amount": "59.00", "currency": "CNY"}
    assert {p["code"] for p in record["promises"]} == {"return_no_reason",
                                                        "counterfeit_compensation"}


def test_undeclared_gbk_is_detected() -> None:
    record = extract_listing(PAGE.replace("<meta charset='{cs}'>", "").encode("gbk"))
    assert record["encoding"] == "gb18030" and record["title"] == "纯棉T恤 男款"


def test_http_charset_wins_over_nothing() -> None:
    html = PAGE.replace("<meta charset='{cs}'>", "").encode("gb18030")
    record = extract_listing(html, content_type="text/html; charset=GBK")
    assert record["encoding"] == "gb18030" and record["title"] == "纯棉T恤 男款"


def test_wrong_declared_charset_is_corrected_with_a_warning() -> None:
    record = extract_listing(PAGE.format(cs="utf-8").encode("gbk"))
    assert record["title"] == "纯棉T恤 男款"
    assert any("does not fit" in w for w in record["warnings"])


def test_mojibake_is_repaired_or_flagged() -> None:
    broken = PAGE.format(cs="utf-8").encode("utf-8").decode("cp1252", errors="replace")
    record = extract_listing(broken)
    assert any("mojibake" in w for w in record["warnings"])


def test_mojibake_round_trip_repair() -> None:
    text = "<h1>纯棉T恤</h1><p>七天无理由退货 ￥59</p>"
    broken = text.encode("utf-8").decode("latin-1")
    record = extract_listing(broken)
    assert record["title"] == "纯棉T恤"
    assert any("repaired" in w for w in record["warnings"])


def test_str_input_and_utf8_bom() -> None:
    record = extract_listing(b"\xef\xbb\xbf" + PAGE.format(cs="utf-8").encode())
    assert record["encoding"] == "utf-8" and record["title"] == "纯棉T恤 男款"


def test_yen_sign_is_cny_on_chinese_shop_and_jpy_on_jp() -> None:
    html = "<h1>商品</h1><span class='price'>¥1,280</span>"
    assert extract_listing(html, "https://item.taobao.com/item.htm?id=1")["price"]["currency"] \
        == "CNY"
    assert extract_listing(html, "https://shop.example.jp/a")["price"]["currency"] == "JPY"
    assert extract_listing("<html lang='ja'>" + html)["price"]["currency"] == "JPY"
