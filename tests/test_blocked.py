"""extractors.blocked: login walls and captchas, without flagging real listings."""
from __future__ import annotations

import pytest

from agent.demoshop import blocked_pages, en_pages, item_pages, misc_pages
from extractors.blocked import detect_blocked


@pytest.mark.parametrize("html", [item_pages.item_1001(1), item_pages.item_1001(2),
                                  item_pages.item_1003(), en_pages.item_1002(), misc_pages.home(),
                                  misc_pages.removed(), misc_pages.shop_s1()])
def test_demo_shop_pages_are_not_blocked(html: str) -> None:
    assert detect_blocked(html, "http://shop/item/1001", status=200, title="商品", text=html) is None


def test_captcha_and_login_pages_are_blocked() -> None:
    cap = blocked_pages.captcha("/item/1001")
    assert detect_blocked(cap, "http://shop/item/1001", title="安全验证", text="请拖动下方滑块完成验证")["kind"] == "captcha"
    log = blocked_pages.login("/item/1001")
    assert detect_blocked(log, "http://shop/item/1001", title="登录 - 淘益购", text="请登录")["kind"] == "login"


@pytest.mark.parametrize("url, kind", [
    ("https://login.taobao.com/member/login.jhtml?redirect=x", "login"),
    ("https://detail.tmall.com/item.htm/_____tmd_____/punish?x5secdata=1", "captcha"),
    ("https://www.amazon.com/errors/validateCaptcha", "captcha"),
])
def test_redirects_to_login_or_verification_urls(url: str, kind: str) -> None:
    assert detect_blocked("<html></html>", url, status=200, title="", text="")["kind"] == kind


def test_weak_words_need_a_short_page_without_a_price() -> None:
    text = "请登录 免费注册\n" + "商品详情 " * 300
    assert detect_blocked("<p>x</p>", "http://s/i", title="耳机", text=text) is None
    assert detect_blocked("<p>x</p>", "http://s/i", title="耳机", text="请登录", has_price=True) is None
    assert detect_blocked("<p>x</p>", "http://s/i", status=403, title="", text="no")["kind"] == "antibot"
