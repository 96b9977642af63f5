"""Demo-shop pages for issue 14's transaction anomalies, each with its innocent twin.

    /anomaly/item           a plain listing: the host it is served on decides. On a
                            look-alike host (jd.com.pay-secure.top, tmal1.com, a punycode
                            homograph) it is a ``lookalike_domain``; on item.jd.com or
                            127.0.0.1 it is the twin
    /anomaly/links          links and a coupon form whose targets are look-alike hosts
    /anomaly/links-official the twin: links to item.jd.com, detail.tmall.com, m.tb.cn, a JD
                            image host, pay.weixin.qq.com, and a search form to search.jd.com
    /anomaly/steer          a listing whose visible text steers payment and contact off the
                            platform (加微信, 加V, 转账到个人支付宝, 不走平台)
    /anomaly/steer-twin     the twin: 微信支付/支付宝 as the platform checkout's payment
                            methods, and a warning 请勿私下交易
    /anomaly/chat/steer     a seller chat: 加我微信, 私聊, 转账到我的银行卡, a look-alike
                            refund link; the buyer's own 加个微信 is not the seller's
    /anomaly/chat/twin      the buyer asks about 微信支付, the seller says to pay at the
                            platform's own checkout
    /anomaly/login          password, ID-number and card forms (served over plain HTTP)
    /anomaly/search         the twin: a search form and a restock-notice form, no secret
    /anomaly/pay-form       a card form posting to another domain (served over HTTPS)
    /anomaly/pay-form-same  the twin: posting to pay.<the page's own domain>

The chats use a third-party web-chat markup (no chat profile knows it: the generic finder
reads it), with the whole thread on the page and a start-of-history marker.
"""
from __future__ import annotations

from datetime import timedelta
from ipaddress import ip_address
from typing import TYPE_CHECKING

from .chat import chat_time
from .item_pages import promises_block
from .layout import IM_CSS, SHOP_NAME, esc, im_page, page

if TYPE_CHECKING:
    from .server import DemoShop

Answer = tuple[int, "bytes | str", str, dict[str, str]]  # status, body, content type, headers
HTML = "text/html; charset=utf-8"
PREFIX = "/anomaly/"

ITEM_TITLE = "【官方正品】某品牌 无线蓝牙耳机 Pro 主动降噪 长续航"
# A homograph of taobao.com: "tаobao.com" with a Cyrillic а, as a browser sends it.
HOMOGRAPH = "xn--tobao-4ve.com"
LOOKALIKE_LINKS = (
    ("https://taobao-vip.cn/refund?order=2391", "订单异常？点此申请退款"),
    (f"https://{HOMOGRAPH}/login", "淘宝账号安全中心"),
)
LOOKALIKE_FORM = "http://tmal1.com/coupon/claim"
OFFICIAL_LINKS = (
    ("https://item.jd.com/100012043978.html", "同款在京东"),
    ("https://detail.tmall.com/item.htm?id=600001", "天猫旗舰店同款"),
    ("https://m.tb.cn/h.5Xc9kQe", "淘宝分享链接"),
    ("https://img14.360buyimg.com/n1/jfs/t1/demo.jpg", "商品大图"),
    ("https://pay.weixin.qq.com/index.php/public/wechatpay", "微信支付商户说明"),
)
OFFICIAL_FORM = "https://search.jd.com/Search"
STEER_LINES = (
    "下单前请先加微信 shop8866521 领取内部优惠券",
    "加V私聊更便宜，转账到个人支付宝立减30元",
    "不走平台可以再便宜50，平台扣点太高",
)
TWIN_LINES = (
    "支付方式：微信支付、支付宝、银行卡快捷支付，均在平台收银台完成",
    "温馨提示：请勿私下交易，谨防诈骗；所有款项请通过平台担保交易支付",
)
CARD_ACTION = "https://card-verify.example/collect"

# (role, minutes before now, text): the chat threads, oldest first.
CHAT_SELLER = "阿强数码专营店"
CHATS: dict[str, tuple[tuple[str, int, str], ...]] = {
    "steer": (
        ("buyer", 40, "这款耳机还能便宜点吗？"),
        ("seller", 39, "亲，加我微信 aq8866521，给你算内部价"),
        ("buyer", 37, "要不我加个微信转账给你？"),
        ("seller", 36, "有问题私聊哈，这里说话不方便"),
        ("seller", 35, "直接转账到我的银行卡就行，6222 0210 0000 1234，我马上发货"),
        ("seller", 33, "之前的订单退款请点 https://jd.com.pay-secure.top/refund 填写信息"),
        ("buyer", 30, "好的，我考虑一下"),
    ),
    "twin": (
        ("buyer", 20, "可以用微信支付吗？"),
        ("seller", 19, "可以的亲，直接在平台下单，收银台选微信支付就行，资金由平台担保"),
        ("buyer", 18, "支付宝也可以吗？"),
        ("seller", 17, "支付宝、微信支付都可以，都在平台收银台付款，请勿私下转账哦"),
        ("seller", 16, "商品链接 https://item.jd.com/100012043978.html ，拍下即可"),
        ("buyer", 15, "好的，谢谢"),
    ),
}
_STYLE = "<style>\n" + IM_CSS + """.im-list { height: 520px; overflow-y: auto; }
.shop-note { background: #fffbe6; border: 1px solid #ffe58f; padding: 8px 12px; margin: 8px 0; }
.form-card form { margin: 8px 0; display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
</style>"""


