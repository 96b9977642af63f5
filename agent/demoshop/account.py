"""Signing in to the demo shop: a session cookie, and a page that says who you are.

``/account/login`` signs in (``?user=NAME`` at once, for scripts; otherwise a form) and
sets the ``jyp_sid`` cookie to a random token; ``/whoami`` shows the signed-in user's
name, never the token, so a capture with a session can prove the cookie was sent
without the cookie's value reaching any artifact.
"""

from __future__ import annotations

from .layout import esc, page

COOKIE = "jyp_sid"


def whoami(user: str | None) -> str:
    if user is None:
        body = ('<section class="card" data-field="account"><h1>未登录</h1>'
                '<p id="whoami" data-signed-in="0">您还没有登录。<a href="/account/login">登录</a></p></section>')
    else:
        body = (f'<section class="card" data-field="account"><h1>我的账户</h1>'
                f'<p id="whoami" data-signed-in="1">已登录：{esc(user)}</p></section>')
    return page("我的账户 - 淘益购", body)


def login_form() -> str:
    body = """
<section class="card"><h1>登录淘益购（演示）</h1>
<form method="get" action="/account/login"><input name="user" placeholder="用户名">
<button>登录</button></form></section>"""
    return page("登录 - 淘益购", body)
