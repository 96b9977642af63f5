"""Home, seller and error pages, and the awkward pages (slow, hanging, busy, mutating)."""

from __future__ import annotations

from .catalog import PRODUCTS
from .item_pages import promises_block
from .layout import SHOP_NAME, esc, page


def home() -> str:
    tiles = "".join(
        f'<a class="tile" href="{esc(url)}"><img src="{esc(img)}" alt="{esc(title)}">'
        f'<div class="t-title">{esc(title)}</div><div class="t-price">{esc(price)}</div></a>'
        for url, title, price, img in PRODUCTS
    )
    body = f"""
<section class="card"><h1 class="section-title">今日推荐</h1>
<div class="grid products">{tiles}</div></section>
<section class="card"><h2 class="section-title">店铺</h2>
<p><a href="/shop/s1">{esc(SHOP_NAME)}</a> · <a href="/chat/s1">联系客服</a></p></section>
"""
    return page("淘益购 - 演示商城首页", body)


def shop_s1() -> str:
    body = f"""
<section class="card shop-head">
  <h1 class="shop-name">{esc(SHOP_NAME)}</h1>
  <p>开店时间：2016年 · 所在地：广东深圳 · 粉丝 128万</p>
  <p class="shop-scores">描述相符 4.9 · 服务态度 4.8 · 物流服务 4.8</p>
  {promises_block(("7天无理由退货", "正品保证", "假一赔十", "极速退款"), "店铺保障")}
  <p><a class="chat-link" href="/chat/s1">联系客服</a></p>
</section>
<section class="card"><h2 class="section-title">全部商品</h2>
<div class="grid">
  <a class="tile" href="/item/1001"><img src="/img/1001-main.png" alt="耳机">
    <div>无线降噪蓝牙耳机 Pro 2代</div><div class="t-price">¥199.00</div></a>
  <a class="tile" href="/item/1003"><img src="/img/1003-main.svg" alt="精华">
    <div>烟酰胺焕白精华液 30ml</div><div class="t-price">¥99-199</div></a>
</div></section>
"""
    return page(f"{SHOP_NAME} - 首页", body)


def removed() -> str:
    body = """
<section class="card error-page" id="item-removed">
  <h1>商品已下架</h1><p>抱歉，该商品已下架或不存在。</p><p><a href="/">返回首页</a></p>
</section>"""
    return page("商品已下架", body)


def not_found() -> str:
    body = """
<section class="card error-page"><h1>页面不存在</h1><p>404 - 您访问的页面不存在。</p>
<p><a href="/">返回首页</a></p></section>"""
    return page("404 页面不存在", body)


def server_error() -> str:
    body = """
<section class="card error-page" id="server-error"><h1>服务器繁忙</h1>
<p>服务器繁忙，请稍后再试。(500)</p><p><a href="/">返回首页</a></p></section>"""
    return page("服务器繁忙", body)


def _simple_item(title: str, price: str, note: str) -> str:
    return f"""
<section class="card product"><div class="summary">
  <h1 class="item-title">{esc(title)}</h1>
  <div class="price-box"><span class="label">价格</span>
    <span class="price">{esc(price)}</span></div>
  <div class="meta-row"><span class="label">店铺</span><a href="/shop/s1">{esc(SHOP_NAME)}</a></div>
  {promises_block(("7天无理由退货", "正品保证"))}
  <p class="note">{esc(note)}</p>
</div></section>"""


SLOW_CHUNKS = 8  # the slow page's body is sent in this many pieces


def slow_parts() -> list[str]:
    """/item/slow as pieces that the handler sends ~0.25 s apart."""
    doc = page(
        "某品牌 智能手环 7",
        _simple_item("某品牌 智能手环 7 血氧心率监测", "¥229.00", "本页面缓慢加载。")
        + "".join(
            f'<section class="card"><h2 class="section-title">详情 {i}</h2>'
            f"<p>{'续航14天，50米防水，支持NFC门禁与公交卡。' * 20}</p></section>"
            for i in range(1, 9)
        ),
    )
    size = len(doc) // SLOW_CHUNKS + 1
    return [doc[i : i + size] for i in range(0, len(doc), size)]


def hang_head() -> str:
    """The part of /item/hang that arrives; the rest never does."""
    doc = page(
        "某品牌 空气净化器 X3",
        _simple_item("某品牌 空气净化器 X3 除甲醛", "¥899.00", "页面正在加载……")
        + '<section class="card"><h2 class="section-title">商品详情</h2><p>',
    )
    return doc[: doc.index("</main>")]


def busy() -> str:
    script = """<script>
(function () {
  var n = 0;
  setInterval(function () {
    fetch("/api/ping?n=" + (n++), { cache: "no-store" }).then(function (r) { return r.json(); })
      .then(function (d) { document.getElementById("ping").textContent = "在线 " + d.n; });
  }, 200);
})();
</script>"""
    body = (
        _simple_item("某品牌 扫地机器人 S9（网络繁忙页面）", "¥1599.00", "本页面持续请求服务器。")
        + '<p id="ping">连接中</p>'
    )
    return page("某品牌 扫地机器人 S9", body, head=script)


def mutating() -> str:
    script = """<script>
document.addEventListener("DOMContentLoaded", function () {
  var n = 0, el = document.getElementById("ticker");
  setInterval(function () {
    n += 1;
    el.textContent = "秒杀倒计时 " + n;
    el.setAttribute("data-tick", String(n));
  }, 100);
});
</script>"""
    body = (
        _simple_item("某品牌 电动牙刷 T5（限时秒杀）", "¥149.00", "页面内容持续变化。")
        + '<p id="ticker" data-tick="0">秒杀倒计时 0</p>'
    )
    return page("某品牌 电动牙刷 T5 限时秒杀", body, head=script)


def download_page() -> str:
    script = """<script>
document.addEventListener("DOMContentLoaded", function () {
  document.getElementById("manual").click();
});
</script>"""
    body = _simple_item("某品牌 投影仪 P1（附说明书下载）", "¥2499.00", "说明书下载中。") + (
        '<p><a id="manual" href="/download/manual.pdf" download>下载产品说明书 (PDF)</a></p>'
    )
    return page("某品牌 投影仪 P1", body, head=script)


def manual_pdf() -> bytes:
    """A tiny, valid-looking PDF served as an attachment."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def many_requests(n: int) -> str:
    """A listing that makes ``n`` sub-requests (tracking pixels and thumbnails, as real shop
    pages do by the hundred)."""
    thumbs = "".join(f'<img src="/px/{i}.gif" width="8" height="8" alt="">' for i in range(n))
    body = (_simple_item("某品牌 电动牙刷 T5（买家秀 {n} 张）".replace("{n}", str(n)), "¥259.00",
                         "评价晒图如下。")
            + f'<section class="card"><h2 class="section-title">买家秀</h2><div>{thumbs}</div></section>')
    return page("某品牌 电动牙刷 T5", body)


def spin() -> str:
    """A listing whose script, once the page is drawn, never returns: the renderer is busy for good."""
    script = """<script>
window.addEventListener("load", function () {
  setTimeout(function () { for (;;) {} }, 300);
});
</script>"""
    body = _simple_item("某品牌 电饭煲 R7（脚本卡死页面）", "¥459.00", "本页脚本加载后永不结束。")
    return page("某品牌 电饭煲 R7", body, head=script)


# A 1×1 transparent GIF, the classic tracking pixel.
PIXEL_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c"
                          "00000000010001000002024401003b")
