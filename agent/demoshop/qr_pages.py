"""Demo-shop pages with QR codes (issue 14), each finding with its innocent twin. The codes
are drawn at request time with segno, as real PNG images the browser shows and shoots.

    /qr/item/lookalike  a listing whose detail section, far below the first screen, ends with
                        a "scan to claim your coupon" code opening a look-alike of jd.com
    /qr/item/official   the twin: the same code opens the item on item.jd.com
    /qr/item/pay        a listing with a WeChat Pay personal receive code (wxp://f2f0…)
                        beside 扫码付款更优惠
    /qr/checkout        the twin: the platform's own checkout shows a WeChat Pay order code
                        (weixin://wxpay/bizpayurl…) to pay the order (capture it as checkout)
    /qr/chat/pay        a seller chat: the seller sends an Alipay receive code as an image,
                        after the buyer sent a photo of the parcel
    /qr/chat/twin       the twin: the seller sends a code of the item on item.jd.com
    /qr/img/NAME.png    the codes (NAME from CODES)

The chats use the same third-party web-chat markup as anomaly_pages (the generic chat
finder reads it), the whole thread on the page.
"""
from __future__ import annotations

import io
from datetime import timedelta
from typing import TYPE_CHECKING

import segno

from .chat import chat_time
from .item_pages import promises_block
from .layout import IM_CSS, esc, im_page, page

if TYPE_CHECKING:
    from .server import DemoShop

Answer = tuple[int, "bytes | str", str, dict[str, str]]  # status, body, content type, headers
HTML = "text/html; charset=utf-8"
PREFIX = "/qr/"

# name -> what the code says
CODES = {
    "lookalike": "https://jd.com.pay-secure.top/pay?coupon=50",
    "official": "https://item.jd.com/100012043978.html",
    "wxpay": "wxp://f2f0Hq3kZ8bQ2mV7nR1xLp4sT9yW6cD5eG0aJ",
    "checkout": "weixin://wxpay/bizpayurl?pr=Xy7Qk2Lm",
    "alipay": "https://qr.alipay.com/fkx12345abcde6789fghij",
}
ITEM_TITLE = "【新品】某品牌 智能手环 8 心率血氧监测 超长续航"
CHAT_SELLER = "阿强数码专营店"
PARCEL_PHOTO = "/img/chat-photo-qr.svg"
# (role, minutes before now, text, code shown as an image or None), oldest first
CHATS: dict[str, tuple[tuple[str, int, str, str | None], ...]] = {
    "pay": (
        ("buyer", 30, "手环收到了，屏幕有划痕", None),
        ("buyer", 29, "[图片]", "parcel"),
        ("seller", 27, "亲，给您补偿20元，扫这个码付差价就能换新", None),
        ("seller", 26, "[图片]", "alipay"),
        ("buyer", 25, "好的", None),
    ),
    "twin": (
        ("buyer", 20, "新款在哪里买？", None),
        ("seller", 19, "亲，扫码打开商品页，在平台下单就可以", None),
        ("seller", 18, "[图片]", "official"),
        ("buyer", 17, "好的，谢谢", None),
    ),
}
_STYLE = "<style>\n" + IM_CSS + """.qr-card { display: flex; gap: 16px; align-items: center; background: #fffbe6;
  border: 1px solid #ffe58f; padding: 12px; margin: 12px 0; }
.qr-card img, .im-text img { image-rendering: pixelated; display: block; }
.detail p { line-height: 2; margin: 0 0 24px; }
.pay-box { text-align: center; padding: 16px; }
</style>"""


def answer(shop: DemoShop, host: str, path: str, query: dict[str, str]) -> Answer | None:
    """This module's page for path (on host, the Host header without its port), or None."""
    if not path.startswith(PREFIX):
        return None
    name = path[len(PREFIX):]
    if name.startswith("img/") and name.endswith(".png") and name[4:-4] in CODES:
        return 200, code_png(CODES[name[4:-4]]), "image/png", {}
    pages = {
        "item/lookalike": lambda: _listing(_detail("lookalike", "扫码领取50元京东支付券")),
        "item/official": lambda: _listing(_detail("official", "扫码查看京东同款")),
        "item/pay": lambda: _listing(_qr_card("wxpay", "扫码付款更优惠：微信扫一扫，立减30元")),
        "checkout": _checkout,
    }
    if name in pages:
        return 200, pages[name](), HTML, {}
    if name.startswith("chat/") and name[5:] in CHATS:
        return 200, _chat(shop, CHATS[name[5:]]), HTML, {}
    return None


def code_png(text: str, scale: int = 5) -> bytes:
    """``text`` as a QR code PNG (error correction M, quiet zone of four modules)."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def _qr_card(code: str, caption: str) -> str:
    return (f'<div class="qr-card"><img src="/qr/img/{code}.png" alt="二维码">'
            f"<span>{esc(caption)}</span></div>")


def _detail(code: str, caption: str) -> str:
    """A long product description (as real detail sections are), the code at its end."""
    paragraphs = "".join(
        f"<p>第{n}屏 · 产品详情：1.47 英寸 AMOLED 高清彩屏，心率、血氧、睡眠全天监测；"
        "150 余种运动模式，5ATM 防水，典型使用续航 14 天。</p>" for n in range(1, 41))
    return f'<section class="card detail"><h2 class="section-title">商品详情</h2>{paragraphs}{_qr_card(code, caption)}</section>'


def _listing(extra: str) -> str:
    body = f"""
<div class="crumbs">首页 &gt; 数码 &gt; 智能手环</div>
<section class="card product">
<div class="gallery"><img class="main-img" src="/img/1001-main.png" alt="商品主图"></div>
<div class="summary">
  <h1 class="item-title">{esc(ITEM_TITLE)}</h1>
  <div class="price-box"><span class="label">价格</span><span class="price">¥269.00</span></div>
  <div class="meta-row"><span class="label">库存</span><span class="stock-in">有货</span></div>
  {promises_block(("7天无理由退货", "正品保障"))}
  <div class="btns"><a class="btn btn-buy" href="#">立即购买</a></div>
</div>
</section>
{extra}"""
    return page(ITEM_TITLE, body, head=_STYLE)


def _checkout() -> str:
    body = f"""
<section class="card pay-box">
  <h1 class="section-title">收银台 · 订单 2391</h1>
  <p>{esc(ITEM_TITLE)} × 1</p>
  <p>应付金额 <strong class="price">¥269.00</strong></p>
  <p>请使用微信扫一扫完成支付（资金由平台担保，确认收货后才付给卖家）</p>
  <img src="/qr/img/checkout.png" alt="微信支付二维码" style="margin: 0 auto">
</section>"""
    return page("收银台 - 微信支付", body, head=_STYLE)


def _chat(shop: DemoShop, lines: tuple[tuple[str, int, str, str | None], ...]) -> str:
    now = shop.now()
    messages = []
    for n, (role, minutes, text, code) in enumerate(lines, 1):
        src = PARCEL_PHOTO if code == "parcel" else f"/qr/img/{code}.png"
        inner = esc(text) if code is None else f'<img src="{esc(src)}" alt="{esc(text)}">'
        messages.append((f"q{n}", role, chat_time(now - timedelta(minutes=minutes), now), inner))
    return im_page(CHAT_SELLER, messages, _STYLE)
