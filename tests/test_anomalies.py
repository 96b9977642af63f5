"""Transaction anomalies from one record (issue 14): each finding and its innocent twin."""
from __future__ import annotations

import pytest

from agent.records import build_record
from extractors import extract_chat
from extractors.anomalies import (
    MAX_PER_CODE,
    find_anomalies,
    hosts_in_text,
    lookalike,
    official_owner,
    steering,
)
from extractors.data import load_toml


def codes(anomalies):
    return [a["code"] for a in anomalies]


@pytest.mark.parametrize("host,imitates,how", [
    ("jd.com.pay-secure.top", "jd.com", "official_inside"),
    ("paypal.com.secure-login.top", "paypal.com", "official_inside"),
    ("taobao-vip.cn", "taobao.com", "brand_lure"),
    ("tmall-shop.com", "tmall.com", "brand_lure"),
    ("jd-pay.top", "jd.com", "brand_lure"),
    ("ebaylogin.com", "ebay.com", "brand_lure"),
    ("tmal1.com", "tmall.com", "spelling"),
    ("taobA0.com", "taobao.com", "spelling"),
    ("jingdon.com", "jd.com", "spelling"),
    ("pinduoduu.com", "pinduoduo.com", "spelling"),
    ("xn--tobao-4ve.com", "taobao.com", "homograph"),  # tаobao.com, Cyrillic а
    ("t\u0430obao.com", "taobao.com", "homograph"),
    ("jd.com.cn", "jd.com", "other_suffix"),
    ("taobao.net", "taobao.com", "other_suffix"),
])
def test_lookalike_hosts(host, imitates, how):
    hit = lookalike(host)
    assert hit is not None and (hit["imitates"], hit["how"]) == (imitates, how)


@pytest.mark.parametrize("host", [
    "item.taobao.com", "m.tb.cn", "3.cn", "u.jd.com", "a.co", "ebay.us", "www.amazon.co.uk",
    "m.media-amazon.com", "pay.weixin.qq.com", "jdpay.com", "mobile.yangkeduo.com",
    # unrelated hosts that merely share letters with a brand
    "jdsports.com", "jd-sports.com", "small.com", "tuning.com", "amazonas.gov.br",
    "qqmusic.com", "example.com", "127.0.0.1", "localhost",
])
def test_official_and_unrelated_hosts_are_innocent(host):
    assert lookalike(host) is None


# Hosts real listings link to: the platforms' sites, CDN, short-link and group-company hosts
# (each domain is in official_domains.toml with its source), and sites their footers link.
REAL_HOSTS = """
img.alicdn.com g.alicdn.com img.taobaocdn.com g.tbcdn.cn m.tb.cn login.taobao.com
detail.tmall.com www.tmall.hk xiaomi.tmall.com www.1688.com www.alibabagroup.com www.aliyun.com
www.alimama.com www.fliggy.com www.amap.com www.dingtalk.com www.ele.me www.alibabacloud.com
www.aliexpress.us aliexpress.ru ae-pic-a1.aliexpress-media.com www.goofish.com
gw.alipayobjects.com render.alipay.hk www.alipayhk.com
www.jd.com 3.cn www.jd.hk img14.360buyimg.com www.jdpay.com www.jdl.com www.jdcloud.com
www.joybuy.com mobile.yangkeduo.com img.pddpic.com temu.to img.kwcdn.com
pay.weixin.qq.com res.wx.qq.com global.tenpay.com www.wechat.com thirdwx.qlogo.cn
image.suning.cn www.vip.com v.douyin.com www.iesdouyin.com p3-pc.douyinpic.com
haohuo.jinritemai.com v.kuaishou.com tx2.a.yximgs.com xhslink.com sns-img-qc.xhscdn.com
p0.meituan.net www.dianping.com
www.amazon.com.be www.amazon.co.za www.amazon.ie amzn.eu amzn.asia amzn.in amzn.to
images-na.ssl-images-amazon.com mybucket.s3.amazonaws.com www.amazon.jobs www.amazon.science
ir.aboutamazon.com www.audible.com www.zappos.com www.woot.com
i.ebayimg.com ir.ebaystatic.com vi.vipr.ebaydesc.com www.ebayinc.com www.ebaymainstreet.com
www.tcgplayer.com paypal.me www.paypalobjects.com www.paypal-community.com
uk.shein.com img.ltwebstatic.com i5.walmartimages.com
shopee.tw down-sg.img.susercontent.com www.lazada.sg lzd-img-global.slatic.net
item.rakuten.co.jp www.rakuten-card.co.jp www.rakuten-bank.co.jp tshop.r10s.jp
www.mercadolivre.com.br www.mercadopago.com.ar http2.mlstatic.com
www.beian.gov.cn www.shopify.com allegro.pl www.etsy.com www.jdpower.com www.tmallgenie.com
""".split()

