"""Chinese listing pages: 1001 (versioned, script-set price), 1003, GBK and tall pages."""

from __future__ import annotations

import json

from .catalog import ITEM_1001, ITEM_1001_SKU, ITEM_1001_SPECS, ITEM_1001_TITLE
from .layout import SHOP_NAME, esc, page

# A 1x1 transparent GIF: the placeholder lazy images show until their data-src loads.
BLANK = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def lazy_img(src: str, alt: str, cls: str = "") -> str:
    klass = f' class="{esc(cls)}"' if cls else ""
    return f'<img{klass} src="{BLANK}" data-src="{esc(src)}" alt="{esc(alt)}">'


def promises_block(promises: tuple[str, ...] | list[str], title: str = "服务承诺") -> str:
    items = "".join(f'<li class="promise">{esc(p)}</li>' for p in promises)
    return (
        f'<div class="meta-row service"><span class="label">{esc(title)}</span>'
        f'<ul class="promises">{items}</ul></div>'
    )


def _specs_table(specs: tuple[tuple[str, str], ...]) -> str:
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in specs)
    return f'<table class="specs">{rows}</table>'


def item_1001(version: int) -> str:
    offer = ITEM_1001[version]
    ld = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": ITEM_1001_TITLE,
        "sku": ITEM_1001_SKU,
        "image": ["/img/1001-main.png", "/img/1001-side.svg"],
        "description": "主动降噪 蓝牙5.3 30小时续航",
        "brand": {"@type": "Brand", "name": "某品牌"},
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": "4.9",
            "reviewCount": "23456",
        },
        "offers": {
            "@type": "Offer",
            "url": "/item/1001",
            "price": offer.price,
            "priceCurrency": "CNY",
            "availability": "https://schema.org/InStock",
            "seller": {"@type": "Organization", "name": SHOP_NAME},
        },
    }
    head = (
        '<script type="application/ld+json">'
        + json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
        + "</script>"
    )
    gallery = (
        '<div class="gallery">'
        + lazy_img("/img/1001-main.png", "商品主图", "main-img")
        + '<div class="thumbs">'
        + "".join(
            lazy_img(f"/img/1001-{n}.svg", f"商品图{i}")
            for i, n in enumerate(("side", "case", "box", "ear"), start=1)
        )
        + "</div></div>"
    )
    claims = "".join(f'<p class="claim">{esc(c)}</p>' for c in offer.claims)
    details = "".join(lazy_img(f"/img/1001-detail-{i}.svg", f"详情图{i}") for i in range(1, 7))
    body = f"""
<div class="crumbs">首页 &gt; 数码 &gt; 耳机/耳麦 &gt; 蓝牙耳机</div>
<section class="card product" id="product" data-sku="{ITEM_1001_SKU}">
{gallery}
<div class="summary">
  <h1 class="item-title">{esc(ITEM_1001_TITLE)}</h1>
  <p class="subtitle">主动降噪 | 蓝牙5.3 | 30小时超长续航 | 官方正品 顺丰包邮</p>
  <div class="price-box" data-price-api="/api/price/1001" data-price-delay="300">
    <div><span class="label">价格</span><span class="price" id="price">¥--</span>
      <span class="price-original" id="price-original"></span></div>
    <div class="coupon-line" id="coupon-line"></div>
  </div>
  <div class="meta-row"><span class="label">店铺</span>
    <a class="seller" href="/shop/s1">{esc(SHOP_NAME)}</a>
    <a class="chat-link" href="/chat/s1">联系客服</a></div>
  <div class="meta-row"><span class="label">编号</span>
    <span class="sku">SKU: {ITEM_1001_SKU}</span></div>
  <div class="meta-row"><span class="label">库存</span>
    <span class="stock-in availability">有货</span></div>
  <div class="meta-row"><span class="label">评分</span><span class="rating">4.9分</span>
    · <span class="review-count">累计评价 23456 条</span> · 好评率 98%</div>
  <div class="meta-row"><span class="label">配送</span>
    <span class="shipping">广东深圳 发货 · 快递 免运费</span></div>
  {promises_block(offer.promises)}
  <div class="btns"><a class="btn btn-cart" href="#">加入购物车</a>
    <a class="btn btn-buy" href="#">立即购买</a></div>
</div>
</section>
<section class="card claims" id="claims">
  <h2 class="section-title">商品亮点</h2>
  {claims}
</section>
<section class="card" id="specs"><h2 class="section-title">规格参数</h2>
{_specs_table(ITEM_1001_SPECS)}</section>
<section class="card detail-imgs" id="detail">
<h2 class="section-title">商品详情</h2>{details}</section>
<div id="reco-sentinel" data-api="/api/reco/1001" data-title="猜你喜欢"></div>
"""
    return page(ITEM_1001_TITLE + f" - {SHOP_NAME}", body, head=head, scripts=("item.js",))


