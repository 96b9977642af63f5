"""Page shell shared by every demo shop page: head, top bar, footer."""

from __future__ import annotations

from html import escape
from importlib import resources

SHOP_NAME = "某品牌官方旗舰店"
MARKET_NAME = "淘益购"


# A third-party chat widget's look, shared by the demo chats of the anomaly and QR pages
# (inside a page's <style>, before the page's own rules).
IM_CSS = """.im-box { width: 720px; margin: 16px auto; background: #fff; border: 1px solid #d9d9d9; }
.im-head { padding: 10px 14px; background: #2f3542; color: #fff; }
.im-list { padding: 10px 14px; background: #f2f3f5; }
.im-tip { text-align: center; color: #aaa; font-size: 12px; margin: 6px 0; }
.im-row { margin: 10px 0; max-width: 80%; }
.im-row.im-right { margin-left: auto; text-align: right; }
.im-info { font-size: 12px; color: #999; }
.im-text { display: inline-block; background: #fff; padding: 8px 12px; border-radius: 6px; text-align: left; }
.im-right .im-text { background: #cfe8ff; }
"""


def esc(text: object) -> str:
    """HTML-escape any value for text and attribute positions."""
    return escape(str(text), quote=True)


def asset(name: str) -> bytes:
    """Bytes of a static file shipped in ``agent/demoshop/pages/``."""
    return (resources.files(__package__) / "pages" / name).read_bytes()


def _topbar(lang: str) -> str:
    if lang.startswith("en"):
        return (
            '<header class="topbar"><div class="inner">'
            '<a class="logo" href="/en/">TaoYiGo</a>'
            '<form class="search" action="/en/" method="get">'
            '<input name="q" placeholder="Search products"><button>Search</button></form>'
            '<nav><a href="/en/">Home</a><a href="/">中文</a></nav>'
            "</div></header>"
        )
    return (
        '<header class="topbar"><div class="inner">'
        f'<a class="logo" href="/">{MARKET_NAME}</a>'
        '<form class="search" action="/" method="get">'
        '<input name="q" placeholder="搜索 商品/品牌/店铺"><button>搜索</button></form>'
        '<nav><a href="/">首页</a><a href="/shop/s1">店铺</a><a href="/en/">English</a></nav>'
        "</div></header>"
    )


def _footer(lang: str) -> str:
    if lang.startswith("en"):
        text = "TaoYiGo demo marketplace. For testing jianyipai only; nothing here is for sale."
    else:
        text = f"{MARKET_NAME} 演示商城 · 仅供检益拍测试使用 · 页面内容均为虚构"
    return f'<footer class="footer">{esc(text)}</footer>'


def page(
    title: str,
    body: str,
    *,
    lang: str = "zh-CN",
    charset: str = "utf-8",
    head: str = "",
    scripts: tuple[str, ...] = (),
    chrome: bool = True,
) -> str:
    """A complete HTML document; ``chrome`` adds the market's top bar and footer."""
    tags = "".join(f'<script src="/static/{esc(s)}"></script>' for s in scripts)
    top = _topbar(lang) if chrome else ""
    bottom = _footer(lang) if chrome else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang)}"><head><meta charset="{esc(charset)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title>"
        '<link rel="stylesheet" href="/static/shop.css">'
        f"{head}{tags}</head>\n<body>{top}\n"
        f'<main class="wrap">{body}</main>\n{bottom}</body></html>\n'
    )


def im_page(seller: str, messages: list[tuple[str, str, str, str]], head: str) -> str:
    """A third-party chat widget's page (the look of ``IM_CSS``): ``messages`` are
    ``(message id, "buyer"|"seller", time shown, inner HTML)``, oldest first, the whole history
    (its top says there is no more)."""
    rows = []
    for msg_id, role, shown, inner in messages:
        side, sender = ("im-right", "我") if role == "buyer" else ("im-left", seller)
        rows.append(f'<div class="im-row {side}" data-msg-id="{esc(msg_id)}">'
                    f'<div class="im-info"><span class="im-name">{esc(sender)}</span> '
                    f'<span class="im-time">{esc(shown)}</span></div>'
                    f'<div class="im-text">{inner}</div></div>')
    body = (f'<section class="im-box"><div class="im-head"><span class="im-shop">{esc(seller)}</span>'
            ' · 在线咨询</div><div class="im-list"><div class="im-tip">没有更多消息了</div>'
            f'{"".join(rows)}</div></section>')
    return page(f"{seller} - 在线咨询", body, head=head)
