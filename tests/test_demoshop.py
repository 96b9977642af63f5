"""The embedded demo marketplace, over plain HTTP (no browser)."""

from __future__ import annotations

import html
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from agent.demoshop import DemoShop
from agent.demoshop.chat import chat_time

NOW = datetime(2027, 11, 27, 15, 0, 0)
REPO = Path(__file__).resolve().parents[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_plain = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    follow: bool = False,
) -> tuple[int, Message, bytes]:
    """(status, headers, body) of one request; redirects are not followed unless asked."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    opener = urllib.request.build_opener() if follow else _plain
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def text(shop: DemoShop, path: str) -> str:
    status, headers, body = fetch(shop.url + path)
    assert status == 200, path
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    return body.decode("utf-8")


def api(shop: DemoShop, path: str) -> Any:
    status, headers, body = fetch(shop.url + path)
    assert status == 200, path
    assert headers["Content-Type"].startswith("application/json")
    return json.loads(body)


def json_ld(doc: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', doc, re.S)
    assert m, "no JSON-LD block"
    return json.loads(m[1])  # type: ignore[no-any-return]


def price_span(doc: str) -> str:
    m = re.search(r'<span class="price" id="price">(.*?)</span>', doc)
    assert m
    return m[1]


def chat_all(shop: DemoShop, chat: str = "s1") -> list[dict[str, Any]]:
    """Every message of a chat, paging backwards like the page's script does."""
    page = api(shop, f"/api/chat/{chat}/messages?limit=20")
    pages = [page]
    while page["has_more"]:
        assert len(pages) < 20, "history should end"
        page = api(shop, f"/api/chat/{chat}/messages?before={page['oldest']}&limit=20")
        pages.append(page)
    return [m for p in reversed(pages) for m in p["messages"]]


@pytest.fixture
def shop() -> Iterator[DemoShop]:
    with DemoShop(now=lambda: NOW) as s:
        yield s


# -- lifecycle ----------------------------------------------------------------------------


def test_url_is_bound_port_without_trailing_slash(shop: DemoShop) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", shop.url)
    assert shop.port != 0
    assert fetch(shop.url + "/")[0] == 200


def test_stop_closes_the_socket_and_is_idempotent() -> None:
    shop = DemoShop().start()
    port = shop.port
    assert shop.start() is shop  # starting twice is harmless
    shop.stop()
    shop.stop()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    with pytest.raises(RuntimeError):
        _ = shop.url


def test_quiet_unless_verbose(shop: DemoShop, capfd: pytest.CaptureFixture[str]) -> None:
    fetch(shop.url + "/item/1001")
    fetch(shop.url + "/nope")
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""


def test_hits_count_paths_without_query(shop: DemoShop) -> None:
    fetch(shop.url + "/api/ping?n=1")
    fetch(shop.url + "/api/ping?n=2")
    fetch(shop.url + "/item/1002")
    assert shop.hits["/api/ping"] == 2
    assert shop.hits["/item/1002"] == 1
    assert shop.hits["/download/manual.pdf"] == 0


# -- pages --------------------------------------------------------------------------------


def test_home_lists_products(shop: DemoShop) -> None:
    doc = text(shop, "/")
    assert '<html lang="zh-CN">' in doc
    assert '<meta charset="utf-8">' in doc
    for path in ("/item/1001", "/item/1002", "/item/1003", "/shop/s1"):
        assert f'href="{path}"' in doc


def test_item_1001_v1(shop: DemoShop) -> None:
    doc = text(shop, "/item/1001")
    assert "【官方旗舰店】某品牌 无线降噪蓝牙耳机 Pro 2代" in doc
    assert price_span(doc) == "¥--"  # the script sets the price after load
    assert 'data-price-api="/api/price/1001"' in doc
    assert "SKU: 100012345678" in doc
    assert 'href="/shop/s1"' in doc
    assert "有货" in doc
    for promise in ("7天无理由退货", "假一赔十", "48小时发货", "运费险", "正品保证", "全国包邮"):
        assert f'<li class="promise">{promise}</li>' in doc
    assert '<li class="promise">价保30天</li>' in doc
    for claim in ("全网最低价", "国家级", "100%有效降噪"):
        assert claim in doc
    assert "销量第一" not in doc
    # lazy images: a placeholder src, the real one in data-src, served by the shop
    lazy = re.findall(r'<img[^>]*data-src="(/img/[^"]+)"', doc)
    assert len(lazy) >= 10
    assert any("detail" in src for src in lazy)
    assert fetch(shop.url + lazy[0])[0] == 200
    assert 'id="reco-sentinel"' in doc
    assert api(shop, "/api/reco/1001")[0]["url"].startswith("/item/")
    ld = json_ld(doc)
    assert ld["@type"] == "Product"
    assert ld["offers"]["price"] == "199.00"
    assert ld["offers"]["priceCurrency"] == "CNY"
    assert ld["offers"]["availability"] == "https://schema.org/InStock"
    price = api(shop, "/api/price/1001")
    assert (price["symbol"], price["price"], price["original"]) == ("¥", "199.00", "299.00")
    assert price["coupon"].startswith("券后价")


