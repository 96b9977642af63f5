"""Pages a shop shows instead of a listing: a slider captcha and a login wall."""

from __future__ import annotations

from .layout import esc, page


def captcha(path: str) -> str:
    """What a marketplace answers a crawler with: a slider check, no listing."""
    body = f"""
<section class="card" data-blocked="captcha">
  <h1>安全验证</h1>
  <p>访问 {esc(path)} 前，请拖动下方滑块完成验证。</p>
  <div class="captcha-slider" id="nc_captcha"><span class="nc-handle">&gt;&gt;</span></div>
</section>
"""
    return page("安全验证", body, chrome=False)


def login(path: str) -> str:
    body = f"""
<section class="card" data-blocked="login">
  <h1>请登录</h1>
  <p>登录后查看 {esc(path)}。</p>
  <form><input name="u" placeholder="手机号"><input name="p" type="password"><button>登录</button></form>
</section>
"""
    return page("登录 - 淘益购", body, chrome=False)
