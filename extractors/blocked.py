"""Is this page a login wall, a captcha or an anti-bot page instead of the listing?

``detect_blocked(html, url, *, status, title, text)`` returns ``{kind, reason}`` with
``kind`` one of ``login``, ``captcha``, ``antibot``, or None. Pure: no browser, no network.

Strong signs are enough alone: the final URL on a login or verification path, a captcha
widget in the markup, a title that names a check. Weak signs (the words 请登录 or
"sign in" in the text) count only on a short page that shows no price, because real
listings carry "请登录" links in their headers.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

_URL = [
    (re.compile(r"(^|[./])(login|passport|signin|sso)\.|/(login|signin|sign-in|member/login)"
                r"(\.\w+)?($|[/?#])", re.I), "login", "the page moved to a login URL"),
    (re.compile(r"captcha|/punish|_____tmd_____|x5sec|/verify(/|$|\?)|(^|/)sec\.|/challenge", re.I),
     "captcha", "the page moved to a verification URL"),
]
_MARKUP = [
    (re.compile(r"nc_iconfont|nc-container|baxia-dialog|class=\"[^\"]*\bcaptcha\b|id=\"[^\"]*captcha"
                r"|g-recaptcha|h-captcha|cf-turnstile|geetest|data-blocked=\"captcha\"", re.I),
     "captcha", "a captcha widget is on the page"),
    (re.compile(r"cf-browser-verification|challenge-platform|_cf_chl_opt|data-blocked=\"antibot\"",
                re.I), "antibot", "an anti-bot challenge is on the page"),
    (re.compile(r"data-blocked=\"login\"", re.I), "login", "the page is a login wall"),
]
_TITLE = [
    (re.compile(r"验证码|安全验证|滑块验证|人机验证|captcha|robot check|are you a robot|"
                r"attention required|just a moment", re.I), "captcha", "the title asks for a check"),
    (re.compile(r"访问受限|访问被拒绝|access denied|unusual traffic|请求过于频繁", re.I), "antibot",
     "the title says access is denied"),
    (re.compile(r"^\s*(登录|用户登录|请登录|sign in|log in|login)\b", re.I), "login",
     "the title is a login page"),
]
_TEXT = [
    (re.compile(r"拖动(下方)?滑块|请按住滑块|完成(安全)?验证|输入验证码|unusual traffic|"
                r"verify you are (a )?human", re.I), "captcha", "the page asks to prove a human is there"),
    (re.compile(r"请(先)?登录|登录后(查看|继续|购买)|sign in to continue|please (sign|log) in", re.I),
     "login", "the page asks to log in"),
    (re.compile(r"访问(被)?(拒绝|受限)|access denied|too many requests|请求过于频繁", re.I),
     "antibot", "the page refuses access"),
]
SHORT_TEXT = 800


def detect_blocked(html: str, url: str, *, status: int | None = None, title: str | None = None,
                   text: str | None = None, has_price: bool = False) -> dict[str, Any] | None:
    try:
        path = urlsplit(url or "")
        where = f"{path.netloc}{path.path}?{path.query}"
    except ValueError:  # a malformed address (an invalid IPv6 host) is still matched
        where = url or ""
    for rx, kind, reason in _URL:
        if rx.search(where):
            return {"kind": kind, "reason": reason}
    head = html[:200_000]
    for rx, kind, reason in _MARKUP:
        if rx.search(head):
            return {"kind": kind, "reason": reason}
    for rx, kind, reason in _TITLE:
        if title and rx.search(title):
            return {"kind": kind, "reason": reason}
    body = text if text is not None else ""
    short = len(body.strip()) <= SHORT_TEXT
    if short and not has_price:
        for rx, kind, reason in _TEXT:
            if rx.search(body):
                return {"kind": kind, "reason": reason}
        if status in (401, 403, 429):
            return {"kind": "antibot", "reason": f"HTTP {status} with a short page"}
    return None
