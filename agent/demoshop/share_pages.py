"""Demo-shop pages for pasted share texts (issue 14): a short link, and the mobile item page
it leads to, which says what kind of device opened it.

Marketplace apps share ``https://m.tb.cn/h.5Xyz?tk=AbCd``-style short links that answer with a
redirect to the item's mobile page (m.taobao.com, item.m.jd.com …). Here ``/h.<code>`` on any
host answers 302 to ``/m/item/<code>``; tests map a mobile host name (``m.demo.test``) to the
shop with Chromium's ``--host-resolver-rules``.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from .catalog import ITEM_1001, ITEM_1001_TITLE
from .layout import MARKET_NAME, SHOP_NAME, esc

if TYPE_CHECKING:
    from .server import DemoShop

Answer = tuple[int, "bytes | str", str, dict[str, str]]  # status, body, content type, headers
HTML = "text/html; charset=utf-8"
_CODE = r"[A-Za-z0-9_-]{1,32}"
_SHORT = re.compile(rf"/h\.({_CODE})")
_ITEM = re.compile(rf"/m/item/({_CODE})")

# What the page's own script sees: a phone by its user agent, the viewport, the pixel ratio
# and touch, written into the page (so the DOM, text and screenshot show it).
_DEVICE_JS = """
(function () {
  var ua = navigator.userAgent;
  var phone = /Mobile|iPhone|iPad|Android/.test(ua);
  var touch = navigator.maxTouchPoints > 0 || "ontouchstart" in window;
  var el = document.getElementById("device");
  el.dataset.kind = phone ? "phone" : "desktop";
  el.textContent = (phone ? "手机访问" : "电脑访问") + " · " + innerWidth + "×" + innerHeight
    + " · DPR " + devicePixelRatio + " · " + (touch ? "触屏" : "无触屏");
  document.getElementById("ua").textContent = ua;
})();
"""

_CSS = """
body{margin:0;font:15px/1.5 "Noto Sans CJK SC",sans-serif;background:#f4f4f4;color:#222}
.m-top{background:#ff5000;color:#fff;padding:10px 12px;font-weight:bold}
.m-card{background:#fff;margin:8px;padding:12px;border-radius:8px}
.m-price{color:#ff5000;font-size:26px;font-weight:bold}
.m-original{color:#999;text-decoration:line-through;margin-left:8px}
.m-tags span{display:inline-block;border:1px solid #ff5000;color:#ff5000;border-radius:4px;
  padding:0 6px;margin:4px 6px 0 0;font-size:13px}
.m-device{font-size:13px;color:#555} .m-ua{font-size:11px;color:#999;word-break:break-all}
.m-bar{position:sticky;bottom:0;display:flex;background:#fff;border-top:1px solid #eee}
.m-bar button{flex:1;border:0;padding:14px;font-size:16px;color:#fff;background:#ff9000}
.m-bar button+button{background:#ff5000}
"""


def answer(shop: DemoShop, host: str, path: str, query: dict[str, str]) -> Answer | None:
    """This module's page for path (on host, the Host header without its port), or None."""
    if m := _SHORT.fullmatch(path):
        keep = {k: query[k] for k in ("tk",) if k in query}
        location = f"/m/item/{m[1]}" + (f"?{urlencode(keep)}" if keep else "")
        body = f'<!DOCTYPE html><meta charset="utf-8"><a href="{esc(location)}">跳转中</a>'
        return 302, body, HTML, {"Location": location}
    if m := _ITEM.fullmatch(path):
        return 200, _mobile_item(shop, m[1]), HTML, {}
    return None


def _mobile_item(shop: DemoShop, code: str) -> str:
    """Listing 1001 as a phone's page: one column, tags, a bottom bar of buttons."""
    offer = ITEM_1001[shop.get_version("1001")]
    tags = "".join(f"<span>{esc(p)}</span>" for p in offer.promises)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">'
        f"<title>{esc(ITEM_1001_TITLE)} - {esc(MARKET_NAME)}手机版</title>"
        f"<style>{_CSS}</style></head>\n<body>"
        f'<div class="m-top">{esc(MARKET_NAME)} · 商品详情</div>'
        f'<div class="m-card"><h1 class="title" style="font-size:17px">{esc(ITEM_1001_TITLE)}</h1>'
        f'<div><span class="m-price price">¥{esc(offer.price)}</span>'
        f'<span class="m-original">¥{esc(offer.original)}</span></div>'
        f'<div class="m-tags">{tags}</div></div>'
        f'<div class="m-card">店铺：<a class="seller" href="/shop/s1">{esc(SHOP_NAME)}</a>'
        f'<p class="m-device" id="device" data-kind="unknown">（设备未知）</p>'
        f'<p class="m-ua" id="ua"></p><p class="m-code">商品码 {esc(code)}</p></div>'
        '<div class="m-bar"><button>加入购物车</button><button>立即购买</button></div>'
        f"<script>{_DEVICE_JS}</script></body></html>\n"
    )