def _assert_1001_v2(shop: DemoShop) -> None:
    doc = text(shop, "/item/1001")
    assert json_ld(doc)["offers"]["price"] == "249.00"
    price = api(shop, "/api/price/1001")
    assert (price["price"], price["original"]) == ("249.00", "299.00")
    assert "假一赔十" not in doc
    assert "48小时发货" not in doc
    assert '<li class="promise">72小时发货</li>' in doc
    assert '<li class="promise">7天无理由退货</li>' in doc
    assert "销量第一" in doc


def _assert_1001_v1(shop: DemoShop) -> None:
    doc = text(shop, "/item/1001")
    assert json_ld(doc)["offers"]["price"] == "199.00"
    assert "假一赔十" in doc
    assert "销量第一" not in doc


def test_set_version_switches_1001(shop: DemoShop) -> None:
    shop.set_version("1001", 2)
    assert shop.get_version("1001") == 2
    _assert_1001_v2(shop)
    shop.set_version("1001", 1)
    _assert_1001_v1(shop)


def test_versions_live_on_the_instance(shop: DemoShop) -> None:
    shop.set_version("1001", 2)
    with DemoShop() as other:
        _assert_1001_v1(other)
    _assert_1001_v2(shop)


def test_bad_versions_are_refused(shop: DemoShop) -> None:
    with pytest.raises(ValueError):
        shop.set_version("1001", 3)
    with pytest.raises(ValueError):
        shop.set_version("9999", 2)
    with pytest.raises(ValueError):
        shop.set_chat_version("s1", 0)
    assert shop.get_version("1001") == 1


@pytest.mark.parametrize("how", ["form", "json", "get"])
def test_admin_route_switches_version(shop: DemoShop, how: str) -> None:
    url = shop.url + "/_admin/version"
    if how == "form":
        status, _, body = fetch(url, method="POST", data=b"item=1001&version=2")
    elif how == "json":
        data = json.dumps({"item": "1001", "version": 2}).encode()
        status, _, body = fetch(
            url, method="POST", data=data, headers={"Content-Type": "application/json"}
        )
    else:
        status, _, body = fetch(url + "?item=1001&version=2")
    assert status == 200
    assert json.loads(body) == {"ok": True, "item": "1001", "version": 2}
    assert shop.get_version("1001") == 2
    _assert_1001_v2(shop)


def test_admin_route_rejects_unknown(shop: DemoShop) -> None:
    status, _, body = fetch(shop.url + "/_admin/version?item=1001&version=7")
    assert status == 400
    assert json.loads(body)["ok"] is False
    assert fetch(shop.url + "/_admin/version?item=nope&version=2")[0] == 400
    assert shop.get_version("1001") == 1


def test_item_1002_english_microdata(shop: DemoShop) -> None:
    doc = text(shop, "/item/1002")
    assert '<html lang="en">' in doc
    assert "application/ld+json" not in doc
    assert 'itemtype="https://schema.org/Product"' in doc
    assert '<span itemprop="price" content="39.99">39.99</span>' in doc
    assert '<meta itemprop="priceCurrency" content="USD">' in doc
    for promise in (
        "Free returns",
        "30-day return policy",
        "Free shipping on orders over $25",
        "Ships within 24 hours",
        "2-year warranty",
    ):
        assert f'<li class="promise">{html.escape(promise)}</li>' in doc
    assert "Out of stock" in doc
    assert "the best coffee set in the world" in doc


def test_item_1003_no_structured_data(shop: DemoShop) -> None:
    doc = text(shop, "/item/1003")
    assert "application/ld+json" not in doc
    assert "itemprop" not in doc
    for needle in ("¥99-199", "到手价", "券后价", "1.5万+人付款", "15天无理由退货", "正品保障"):
        assert needle in doc
    assert "极速退款" in doc
    assert "美白祛斑" in doc


def test_gbk_page_is_really_gbk(shop: DemoShop) -> None:
    status, headers, body = fetch(shop.url + "/item/gbk")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=gbk"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    doc = html.unescape(body.decode("gbk"))
    assert '<meta charset="gbk">' in doc
    assert "¥59.00" in doc
    assert "7天无理由退货" in doc


def test_tall_page_has_thirty_ordered_screens(shop: DemoShop) -> None:
    doc = text(shop, "/item/tall")
    labels = re.findall(r'<span class="tall-label">第(\d+)屏</span>', doc)
    assert labels == [str(i) for i in range(1, 31)]
    assert "background: hsl(37, 60%, 70%)" in doc  # block 1
    assert f"background: hsl({30 * 37 % 360}, 60%, 70%)" in doc  # block 30
    assert "height: 1000px" in fetch(shop.url + "/static/shop.css")[2].decode()
    assert "7天无理由退货" in doc