# Look-alikes of many platforms, in every way the rules name.
LOOKALIKES = """
jd.com.pay-secure.top item.jd.com.cn-refund.top paypal.com.account-verify.info
amazon.co.jp.signin-check.net ebay.com-item.top
taobao-vip.cn tmall-shop.com jd-pay.top ebaylogin.com paypal-secure-login.com amazon-refund.net
alipay-kefu.com pinduoduo-tuikuan.com shopee-claim.com rakuten-card.top m.taobao-h5.cc
jdmall.vip tmall888.com 1688-pay.top qq-kefu.top weixin-pay.top douyin-shop.top
taobao.lvshop.cn tmal1.com taoba0.com jingdon.com aliexpres.com paypa1.com amaz0n.com
rnercadolibre.com wallmart.com xiaohongshv.com
xn--tobao-4ve.com xn--ypal-43d9g.com xn--mazon-3ve.com xn--lipay-3ve.cn
jd.com.cn taobao.net amazon.xyz shopee.top meituan.vip temu.shop
""".split()


def test_real_platform_hosts_are_not_flagged():
    assert [(h, lookalike(h)) for h in REAL_HOSTS if lookalike(h)] == []
    # linked from a real listing, none is a finding; the look-alikes each are
    links = "".join(f'<a href="https://{h}/x">{h}</a>' for h in REAL_HOSTS + LOOKALIKES)
    found = find_anomalies({"kind": "listing"}, links, "https://item.taobao.com/item.htm?id=1")
    # (the first MAX_PER_CODE of them: a page of many bad links says enough)
    assert [a["evidence"]["host"] for a in found] == LOOKALIKES[:MAX_PER_CODE]


def test_every_lookalike_is_flagged():
    assert [h for h in LOOKALIKES if lookalike(h) is None] == []
    assert lookalike("qq-kefu.top")["imitates"] == "qq.com"  # the domain the brand names
    assert lookalike("xn--ypal-43d9g.com")["how"] == "homograph"  # two Cyrillic letters


def test_official_domains_data():
    seen: dict[str, str] = {}
    for item in load_toml("official_domains.toml")["platform"]:
        assert item["source"].strip() and item["owner"].strip(), item["name"]
        for domain in item["domains"]:
            assert domain == domain.lower() and domain not in seen, (domain, seen.get(domain))
            seen[domain] = item["name"]
            assert official_owner("www." + domain) == item["owner"]
            assert lookalike(domain) is None and lookalike("shop." + domain) is None


def test_page_host_links_and_form_targets():
    html = ('<a href="https://jd.com.pay-secure.top/refund">退款</a>'
            '<a href="https://item.jd.com/1.html">商品</a><a href="/help">帮助</a>'
            '<a href="http://jd.com@tmal1.com/x">x</a>'
            '<form action="https://taobao-vip.cn/login"><input name=q></form>')
    found = find_anomalies({"kind": "listing"}, html, "https://item.jd.com/2.html")
    assert [(a["evidence"]["where"], a["evidence"]["host"]) for a in found] == [
        ("link", "jd.com.pay-secure.top"), ("link", "tmal1.com"), ("form", "taobao-vip.cn")]
    assert all(a["severity"] == "danger" for a in found)
    assert found[0]["evidence"]["url"] == "https://jd.com.pay-secure.top/refund"
    assert found[0]["text"]["zh"] and found[0]["text"]["en"]
    page = find_anomalies({"kind": "listing"}, "<h1>x</h1>", "https://tmall-shop.com/item/1")
    assert (page[0]["evidence"]["where"], page[0]["evidence"]["imitates"]) == ("page", "tmall.com")


def chat(*messages):
    rows = "".join(
        f'<div class="msg msg-{role}"><span class="name">{"我" if role == "buyer" else "客服小美"}'
        f'</span><time>今天 14:0{n}</time><div class="bubble">{text}</div></div>'
        for n, (role, text) in enumerate(messages))
    return extract_chat(f'<div class="chat-list">{rows}</div>', "https://shop.example/chat",
                        captured_at="2027-11-27T07:00:00Z", timezone="Asia/Shanghai")


