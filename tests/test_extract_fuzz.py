"""Property-based fuzzing: the extractors return a record for any input, and never raise.

Strategies build HTML trees (tables, scripts, SVG, MathML, templates; classes, itemprop,
data-* attributes from the site profiles; prices in many currencies with comments, PIs
and CDATA inside the numbers; JSON-LD and script state holding random JSON with NaN and
huge numbers; meta charsets with random names; deep nesting; NUL bytes), and plain byte
soup. ``ExtractError`` is allowed only where documented: empty or binary input. A warning
saying a strategy *failed* is an internal bug the guard caught, and fails the test too.

``bench/bench_fuzz.py`` runs the same strategies for 10,000 cases.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import SCHEMA, ExtractError, extract_chat, extract_listing

# bs4 warning that it reads XML as HTML (or markup as a file name) means a page reached it
# in a form the extractors meant to normalise first
pytestmark = [pytest.mark.filterwarnings("error::bs4.XMLParsedAsHTMLWarning"),
              pytest.mark.filterwarnings("error::bs4.MarkupResemblesLocatorWarning")]

CURRENCY_BEFORE = ["¥", "￥", "$", "€", "£", "US$", "HK$", "CNY", "RMB", "JP¥", "", "¥ "]
CURRENCY_AFTER = ["元", "圆", "円", "€", "USD", "EUR", " 元", "万", "万元", ""]
PHRASES = [
    "有货", "无货", "售罄", "现货", "库存0", "库存 12", "预售", "已下架", "商品已下架", "In stock",
    "Out of stock", "Only 3 left", "Add to cart", "立即购买", "7天无理由退货", "七天无理由退换",
    "假一赔十", "正品保证", "包邮", "运费 ¥0", "运费险", "48小时发货", "Free returns",
    "30-day return policy", "券后价", "到手价", "原价", "划线价", "促销价", "List Price:",
    "Was", "Now", "价格", "全网最低", "国家级", "最好的", "100%有效", "the best", "销量第一",
    "今天 14:02", "昨天 09:15", "11-26 09:15", "2027年11月20日 20:15", "刚刚", "3分钟前",
    "99999999999天前", "星期三 10:00", "下午 3:05", "12:60", "02-30 10:00", "1700000000",
    "撤回了一条消息", "【自动回复】", "客服小美", "我", "明天给您发货", "我帮您申请退款",
    "店铺：优品旗舰店", "进店逛逛", "Sold by", "Visit the Store", "为你推荐", "猜你喜欢",
    "满199减20", "省¥30", "优惠券", "¥", "$", "万", "元",
]
TAGS = [
    "div", "span", "p", "a", "b", "i", "em", "strong", "ul", "ol", "li", "table", "thead",
    "tbody", "tr", "td", "th", "dl", "dt", "dd", "h1", "h2", "h3", "del", "s", "strike",
    "script", "style", "template", "svg", "math", "noscript", "iframe", "select", "option",
    "time", "img", "br", "hr", "meta", "title", "head", "body", "html", "section", "button",
    "label", "form", "input", "textarea", "pre", "sup", "font", "x-foo", "my-el", "mi",
    "path", "g", "foreignObject", "object", "frameset", "plaintext", "xmp", "nobr",
]
CLASSES = [
    "price", "tm-price", "tm-promo-price", "p-price", "goods-price", "priceText",
    "Price--priceText", "Price--originPrice", "a-price", "a-offscreen", "a-text-price",
    "line-price", "old-price", "del", "line-through", "origin", "price-now", "price-was",
    "goods-title", "product-title", "sku-name", "tb-main-title", "item-title", "seller",
    "shop-name", "shopName", "merchant", "mall-name", "store", "recommend", "related",
    "similar", "cart-", "coupon", "param", "spec", "attr", "stock", "sold-out", "tb-off-sale",
    "chat-list", "chat-item", "msg", "msg-item", "msg-seller", "msg-buyer", "msg-system",
    "msg-withdrawn", "msg-time", "msg-name", "msg-text", "bubble", "content", "time", "name",
    "nick", "avatar", "left", "right", "self", "other", "ww-message-item",
    "ww-message-item-self", "ww-message-content", "ww-message-time", "imui-message",
    "chat-scroll", "mt", "J_Title", "mainPrice", "x-price-primary", "itemover",
]
ATTR_NAMES = [
    "class", "id", "itemprop", "itemscope", "itemtype", "itemref", "data-role", "data-id",
    "data-from", "data-msg-id", "style", "href", "src", "content", "property", "name", "lang",
    "charset", "http-equiv", "datetime", "typeof", "vocab", "alt", "download", "type",
]
ATTR_VALUES = [
    *CLASSES, "price", "name", "offers", "priceCurrency", "availability", "sku", "brand",
    "http://schema.org/Product", "https://schema.org/Offer", "InStock", "OutOfStock",
    "seller", "buyer", "system", "bot", "left", "right", "text-decoration: line-through",
    "og:title", "og:price:amount", "product:price:amount", "product:price:currency",
    "og:site_name", "description", "application/ld+json", "application/json", "zh-CN",
    "ja", "en-GB", "#", "javascript:void(0)", "//img.example/a.png", "data:image/png;base64,",
    "http://[::1", "", "1", "1e999", "NaN", "¥12.99",
]
CHARSETS = [
    "utf-8", "UTF8", "gbk", "gb2312", "gb18030", "big5", "shift_jis", "euc-kr", "latin-1",
    "windows-1252", "utf-16", "utf-16le", "utf-32", "x-foo", "rot13", "base64", "hex", "idna",
    "punycode", "undefined", "uu", "zlib", "unicode-escape", "utf-7", "mbcs", "", "\"",
]
URLS = [
    None, "https://item.taobao.com/item.htm?id=1", "https://detail.tmall.com/item.htm?id=2",
    "https://item.jd.com/100.html", "https://chat.jd.com/index.html",
    "https://mobile.yangkeduo.com/goods.html?goods_id=3", "https://mobile.yangkeduo.com/chat",
    "https://www.amazon.co.uk/dp/B0000", "https://www.amazon.co.jp/dp/B1",
    "https://www.ebay.com/itm/1", "https://product.suning.com/1/2.html",
    "https://www.goofish.com/item?id=1", "http://127.0.0.1:8000/chat/1",
    "http://localhost/p/1", "https://shop.example.jp/a", "https://shop.example.cn/p/1",
    "https://wangwang.taobao.com/im", "http://[::1", "http://[broken/x", "not a url", "",
    "javascript:alert(1)", "file:///tmp/x.html", "https://a.example/" + "x" * 3000,
]
TIMEZONES = [None, "Asia/Shanghai", "UTC", "America/New_York", "Pacific/Kiritimati",
             "Etc/GMT+12", "America", "Nowhere/Land", "../../etc/passwd", "x" * 300, ""]
PRODUCT_KEYS = [
    "@context", "@type", "@graph", "@id", "name", "offers", "price", "priceCurrency",
    "lowPrice", "highPrice", "availability", "aggregateRating", "ratingValue", "reviewCount",
    "image", "url", "sku", "gtin13", "brand", "seller", "description", "priceSpecification",
    "priceType", "hasMerchantReturnPolicy", "merchantReturnDays", "returnPolicyCategory",
    "returnFees", "warranty", "durationOfWarranty", "value", "unitCode", "shippingDetails",
    "shippingRate", "itemListElement", "mainEntity", "hasVariant", "item", "goodsName",
    "title", "salePrice", "minGroupPrice", "originalPrice", "skuId", "shopName", "stock",
    "soldOut", "stockState", "isOnSale", "store", "goods",
]
HUGE = "__HUGE_NUMBER__"


def _no_controls(c: str) -> bool:
    return not (ord(c) < 32 and c not in "\t\n\r")


TEXT = st.text(st.characters(codec="utf-8").filter(_no_controls), max_size=24)
NUMBER = st.one_of(
    st.integers(0, 99999).map(str),
    st.tuples(st.integers(0, 9999), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]:02d}"),
    st.integers(1000, 9_999_999).map(lambda n: f"{n:,}"),
    st.integers(1000, 999_999).map(lambda n: f"{n:,}".replace(",", ".") + ",00"),
    st.sampled_from(["0", "0.00", "1e5", "9" * 40, "1.5", "1,2,3", "12.", ".5", "00012"]),
)
SPLITTERS = st.sampled_from(["<!---->", "<!-- -->", "<!--x-->", "<?php echo 1 ?>",
                             "<![CDATA[]]>", "<![CDATA[7]]>", "<b></b>", "<wbr>", "\x00"])


@st.composite
def price_text(draw: st.DrawFn) -> str:
    """``¥1,299.00``, ``99元``, ``$5 - $9``, sometimes with a comment inside the digits."""
    number = draw(NUMBER)
    if draw(st.booleans()) and len(number) > 1:
        cut = draw(st.integers(1, len(number) - 1))
        number = number[:cut] + draw(SPLITTERS) + number[cut:]
    text = draw(st.sampled_from(CURRENCY_BEFORE)) + number + draw(st.sampled_from(CURRENCY_AFTER))
    if draw(st.integers(0, 4)) == 0:
        text += draw(st.sampled_from(["-", " ~ ", "至", " to "])) + draw(NUMBER)
    return text


TEXT_NODE = st.one_of(price_text(), st.sampled_from(PHRASES), TEXT,
                      st.sampled_from(["&amp;", "&yen;", "&#165;", "&#x0;", "&#xD800;",
                                       "&nbsp;", "&", "<", ">", "]]>", "-->"]))
JSON_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.just(HUGE),
    st.floats(allow_nan=True, allow_infinity=True), TEXT, price_text(),
    st.sampled_from(["Product", "Offer", "http://schema.org/InStock", "CNY", "USD", "NaN",
                     "1e999", "MerchantReturnFiniteReturnWindow", "FreeReturn", "ANN", "MON"]),
)
JSON_VALUE = st.recursive(
    JSON_SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(PRODUCT_KEYS) | TEXT, inner,
                                            max_size=6)),
    max_leaves=24,
)


def json_text(value: Any, broken: int) -> str:
    text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    text = text.replace(json.dumps(HUGE), "1" + "0" * 5000)
    if broken == 1:
        text = text[: len(text) // 2]
    elif broken == 2:
        text = "{" * 2000 + text + "}" * 10
    return text


@st.composite
def script(draw: st.DrawFn) -> str:
    """JSON-LD, embedded state (``window.x = {...}``, ``JSON.parse``), or plain JS."""
    body = json_text(draw(JSON_VALUE), draw(st.integers(0, 6)))
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return f'<script type="application/ld+json">{body}</script>'
    if kind == 1:
        name = draw(st.sampled_from(["window.__INITIAL_STATE__", "var g_config",
                                     "window.rawData", "window.runParams", "x", "a.b['c']"]))
        return f"<script>{name} = {body};</script>"
    if kind == 2:
        return f"<script>var s = JSON.parse({json.dumps(body)});</script>"
    if kind == 3:
        return f'<script type="application/json" id="__NEXT_DATA__">{body}</script>'
    if kind == 4:
        return "<script>" + "a={" * draw(st.integers(1, 300)) + "'\"" + "</script>"
    return "<script>" + draw(TEXT) + "</script>"


@st.composite
def attributes(draw: st.DrawFn) -> str:
    out = []
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(ATTR_NAMES) | st.from_regex(r"data-[a-z]{1,6}", fullmatch=True))
        value = draw(st.sampled_from(ATTR_VALUES) | TEXT)
        quote = draw(st.sampled_from(['"', "'", ""]))
        if quote == "" and not value:
            out.append(f" {name}")
        else:
            out.append(f" {name}={quote}{value}{quote}")
    return "".join(out)


LEAF = st.one_of(
    TEXT_NODE, TEXT_NODE, script(),
    st.sampled_from(["<!-- comment -->", "<!---->", "<?xml version='1.0'?>", "<?pi x?>",
                     "<![CDATA[¥5]]>", "<!DOCTYPE html>", "<br>", "<img src=x>", "\x00"]),
    st.sampled_from(CHARSETS).map(lambda c: f'<meta charset="{c}">'),
    st.sampled_from(CHARSETS).map(
        lambda c: f'<meta http-equiv="Content-Type" content="text/html; charset={c}">'),
)


def _element(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        tag = draw(st.sampled_from(TAGS))
        inner = "".join(draw(children))
        close = "" if draw(st.integers(0, 9)) == 0 else f"</{tag}>"
        return f"<{tag}{draw(attributes())}>{inner}{close}"
    return build()


NODES = st.recursive(st.lists(LEAF, max_size=3),
                     lambda kids: st.lists(_element(kids) | LEAF, max_size=5), max_leaves=40)


@st.composite
def html_page(draw: st.DrawFn) -> str:
    body = "".join(draw(NODES))
    depth = draw(st.sampled_from([0, 0, 0, 0, 50, 300, 3000]))
    if depth:
        tag = draw(st.sampled_from(["div", "span", "table", "b", "li"]))
        body = f"<{tag}>" * depth + body + f"</{tag}>" * draw(st.integers(0, depth))
    shape = draw(st.integers(0, 3))
    if shape == 0:
        return body
    head = "".join(draw(st.lists(LEAF, max_size=3)))
    page = f"<html><head>{head}</head><body>{body}</body></html>"
    if shape == 2:
        page = "<!DOCTYPE html>" + page
    if shape == 3:
        page = "<?xml version='1.0' encoding='utf-8'?>" + page
    return page


@st.composite
def encoded(draw: st.DrawFn, page: st.SearchStrategy[str]) -> bytes | str:
    text = draw(page)
    codec = draw(st.sampled_from(["str", "utf-8", "utf-8", "gb18030", "utf-16",
                                  "utf-16-le", "cp1252", "shift_jis", "big5"]))
    return text if codec == "str" else text.encode(codec, errors="replace")


CONTENT_TYPES = st.one_of(st.none(), st.sampled_from(
    ["text/html", "text/html; charset=gbk", "text/html; charset=x-foo", "gbk", "utf-16",
     "base64", 'text/html; charset="', "application/json", "text/html; charset=utf-8"]))
BYTE_SOUP = st.one_of(
    st.binary(max_size=3000),
    st.lists(st.sampled_from([b"<", b">", b"</", b"<!--", b"-->", b"<?", b"?>", b"\x00",
                              b"\xff\xfe", b"\xef\xbb\xbf", b"<meta charset=gbk>", b"\xa5",
                              b"\xc2\xa5", b"12.99", b"<span class=price>", b"&#", b"]]>",
                              b"\r\n", b"<script>", b"{\"a\":", b"\xe4\xbd\xa0"])
             | st.binary(max_size=8), max_size=60).map(b"".join),
)
HINTS = st.one_of(st.none(), st.lists(st.one_of(
    st.fixed_dictionaries({}, optional={
        "text": st.one_of(price_text(), TEXT, JSON_SCALAR), "font_px": JSON_SCALAR,
        "y": JSON_SCALAR, "struck": JSON_SCALAR}),
    JSON_SCALAR), max_size=4))
CAPTURED = st.one_of(
    st.none(), st.sampled_from(["2027-11-27T07:00:00Z", "0001-01-01T00:00:00Z",
                                "9999-12-31T23:59:59Z", "not a time", "2027-02-30T00:00:00Z"]),
    st.datetimes(timezones=st.just(UTC)), st.datetimes())


def not_a_page(data: bytes | str) -> bool:
    """The documented ``ExtractError`` cases: empty, or binary (many control bytes)."""
    if not data.strip():
        return True
    head = data[:4096]
    codes = list(head) if isinstance(head, bytes) else [ord(c) for c in head]
    if isinstance(head, bytes) and head.startswith((b"\x89PNG", b"%PDF", b"PK\x03\x04",
                                                   b"\x1f\x8b", b"\xff\xd8\xff", b"GIF8",
                                                   b"\x7fELF", b"WARC/")):
        return True
    return sum(1 for b in codes if b < 9 or 13 < b < 32) > len(head) * 0.05


def check_listing(data: bytes | str, url: str | None = None, hints: Any = None,
                  content_type: str | None = None) -> None:
    try:
        record = extract_listing(data, url, hints=hints, content_type=content_type)
    except ExtractError as exc:
        assert not_a_page(data), f"ExtractError for a page: {exc}"
        assert "\n" not in str(exc)
        return
    assert isinstance(record, dict)
    assert record["schema"] == SCHEMA and record["kind"] == "listing"
    for key in ("title", "price", "original_price", "seller", "promises", "claims",
                "sources", "specs", "images", "removed"):
        assert key in record
    assert all(isinstance(w, str) for w in record["warnings"])
    assert not [w for w in record["warnings"] if "failed (" in w], record["warnings"]
    if record["price"] is not None:
        assert isinstance(record["price"]["amount"], str)
        assert not math.isnan(float(record["price"]["amount"]))
    json.dumps(record, allow_nan=False)  # records are stored as canonical JSON


def check_chat(data: bytes | str, url: str | None = None, captured_at: Any = None,
               timezone: str | None = None) -> None:
    try:
        record = extract_chat(data, url, captured_at=captured_at, timezone=timezone)
    except ExtractError as exc:
        assert not_a_page(data), f"ExtractError for a page: {exc}"
        return
    assert isinstance(record, dict)
    assert record["schema"] == "jianyipai.chat/1" and record["kind"] == "chat"
    assert isinstance(record["messages"], list)
    for message in record["messages"]:
        assert isinstance(message["id"], str) and message["role"] in (
            "buyer", "seller", "system", "bot")
    assert not [w for w in record["warnings"] if "failed (" in w], record["warnings"]
    json.dumps(record, allow_nan=False)


FUZZ = settings(max_examples=300, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])


@FUZZ
@given(encoded(html_page()), st.sampled_from(URLS), HINTS, CONTENT_TYPES)
def test_listing_never_raises_on_html(data: bytes | str, url: str | None, hints: Any,
                                      content_type: str | None) -> None:
    check_listing(data, url, hints, content_type)


@FUZZ
@given(encoded(html_page()), st.sampled_from(URLS), CAPTURED, st.sampled_from(TIMEZONES))
def test_chat_never_raises_on_html(data: bytes | str, url: str | None, captured_at: Any,
                                   timezone: str | None) -> None:
    check_chat(data, url, captured_at, timezone)


@settings(FUZZ, max_examples=150)
@given(BYTE_SOUP, st.sampled_from(URLS), CONTENT_TYPES)
def test_byte_soup(data: bytes, url: str | None, content_type: str | None) -> None:
    check_listing(data, url, content_type=content_type)
    check_chat(data, url, captured_at=datetime(2027, 11, 27, tzinfo=UTC), timezone="Asia/Shanghai")


@settings(FUZZ, max_examples=100)
@given(st.text(st.characters() | st.characters(categories=["Cs"]), max_size=400),
       st.sampled_from(URLS))
def test_text_soup(data: str, url: str | None) -> None:
    check_listing(data, url)
    check_chat(data, url)