def test_removed_and_error_pages(shop: DemoShop) -> None:
    status, headers, body = fetch(shop.url + "/item/removed")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "商品已下架" in body.decode()
    status, _, body = fetch(shop.url + "/item/error")
    assert status == 500
    assert "服务器繁忙" in body.decode()
    assert fetch(shop.url + "/no/such/page")[0] == 404
    assert fetch(shop.url + "/static/../server.py")[0] == 404


def test_redirect_chain_has_two_hops(shop: DemoShop) -> None:
    status, headers, _ = fetch(shop.url + "/go/1001")
    assert (status, headers["Location"]) == (302, "/r/1001")
    status, headers, _ = fetch(shop.url + "/r/1001")
    assert (status, headers["Location"]) == (301, "/item/1001")
    req = urllib.request.Request(shop.url + "/go/1001")
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200
        assert resp.url == shop.url + "/item/1001"
    assert shop.hits["/go/1001"] == 2 and shop.hits["/r/1001"] == 2


def test_head_request_has_no_body(shop: DemoShop) -> None:
    status, headers, body = fetch(shop.url + "/item/1001", method="HEAD")
    assert status == 200
    assert int(headers["Content-Length"]) > 1000
    assert body == b""


def test_slow_page_completes_in_chunks(shop: DemoShop) -> None:
    status, headers, body = fetch(shop.url + "/item/slow")
    assert status == 200
    assert headers["Transfer-Encoding"] == "chunked"
    doc = body.decode("utf-8")
    assert "智能手环" in doc
    assert doc.rstrip().endswith("</html>")


def test_hang_page_sends_part_and_stop_ends_it() -> None:
    shop = DemoShop().start()
    sock = socket.create_connection(("127.0.0.1", shop.port), timeout=30)
    try:
        sock.sendall(b"GET /item/hang HTTP/1.1\r\nHost: x\r\n\r\n")
        got = b""
        while "¥899.00".encode() not in got:
            chunk = sock.recv(65536)
            assert chunk, "connection closed before the visible part arrived"
            got += chunk
        assert got.startswith(b"HTTP/1.1 200")
        assert "空气净化器".encode() in got
        stopper = threading.Thread(target=shop.stop)
        stopper.start()
        stopper.join(timeout=10)
        assert not stopper.is_alive(), "stop() should end the hanging response promptly"
        rest = b""
        while chunk := sock.recv(65536):
            rest += chunk
        assert b"</html>" not in got + rest  # it never finished
    finally:
        sock.close()
        shop.stop()


def test_busy_and_mutating_pages(shop: DemoShop) -> None:
    busy = text(shop, "/item/busy")
    assert "/api/ping" in busy and "200)" in busy
    assert api(shop, "/api/ping?n=7") == {"ok": True, "n": 7}
    mutating = text(shop, "/item/mutating")
    assert 'id="ticker"' in mutating and "100)" in mutating


def test_download_is_an_attachment(shop: DemoShop) -> None:
    page = text(shop, "/item/download")
    assert 'href="/download/manual.pdf"' in page
    assert ".click()" in page
    assert shop.hits["/download/manual.pdf"] == 0  # serving the page does not fetch it
    status, headers, body = fetch(shop.url + "/download/manual.pdf")
    assert status == 200
    assert headers["Content-Disposition"].startswith("attachment")
    assert headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF")
    assert shop.hits["/download/manual.pdf"] == 1


def test_seller_and_english_pages(shop: DemoShop) -> None:
    seller = text(shop, "/shop/s1")
    assert "某品牌官方旗舰店" in seller and 'href="/chat/s1"' in seller
    en = text(shop, "/en/")
    assert '<html lang="en">' in en and 'href="/item/1002"' in en