def test_seller_steering_off_platform_in_chat():
    record = chat(("buyer", "可以便宜点吗"), ("seller", "加我微信 abc12345，直接转账到我支付宝，便宜50"),
                  ("seller", "好的"))
    found = [a for a in find_anomalies(record, None, record["url"])
             if a["code"] == "offplatform_payment"]
    assert len(found) == 1
    seller = record["messages"][1]
    assert found[0]["severity"] == "danger"
    assert found[0]["evidence"]["message_id"] == seller["id"]
    assert found[0]["evidence"]["text"] == seller["text"]
    assert "加我微信" in found[0]["evidence"]["matched"]


@pytest.mark.parametrize("text", [
    "走平台要加5%手续费", "扫码付款，发你收款码", "不走平台的话再便宜20", "微信转账也行",
    "Please pay via PayPal friends and family", "Western Union only",
])
def test_seller_payment_steers(text):
    record = chat(("buyer", "在吗"), ("seller", text), ("seller", "好的"))
    assert codes(find_anomalies(record, None, record["url"])) == ["offplatform_payment"]


@pytest.mark.parametrize("messages", [
    # the platform's own checkout takes WeChat Pay
    [("buyer", "可以微信付款吗"), ("seller", "可以的，我们支持微信支付，在平台下单结算即可"), ("seller", "好的")],
    # the buyer asks: buyers never trigger
    [("buyer", "可以加微信吗？能转账到你支付宝吗"), ("seller", "亲，请在平台下单哦"), ("seller", "好的")],
    # warnings against it
    [("buyer", "在吗"), ("seller", "请勿私下交易，不要加微信，谨防诈骗"), ("seller", "We never accept Western Union")],
])
def test_innocent_chats(messages):
    record = chat(*messages)
    assert "offplatform_payment" not in codes(find_anomalies(record, None, record["url"]))


# What marketplaces and sellers write that is not steering: the platform's own payment
# methods and escrow, account pages, warnings against steering. Each has its steer twin.
@pytest.mark.parametrize("text,twin", [
    ("登录个人账户查看订单", "转账到个人账户立减30"),
    ("个人银行卡快捷支付", "打款到个人银行卡"),
    ("支付宝担保交易：买家先付款到支付宝，确认收货后卖家才能拿到钱", "付款到我的支付宝"),
    ("走平台更安全，无手续费", "走平台要加手续费"),
    ("走平台不加价，放心购买", "走平台的话贵一点"),
    ("本店不支持私下交易", "私下交易更便宜"),
    ("不接受微信转账，请在平台下单", "微信转账也行"),
    ("谢绝私下交易", "平台不支持，加我微信"),
])
def test_steering_words_in_context(text, twin):
    assert steering(text) == []
    assert steering(twin) != []


def test_hosts_in_chat_text():
    text = "图片 jd.png 已发，文件 report.pdf，node.js 写的；官网 taobao-vip.cn 和 https://x.test/a"
    assert [host for host, _ in hosts_in_text(text)] == ["taobao-vip.cn", "x.test"]


def test_chat_link_lookalike_from_any_sender():
    record = chat(("buyer", "在吗"), ("seller", "退款请点 http://taobao-vip.cn/refund 填写"),
                  ("seller", "官方链接 https://m.tb.cn/h.abc 也行"))
    found = [a for a in find_anomalies(record, None, record["url"])
             if a["code"] == "lookalike_domain"]
    assert [a["evidence"]["host"] for a in found] == ["taobao-vip.cn"]
    assert found[0]["evidence"]["message_id"] == record["messages"][1]["id"]


def test_listing_text_steering():
    html = "<h1>iPhone 15</h1><p>价格可议，加V详聊，走平台要加手续费</p>"
    found = find_anomalies({"kind": "listing"}, html, "https://item.taobao.com/item.htm?id=1")
    assert codes(found) == ["offplatform_payment"]
    assert found[0]["evidence"]["text"] == "价格可议，加V详聊，走平台要加手续费"
    # an independent shop's own WhatsApp contact is its own channel: no finding
    shop = "<h1>Lamp</h1><p>Questions? Contact us on WhatsApp.</p>"
    assert find_anomalies({"kind": "listing"}, shop, "https://lamps.example/p/1") == []
    # ...but on a marketplace it steers off the platform
    assert codes(find_anomalies({"kind": "listing"}, shop, "https://www.ebay.com/itm/1")) == [
        "offplatform_payment"]


