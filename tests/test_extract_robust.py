"""Broken inputs: a record with warnings, or a one-line ExtractError; never a crash."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors import ExtractError, extract_chat, extract_listing

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


# -- issue 10: the extractors never raise on any HTML ------------------------------------

CHAT_ROW = ('<div class="msg msg-seller"><span class="name">客服小美</span><time>今天 14:0{n}</time>'
            '<div class="bubble">{text}</div></div>')


def _chat_page(*texts: str) -> str:
    rows = "".join(CHAT_ROW.format(n=n, text=t) for n, t in enumerate(texts))
    return f'<html><body><div class="chat-list">{rows}</div></body></html>'


@pytest.mark.parametrize("markup,amount,currency", [
    ("<span class='price'>$<!-- -->12.99</span>", "12.99", "USD"),
    ("<span class='price'>¥1<!---->99</span>", "199.00", "CNY"),
    ("<span class='price'>$1<?php echo 1 ?>2.99</span>", "12.99", "USD"),
    ("<div><!-- c --><b class='price'>$12.99</b><!-- d --></div>", "12.99", "USD"),
    ("<div><span>价格</span><!--x--><span>¥5</span></div>", "5.00", "CNY"),
    ("<div><!-- c -->$12.99 today</div>", "12.99", "USD"),
])
def test_comments_inside_and_beside_prices(markup: str, amount: str, currency: str) -> None:
    """React/Vue server rendering leaves empty comments inside text: ``$<!-- -->12.99``."""
    record = extract_listing(f"<html><body><h1>Cotton shirt</h1>{markup}</body></html>")
    assert record["price"] == {"amount": amount, "currency": currency}
    assert not [w for w in record["warnings"] if "failed" in w]


def test_comment_text_never_leaks_into_values() -> None:
    record = extract_listing("<h1>Cotton<!-- hidden --> shirt</h1>"
                             "<span class='price'><!-- ¥999 -->¥5</span>")
    assert record["title"] == "Cotton shirt"
    assert record["price"]["amount"] == "5.00"
    assert all(c["amount"] != "999.00" for c in record["price_candidates"])
    chat = extract_chat(_chat_page("保证正品<!-- 内部备注 -->，明天发货", "好的<!---->谢谢", "在的"))
    assert [m["text"] for m in chat["messages"]] == ["保证正品，明天发货", "好的谢谢", "在的"]


def test_ten_thousand_deep_nesting() -> None:
    html = ("<html><body><h1>深层嵌套的商品</h1>" + "<div>" * 10_000 +
            "<span class='price'>¥8.80</span>" + "</div>" * 10_000 +
            "<p>7天无理由退货</p></body></html>")
    record = extract_listing(html.encode())
    assert record["price"] == {"amount": "8.80", "currency": "CNY"}
    # the page goes on after the deep part: libxml2 alone would have stopped reading there
    assert [p["code"] for p in record["promises"]] == ["return_no_reason"]
    assert any("nested deeper" in w for w in record["warnings"])
    assert extract_chat(html)["messages"] == []


def test_twenty_megabyte_page() -> None:
    """A 20 MB page: an 11 MB script state (over libxml2's 10 MB text limit), 9 MB of rows,
    and what follows them is still read."""
    state = '{"items": [' + ",".join(['{"n": "详情", "v": 12345}'] * 450_000) + "]}"
    rows = "<div class='row'><p>详情描述文字，面料舒适。</p><span>¥7</span></div>\n" * 110_000
    html = ("<html><head><title>大页面</title></head><body><h1>大页面商品</h1>"
            "<span class='price'>券后价 ¥99.00</span><script>window.__STATE__ = " + state +
            ";</script>" + rows + "<p>假一赔十</p></body></html>").encode()
    assert len(html) > 20_000_000
    start = time.perf_counter()
    record = extract_listing(html, "https://shop.example.cn/p/20mb")
    assert record["title"] == "大页面商品"
    assert record["price"] == {"amount": "99.00", "currency": "CNY"}
    assert "counterfeit_compensation" in {p["code"] for p in record["promises"]}
    assert time.perf_counter() - start < 300  # finishes; not a performance assertion


@pytest.mark.parametrize("data", [
    b"<html><body><h1>Title\x00here</h1><span class='price'>\xc2\xa55</span></body></html>",
    "<html><body><h1>Title\x00here</h1><span class='price'>¥5</span></body></html>",
    "<h1>lone \ud800 surrogate</h1><span class='price'>¥5</span><p>after</p>",
])
def test_nul_bytes_and_surrogates_are_dropped_not_fatal(data: bytes | str) -> None:
    record = extract_listing(data)
    assert record["price"] == {"amount": "5.00", "currency": "CNY"}
    assert "\x00" not in (record["title"] or "")
    extract_chat(data)


@pytest.mark.parametrize("declared", ["gbk", "gb2312", "shift_jis", "windows-1252"])
def test_declared_charset_that_lies_about_utf8(declared: str) -> None:
    html = f"<meta charset='{declared}'><h1>纯棉T恤 男款</h1><span class='price'>￥59.00</span>"
    record = extract_listing(html.encode("utf-8"))
    assert record["title"] == "纯棉T恤 男款" and record["encoding"] == "utf-8"
    assert any("they are UTF-8" in w for w in record["warnings"])


@pytest.mark.parametrize("charset", ["x-foo", "rot13", "base64", "hex", "idna", "punycode",
                                     "undefined", "uu", "zlib", "utf-7", "unicode-escape",
                                     "utf-8\\u0000"])
def test_unknown_or_non_text_charset_names(charset: str) -> None:
    html = f"<meta charset={charset}><h1>Cotton shirt</h1><span class='price'>$5</span>\xff"
    for content_type in (None, f"text/html; charset={charset}"):
        record = extract_listing(html.encode("latin-1"), content_type=content_type)
        assert record["title"] == "Cotton shirt"
        assert record["price"] == {"amount": "5.00", "currency": "USD"}
        chat = extract_chat(html.encode("latin-1"), content_type=content_type)
        assert chat["kind"] == "chat"


def test_utf16_without_bom_is_text() -> None:
    record = extract_listing("<h1>Cotton shirt</h1><span class='price'>$5</span>"
                             .encode("utf-16-le"))
    assert record["title"] == "Cotton shirt"


@pytest.mark.parametrize("data", [b"<!-- only a comment -->", b"<!DOCTYPE html>",
                                  b"<?xml version='1.0'?>", b"<html></html>", "<p></p>",
                                  b'{"price": 12, "name": "json"}',
                                  b"<?xml version='1.0'?><rss xmlns:g='urn:g'><g:price>1</g:price>"
                                  b"</rss>"])
def test_near_empty_and_non_html_documents_give_records(data: bytes | str) -> None:
    record = extract_listing(data)
    assert record["schema"] == "jianyipai.listing/1"
    assert not [w for w in record["warnings"] if "failed" in w]
    chat = extract_chat(data)
    assert chat["messages"] == [] and not [w for w in chat["warnings"] if "failed" in w]


@pytest.mark.parametrize("ld", [
    "[1, \"a\", null, {\"@type\": [\"Product\", 5], \"name\": 5, \"offers\": "
    "{\"price\": 1e400, \"priceCurrency\": 7}}]",
    "{\"@type\": \"Product\", \"name\": NaN, \"offers\": {\"price\": NaN, \"lowPrice\": Infinity,"
    " \"highPrice\": -Infinity}, \"aggregateRating\": {\"ratingValue\": NaN, \"reviewCount\": "
    "1e999}}",
    "{\"@graph\": [{\"@graph\": [{\"@type\": \"Product\", \"name\": {\"@value\": [[\"x\"]]}, "
    "\"offers\": [{\"price\": {\"a\": [1]}}, [1, 2], \"x\"], \"image\": [{\"url\": 5}, 3]}]}]}",
    "{\"@type\": \"Product\", \"name\": \"x\", \"offers\": {\"price\": 1" + "0" * 5000 + "}}",
    "[" * 5000 + "]" * 5000,
])
def test_weird_json_ld(ld: str) -> None:
    html = (f"<script type='application/ld+json'>{ld}</script>"
            "<script type='application/ld+json'>{\"@type\": \"Product\", \"name\": \"Good\", "
            "\"offers\": {\"price\": \"12.50\", \"priceCurrency\": \"EUR\"}}</script>")
    record = extract_listing(html)
    # one broken script does not hide the next (a number where a name is expected is a name)
    assert record["title"] in ("Good", "5")
    assert {"strategy": "json-ld", "role": "price", "amount": "12.50", "currency": "EUR",
            "label": None} in record["price_candidates"]
    assert not [w for w in record["warnings"] if "failed" in w]
    json.dumps(record, allow_nan=False)


@pytest.mark.parametrize("state", ["[" * 10_000 + "]" * 10_000, "{a:" * 5000 + "1" + "}" * 5000,
                                   '{"title": "x", "price": NaN, "stock": 1e999}',
                                   "a={b:'" * 20_000])
def test_weird_script_state(state: str) -> None:
    record = extract_listing(f"<h1>Cotton shirt</h1><script>window.__INITIAL_STATE__ = {state};"
                             "</script><span class='price'>$5</span>")
    assert record["price"] == {"amount": "5.00", "currency": "USD"}
    json.dumps(record, allow_nan=False)


@pytest.mark.parametrize("text", ["1" * 40_000, "一" * 40_000, " " * 40_000, "7天" * 20_000,
                                  "1 " * 20_000, "¥1" * 20_000, "最" * 40_000, "1分" * 20_000])
def test_long_runs_take_linear_time(text: str) -> None:
    """Regexes that retry at every position of a long digit (or blank) run take quadratic
    time: 40,000 characters would take minutes."""
    from extractors import find_claims, find_promises
    from extractors.chattime import LOOKS_LIKE_TIME, resolve
    from extractors.commitments import find_commitments
    from extractors.money import find_prices

    now = datetime(2027, 11, 27, 15, 0, tzinfo=UTC)
    start = time.perf_counter()
    find_promises(text)
    find_claims(text)
    find_commitments(text)
    find_prices(text, "CNY")
    resolve(text, now)
    LOOKS_LIKE_TIME.search(text)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("url", ["http://[::1", "http://[broken/x", "not a url", ""])
def test_malformed_urls(url: str) -> None:
    record = extract_listing("<h1>Cotton shirt</h1><img src='/a.png'><span class='price'>$5</span>",
                             url)
    assert record["title"] == "Cotton shirt"
    extract_chat(_chat_page("在的", "好的", "谢谢"), url)


@pytest.mark.parametrize("captured_at,timezone", [
    ("0001-01-01T00:00:00Z", "Asia/Shanghai"), ("9999-12-31T23:59:59Z", "Asia/Shanghai"),
    ("0001-01-01T00:00:00Z", "Etc/GMT+12"), ("2027-11-27T07:00:00Z", "America"),
    ("2027-11-27T07:00:00Z", "x" * 300),
])
def test_chat_times_at_the_ends_of_the_calendar(captured_at: str, timezone: str) -> None:
    html = _chat_page("昨天发货", "99999999999天前", "刚刚").replace("今天 14:00", "昨天 00:01")
    record = extract_chat(html, captured_at=captured_at, timezone=timezone)
    assert len(record["messages"]) == 3
    json.dumps(record)


def test_a_failing_strategy_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard: one strategy's bug names it in ``warnings``; the others' fields stay."""
    from extractors import generic

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("injected")

    monkeypatch.setattr(generic, "price_candidates", boom)
    monkeypatch.setattr(generic, "specs_of", boom)
    html = ("<script type='application/ld+json'>{\"@type\": \"Product\", \"name\": \"Good\", "
            "\"offers\": {\"price\": \"12.50\", \"priceCurrency\": \"EUR\"}}</script>"
            "<h1>Good</h1><p>7天无理由退货</p>")
    record = extract_listing(html)
    assert any(w.startswith("generic prices failed (RuntimeError: injected)")
               for w in record["warnings"])
    assert any(w.startswith("specs failed") for w in record["warnings"])
    assert record["price"] == {"amount": "12.50", "currency": "EUR"}
    assert record["title"] == "Good" and record["promises"]


def test_a_failing_chat_row_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractors import chat

    real = chat._Reader._row

    def flaky(self: object, row: object) -> object:
        if "坏" in row.get_text():  # type: ignore[attr-defined]
            raise ValueError("injected")
        return real(self, row)  # type: ignore[arg-type]

    monkeypatch.setattr(chat._Reader, "_row", flaky)
    record = extract_chat(_chat_page("好的", "坏消息", "谢谢"))
    assert [m["text"] for m in record["messages"]] == ["好的", "谢谢"]
    assert any("1 chat row(s) could not be read" in w for w in record["warnings"])


def test_offline_extract_file_turns_any_error_into_that_files_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`jianyipai extract a b c`: whatever escapes for one file is its one-line error."""
    import agent.offline as offline

    good, bad = tmp_path / "good.html", tmp_path / "bad.html"
    good.write_text("<h1>Cotton shirt</h1><span class='price'>$5</span>", encoding="utf-8")
    bad.write_text("<h1>boom</h1>", encoding="utf-8")
    real = offline.extract_listing

    def flaky(data: bytes, url: str | None = None, **kwargs: object) -> dict[str, object]:
        if b"boom" in data:
            raise RuntimeError("injected\nsecond line")
        return real(data, url)

    monkeypatch.setattr(offline, "extract_listing", flaky)
    record, error = offline.extract_file(bad, None)
    assert record is None and error == "extraction failed (RuntimeError: injected second line)"
    record, error = offline.extract_file(good, None)
    assert error is None and record is not None and record["title"] == "Cotton shirt"