def answer(shop: DemoShop, host: str, path: str, query: dict[str, str]) -> Answer | None:
    """This module's page for path (on host, the Host header without its port), or None."""
    if not path.startswith(PREFIX):
        return None
    name = path[len(PREFIX):]
    pages = {
        "item": lambda: _listing(""),
        "links": _links,
        "links-official": _links_official,
        "steer": lambda: _listing(_notes(STEER_LINES)),
        "steer-twin": lambda: _listing(_notes(TWIN_LINES)),
        "login": _login,
        "search": _search,
        "pay-form": lambda: _pay_form(CARD_ACTION),
        "pay-form-same": lambda: _pay_form(f"https://pay.{_parent(host)}/anomaly/paid"),
    }
    if name in pages:
        return 200, pages[name](), HTML, {}
    if name.startswith("chat/") and name[5:] in CHATS:
        return 200, _chat(shop, CHATS[name[5:]]), HTML, {}
    return None


def _parent(host: str) -> str:
    """``host`` without its first label (www.demo-shop.test → demo-shop.test)."""
    try:
        ip_address(host)
        return host
    except ValueError:
        return host.split(".", 1)[1] if host.count(".") >= 2 else host


def _listing(extra: str) -> str:
    body = f"""
<div class="crumbs">首页 &gt; 数码 &gt; 耳机/耳麦</div>
<section class="card product">
<div class="gallery"><img class="main-img" src="/img/1001-main.png" alt="商品主图"></div>
<div class="summary">
  <h1 class="item-title">{esc(ITEM_TITLE)}</h1>
  <div class="price-box"><span class="label">价格</span><span class="price">¥399.00</span></div>
  <div class="meta-row"><span class="label">店铺</span><a class="seller" href="/shop/s1">{esc(SHOP_NAME)}</a></div>
  <div class="meta-row"><span class="label">库存</span><span class="stock-in">有货</span></div>
  {promises_block(("7天无理由退货", "正品保障"))}
  {extra}
  <div class="btns"><a class="btn btn-cart" href="#">加入购物车</a>
    <a class="btn btn-buy" href="#">立即购买</a></div>
</div>
</section>"""
    return page(ITEM_TITLE, body, head=_STYLE)


def _notes(lines: tuple[str, ...]) -> str:
    return "".join(f'<p class="shop-note">{esc(line)}</p>' for line in lines)


def _link_list(links: tuple[tuple[str, str], ...]) -> str:
    return "".join(f'<p class="shop-note"><a href="{esc(url)}">{esc(text)}</a></p>' for url, text in links)


def _links() -> str:
    form = (f'<div class="form-card"><form action="{esc(LOOKALIKE_FORM)}" method="post">'
            '<span>天猫专享券</span><input name="mobile" placeholder="手机号">'
            '<button>领取</button></form></div>')
    return _listing(_link_list(LOOKALIKE_LINKS) + form)


def _links_official() -> str:
    form = (f'<div class="form-card"><form action="{esc(OFFICIAL_FORM)}" method="get">'
            '<input name="keyword" placeholder="在京东搜索同款"><button>搜索</button></form></div>')
    return _listing(_link_list(OFFICIAL_LINKS) + form)


def _account_page(title: str, forms: str) -> str:
    return page(title, f'<section class="card form-card"><h1 class="section-title">{esc(title)}</h1>'
                       f"{forms}</section>", head=_STYLE)


def _login() -> str:
    return _account_page("登录后购买 · 实名认证", (
        '<form id="login" action="/account/login" method="post">'
        '<input name="user" placeholder="手机号/用户名"><input type="password" name="pwd" placeholder="密码">'
        "<button>登录</button></form>"
        '<form id="verify" action="/anomaly/verify" method="post">'
        '<input name="realname" placeholder="真实姓名"><input name="idcard" placeholder="身份证号">'
        '<input name="card_no" placeholder="银行卡号" autocomplete="cc-number">'
        "<button>提交认证</button></form>"))


def _search() -> str:
    return _account_page("店内搜索 · 到货通知", (
        '<form id="search" action="/anomaly/search" method="get">'
        '<input name="q" placeholder="搜索本店商品"><button>搜索</button></form>'
        '<form id="notify" action="/anomaly/notify" method="post">'
        '<input type="email" name="email" placeholder="邮箱"><input type="number" name="qty" value="1">'
        "<button>到货通知我</button></form>"))


def _pay_form(action: str) -> str:
    return _account_page("收银台 · 银行卡支付", (
        f'<form id="pay" action="{esc(action)}" method="post">'
        '<input name="holder" placeholder="持卡人姓名">'
        '<input name="cardnumber" placeholder="卡号" autocomplete="cc-number">'
        '<input name="cvv" placeholder="安全码" autocomplete="cc-csc">'
        "<button>确认支付 ¥399.00</button></form>"))


def _chat(shop: DemoShop, lines: tuple[tuple[str, int, str], ...]) -> str:
    now = shop.now()
    return im_page(CHAT_SELLER, [
        (f"m{n}", role, chat_time(now - timedelta(minutes=minutes), now), esc(text))
        for n, (role, minutes, text) in enumerate(lines, 1)], _STYLE)