ITEM_1003_TITLE = "【美白淡斑】某品牌 烟酰胺焕白精华液 30ml 提亮肤色"


def item_1003() -> str:
    details = "".join(lazy_img(f"/img/1003-detail-{i}.svg", f"详情图{i}") for i in range(1, 4))
    body = f"""
<div class="crumbs">首页 &gt; 美妆护肤 &gt; 精华</div>
<section class="card product">
<div class="gallery">{lazy_img("/img/1003-main.svg", "主图", "main-img")}</div>
<div class="summary">
  <h1 class="item-title">{esc(ITEM_1003_TITLE)}</h1>
  <p class="subtitle">烟酰胺+传明酸 双重焕白 敏感肌可用</p>
  <div class="price-box">
    <div><span class="label">价格</span><span class="price">¥99-199</span></div>
    <div class="coupon-line">到手价 ¥89起</div>
    <div class="coupon-line">券后价 ¥79起（店铺券满99减20）</div>
  </div>
  <div class="meta-row"><span class="label">销量</span><span class="sales">1.5万+人付款</span></div>
  <div class="meta-row"><span class="label">规格</span>30ml ¥99 / 50ml ¥149 / 100ml ¥199</div>
  <div class="meta-row"><span class="label">店铺</span><a href="/shop/s1">{esc(SHOP_NAME)}</a></div>
  <div class="meta-row"><span class="label">库存</span><span class="stock-in">有货</span></div>
  {promises_block(("15天无理由退货", "正品保障", "极速退款"), "保障")}
  <div class="btns"><a class="btn btn-cart" href="#">加入购物车</a>
    <a class="btn btn-buy" href="#">立即购买</a></div>
</div>
</section>
<section class="card claims"><h2 class="section-title">功效说明</h2>
  <p class="claim">美白祛斑，28天淡化色斑，肌肤透亮白皙。</p>
  <p class="claim">7天见效，祛痘祛印不反弹。</p>
  <p>使用方法：洁面后取2-3滴，均匀涂抹于面部，早晚使用。</p>
</section>
<section class="card detail-imgs"><h2 class="section-title">商品详情</h2>{details}</section>
"""
    return page(ITEM_1003_TITLE, body, scripts=("item.js",))


def item_gbk() -> str:
    """A small listing meant to be encoded as GBK (the handler encodes it)."""
    body = f"""
<section class="card product">
<div class="gallery"><img class="main-img" src="/img/gbk-main.svg" alt="红糖"></div>
<div class="summary">
  <h1 class="item-title">老字号 古法手工红糖 500g 云南甘蔗原产</h1>
  <div class="price-box"><span class="label">价格</span><span class="price">¥59.00</span></div>
  <div class="meta-row"><span class="label">店铺</span><a href="/shop/s1">{esc(SHOP_NAME)}</a></div>
  {promises_block(("7天无理由退货",))}
  <p>传统熬制，颗粒细腻，冲饮烘焙皆宜。</p>
</div>
</section>
"""
    return page("老字号 古法手工红糖 500g", body, charset="gbk")


TALL_BLOCKS = 30
TALL_BLOCK_PX = 1000


def tall_colour(i: int) -> str:
    """Background of the i-th block (1-based) of /item/tall."""
    return f"hsl({i * 37 % 360}, 60%, 70%)"


def item_tall(screens: int = TALL_BLOCKS) -> str:
    """A listing whose detail is ``screens`` blocks of 1,000 px, each labelled 第N屏."""
    blocks = "".join(
        f'<div class="tall-block" id="screen-{i}" data-index="{i}" '
        f'style="background: {tall_colour(i)}"><span class="tall-label">第{i}屏</span></div>'
        for i in range(1, screens + 1)
    )
    body = f"""
<section class="card product">
<div class="summary">
  <h1 class="item-title">【超长详情页】某品牌 人体工学椅 M8 护腰办公椅</h1>
  <div class="price-box"><span class="label">价格</span><span class="price">¥1299.00</span>
    <span class="price-original">¥1599.00</span></div>
  <div class="meta-row"><span class="label">店铺</span><a href="/shop/s1">{esc(SHOP_NAME)}</a></div>
  {promises_block(("7天无理由退货", "正品保证", "全国包邮", "3年质保"))}
</div>
</section>
<section class="detail-blocks" id="detail">{blocks}</section>
"""
    return page("【超长详情页】某品牌 人体工学椅 M8", body)