def test_static_assets_and_images(shop: DemoShop) -> None:
    status, headers, css = fetch(shop.url + "/static/shop.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert b'"Noto Sans CJK SC"' in css
    status, headers, js = fetch(shop.url + "/static/item.js")
    assert status == 200 and b"IntersectionObserver" in js
    status, headers, svg = fetch(shop.url + "/img/1001-side.svg")
    assert headers["Content-Type"] == "image/svg+xml" and svg.startswith(b"<svg")
    assert fetch(shop.url + "/img/1001-side.svg")[2] == svg  # deterministic
    status, headers, png = fetch(shop.url + "/img/1001-main.png")
    assert headers["Content-Type"] == "image/png" and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert fetch(shop.url + "/img/bad%20name.svg")[0] == 404


# -- chat ---------------------------------------------------------------------------------


def test_chat_time_formats() -> None:
    now = datetime(2027, 11, 27, 15, 0)
    assert chat_time(datetime(2027, 11, 27, 14, 2), now) == "今天 14:02"
    assert chat_time(datetime(2027, 11, 26, 9, 15), now) == "昨天 09:15"
    assert chat_time(datetime(2027, 11, 20, 9, 15), now) == "11-20 09:15"
    assert chat_time(datetime(2026, 10, 1, 10, 0), now) == "2026-10-01 10:00"
    assert chat_time(datetime(2027, 12, 31, 23, 0), datetime(2028, 1, 1, 8)) == "昨天 23:00"


def test_chat_page_shows_newest_messages(shop: DemoShop) -> None:
    doc = text(shop, "/chat/s1")
    assert 'class="chat-scroll"' in doc and 'data-has-more="1"' in doc
    assert 'data-api="/api/chat/s1/messages"' in doc
    ids = [int(i) for i in re.findall(r'<div class="msg [^"]*" data-id="(\d+)"', doc)]
    assert ids == list(range(101, 121))
    assert len(re.findall(r'<time class="time">今天 \d\d:\d\d</time>', doc)) == 20
    assert "没有更多消息了" not in doc
    assert b"overflow-y: auto" in fetch(shop.url + "/static/shop.css")[2]


def test_chat_api_pages_through_all_history(shop: DemoShop) -> None:
    first = api(shop, "/api/chat/s1/messages?limit=20")
    assert [m["id"] for m in first["messages"]] == list(range(101, 121))
    assert first["has_more"] is True
    msgs = chat_all(shop)
    assert [m["id"] for m in msgs] == list(range(1, 121))
    last = api(shop, "/api/chat/s1/messages?before=21&limit=20")
    assert last["has_more"] is False and last["oldest"] == 1
    times = {m["time"] for m in msgs}
    assert {"今天 14:02", "昨天 09:15", "10-28 09:15", "2026-10-23 10:00"} <= times
    assert {m["role"] for m in msgs} == {"buyer", "seller", "system", "bot"}
    assert {"我", "客服小美", "某品牌官方旗舰店"} <= {m["sender"] for m in msgs}
    assert any(m["image"] for m in msgs)
    texts = "\n".join(m["text"] for m in msgs)
    for promise in ("保证正品，假一赔十", "七天内降价补差价", "我帮您申请换货", "明天给您发货"):
        assert promise in texts
    assert "48小时内发货" in texts
    assert fetch(shop.url + "/api/chat/s1/messages?before=x")[0] == 400


def test_chat_v2_withdraws_and_appends_keeping_ids(shop: DemoShop) -> None:
    v1 = {m["id"]: m for m in chat_all(shop)}
    shop.set_chat_version("s1", 2)
    v2 = {m["id"]: m for m in chat_all(shop)}
    assert sorted(v2) == list(range(1, 123))
    withdrawn = [i for i, m in v2.items() if m["withdrawn"]]
    assert len(withdrawn) == 1
    wid = withdrawn[0]
    assert v2[wid]["text"] == "对方撤回了一条消息"
    assert "七天内降价补差价" in v1[wid]["text"] and v1[wid]["role"] == "seller"
    for i in range(1, 121):
        if i != wid:
            assert v2[i]["text"] == v1[i]["text"]
    assert v2[121]["role"] == "buyer" and v2[122]["role"] == "seller"
    doc = text(shop, "/chat/s1")
    assert 'data-id="122"' in doc


def test_chat_version_over_admin_route(shop: DemoShop) -> None:
    data = json.dumps({"chat": "s1", "version": 2}).encode()
    status, _, body = fetch(
        shop.url + "/_admin/version",
        method="POST",
        data=data,
        headers={"Content-Type": "application/json"},
    )
    assert status == 200 and json.loads(body)["chat"] == "s1"
    assert shop.get_chat_version("s1") == 2
    assert api(shop, "/api/chat/s1/messages")["messages"][-1]["id"] == 122


def test_endless_chat_never_ends(shop: DemoShop) -> None:
    assert 'data-has-more="1"' in text(shop, "/chat/endless")
    page = api(shop, "/api/chat/endless/messages?limit=20")
    seen: list[int] = []
    for _ in range(8):
        assert page["has_more"] is True
        ids = [m["id"] for m in page["messages"]]
        assert len(ids) == 20 and ids == sorted(ids)
        seen = ids + seen
        page = api(shop, f"/api/chat/endless/messages?before={page['oldest']}&limit=20")
    assert len(set(seen)) == len(seen) == 160


# -- command line -------------------------------------------------------------------------


def test_module_entry_serves_until_ctrl_c() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "agent.demoshop", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        m = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        assert m, line
        assert "淘益购" in fetch(m[1] + "/")[2].decode()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
        assert proc.stdout is not None and proc.stdout.read() == ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
