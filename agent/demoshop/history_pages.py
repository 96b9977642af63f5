"""Demo-shop listings for the anomalies only a listing's history shows (issue 14), each
with its innocent twin.

    /history/countdown        限时秒杀 with 距结束 02:13:45 that starts again at every page
                              load (deadline = now + 02:13:45): ``countdown_reset``
    /history/countdown-fixed  the twin: the same countdown running to one fixed deadline,
                              ten days after the shop first showed the page (by its clock)
    /history/price            价格 ¥199.00 under a struck 原价 ¥599.00 that was never the
                              price: ``fictitious_original_price`` once the store holds
                              enough captures of the week before
    /history/price-was        the twin, versioned (``set_version("price-was", n)``): version
                              1 sells at ¥599.00; version 2 at ¥399.00 with 原价 ¥599.00
                              struck, a price that really was the price the week before

The countdowns are drawn as flash sales draw them: one ``<span>`` per digit, separators in
their own elements, rewritten every second by a script from the seconds left when the page
was served (so the page shows the same on a shop whose clock a test moves).
"""
from __future__ import annotations

import threading
import weakref
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .layout import SHOP_NAME, esc, page

if TYPE_CHECKING:
    from .server import DemoShop

Answer = tuple[int, "bytes | str", str, dict[str, str]]  # status, body, content type, headers
HTML = "text/html; charset=utf-8"
PREFIX = "/history/"
RESET_LEFT = timedelta(hours=2, minutes=13, seconds=45)
FIXED_AFTER = timedelta(days=10)
COUNTDOWN_TITLE = "【限时秒杀】某品牌 降噪蓝牙耳机 Air 3"
PRICE_TITLE = "某品牌 智能电动牙刷 S5 声波震动 礼盒装"
PRICE_WAS_TITLE = "某品牌 空气炸锅 5L 可视窗 家用大容量"
PRICE_WAS = {1: ("599.00", None), 2: ("399.00", "599.00")}  # version -> (price, struck)

_fixed: weakref.WeakKeyDictionary[DemoShop, datetime] = weakref.WeakKeyDictionary()
_lock = threading.Lock()

_STYLE = """<style>
.flash { background: #e1251b; color: #fff; padding: 8px 12px; border-radius: 4px;
  display: flex; gap: 12px; align-items: center; margin: 8px 0; }
.flash .cd-time span { display: inline-block; min-width: 14px; margin: 0 1px; padding: 2px;
  background: #222; color: #fff; text-align: center; border-radius: 2px; }
.flash .cd-time i, .flash .cd-time em { font-style: normal; margin: 0 2px; }
</style>"""
_TICK = """<script>
(function () {
  var box = document.getElementById("countdown");
  var left = Number(box.getAttribute("data-left")), t0 = Date.now();
  function digits(text) {
    return text.split("").map(function (c) { return "<span>" + c + "</span>"; }).join("");
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function draw() {
    var s = Math.max(0, left - Math.floor((Date.now() - t0) / 1000));
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
    box.querySelector(".cd-time").innerHTML = (d ? digits(String(d)) + "<em>天</em>" : "")
      + digits(two(h)) + "<i>:</i>" + digits(two(Math.floor(s % 3600 / 60))) + "<i>:</i>"
      + digits(two(s % 60));
  }
  setInterval(draw, 1000);
})();
</script>"""


def answer(shop: DemoShop, host: str, path: str, query: dict[str, str]) -> Answer | None:
    """This module's page for path (on host, the Host header without its port), or None."""
    if not path.startswith(PREFIX):
        return None
    name = path[len(PREFIX):]
    if name == "countdown":
        return 200, _countdown(RESET_LEFT), HTML, {}
    if name == "countdown-fixed":
        return 200, _countdown(_fixed_deadline(shop) - shop.now()), HTML, {}
    if name == "price":
        return 200, _listing(PRICE_TITLE, "199.00", "599.00"), HTML, {}
    if name == "price-was":
        price, struck = PRICE_WAS[shop.get_version("price-was")]
        return 200, _listing(PRICE_WAS_TITLE, price, struck), HTML, {}
    return None


def _fixed_deadline(shop: DemoShop) -> datetime:
    """The twin's one deadline: FIXED_AFTER after the shop first showed the page."""
    with _lock:
        return _fixed.setdefault(shop, shop.now() + FIXED_AFTER)


def _countdown(left: timedelta) -> str:
    seconds = max(0, int(left.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)

    def digits(text: str) -> str:
        return "".join(f"<span>{c}</span>" for c in text)

    time = (f"{digits(str(days))}<em>天</em>" if days else "") + "<i>:</i>".join(
        digits(f"{n:02d}") for n in (hours, minutes, secs))
    flash = (f'<div class="flash"><strong>限时秒杀</strong>'
             f'<div class="countdown" id="countdown" data-left="{seconds}">'
             f'<span class="cd-label">距结束</span><span class="cd-time">{time}</span></div></div>')
    return _listing(COUNTDOWN_TITLE, "199.00", None, flash, tick=True)


def _listing(title: str, price: str, struck: str | None, extra: str = "", *,
             tick: bool = False) -> str:
    original = (f'<span class="label">原价</span><del class="price-original">¥{struck}</del>'
                if struck else "")
    body = f"""
<div class="crumbs">首页 &gt; 数码家电</div>
<section class="card product">
<div class="gallery"><img class="main-img" src="/img/1001-main.png" alt="商品主图"></div>
<div class="summary">
  <h1 class="item-title">{esc(title)}</h1>
  {extra}
  <div class="price-box"><span class="label">价格</span><span class="price">¥{price}</span>
    {original}</div>
  <div class="meta-row"><span class="label">店铺</span><a class="seller" href="/shop/s1">{esc(SHOP_NAME)}</a></div>
  <div class="meta-row"><span class="label">库存</span><span class="stock-in">有货</span></div>
  <div class="btns"><a class="btn btn-cart" href="#">加入购物车</a>
    <a class="btn btn-buy" href="#">立即购买</a></div>
</div>
</section>{_TICK if tick else ""}"""
    return page(title, body, head=_STYLE)