def test_insecure_forms():
    login = '<form action="/login" method="post"><input name=user><input type=password name=pw></form>'
    found = find_anomalies({"kind": "listing"}, login, "http://shop.example/login")
    assert codes(found) == ["insecure_form"]
    assert found[0]["evidence"]["reasons"] == ["http_page"]
    assert found[0]["evidence"]["fields"] == ["password"]
    assert find_anomalies({"kind": "listing"}, login, "https://shop.example/login") == []
    card = ('<form action="https://collect.example.net/p"><input name="cardNumber">'
            '<input placeholder="身份证号"></form>')
    found = find_anomalies({"kind": "listing"}, card, "https://shop.example/pay")
    assert found[0]["evidence"]["reasons"] == ["other_domain"]
    assert found[0]["evidence"]["fields"] == ["card", "id_number"]
    assert found[0]["evidence"]["action"] == "https://collect.example.net/p"
    # one owner's domains: a Tmall page posting its login to Taobao is not another domain
    tmall = '<form action="https://login.taobao.com/x"><input type=password></form>'
    assert find_anomalies({"kind": "listing"}, tmall, "https://detail.tmall.com/item.htm") == []
    # a form without sensitive fields (a search box, PayPal's hidden-field button) is innocent
    search = '<form action="http://www.paypal.com/cgi-bin/webscr"><input type=hidden name=amount></form>'
    assert find_anomalies({"kind": "listing"}, search, "http://shop.example/") == []
    # a coupon site's box for a pasted 淘口令 (a share code) asks for no password
    code = '<form action="/parse"><input name="code" placeholder="粘贴淘口令，查优惠券"></form>'
    assert find_anomalies({"kind": "listing"}, code, "http://quan.example/") == []
    # an official domain below its registrable one: amazon.com.be (PSL: com.be) posting to
    # amazon.com is one owner; to another com.be site it is not
    be = '<form action="https://www.amazon.com/ap/signin"><input type=password></form>'
    assert find_anomalies({"kind": "listing"}, be, "https://www.amazon.com.be/dp/B01") == []
    other = find_anomalies({"kind": "listing"}, be.replace("www.amazon.com", "pay.com.be"),
                           "https://www.amazon.com.be/dp/B01")
    assert other[0]["evidence"]["reasons"] == ["other_domain"]


def test_broken_input_gives_nothing():
    assert find_anomalies({}, "", None) == []
    assert find_anomalies({"messages": [None, {"text": 5}, {"role": "seller"}]}, "<<<", "x") == []


def test_build_record_adds_anomalies():
    html = ('<html><head><title>x</title></head><body><h1>包邮 T恤</h1><span class=price>¥99</span>'
            '<p>拍下联系客服，转账到我支付宝可优惠</p><a href="https://jd.com.pay-secure.top/">领券</a>'
            '</body></html>')
    record = build_record("listing", html, "https://item.jd.com/100.html", status=200, title="x")
    assert codes(record["anomalies"]) == ["lookalike_domain", "offplatform_payment"]
    assert "candidates" in record["anomalies_note"]
    clean = build_record("listing", "<h1>T恤</h1><span class=price>¥99</span>",
                         "https://item.jd.com/100.html", status=200, title="x")
    assert clean["anomalies"] == []


def test_build_record_keeps_the_capture_when_anomalies_fail(monkeypatch):
    import agent.records

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(agent.records, "find_anomalies", broken)
    record = build_record("listing", "<h1>T恤</h1><span class=price>¥99</span>",
                          "https://item.jd.com/100.html", status=200, title="x")
    assert record["anomalies"] == [] and record["price"]["amount"] == "99.00"
    assert any(w.startswith("anomalies failed (RuntimeError: boom)") for w in record["warnings"])


def test_show_lists_anomalies():
    from agent.cli.output import record_text

    record = {"kind": "listing", "title": "x", "anomalies": find_anomalies(
        {}, "", "https://taobao-vip.cn/item")}
    assert "anomaly    danger lookalike_domain: " in record_text("f.html", record)
    from agent.cli.output import snapshot_text

    shown = snapshot_text("ab" * 32, {"target": {"url": "u", "kind": "listing"}}, record)
    assert "anomaly    danger lookalike_domain: " in shown
