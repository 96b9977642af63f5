"""Chat windows as real web chats build them, for the generic finder (no profile knows them).

    /im/late        a plain scrollable list, empty at ``load``: the newest 20 of 60 messages
                    arrive by fetch() a moment later, older ones 20 at a time when the list
                    is scrolled to the top, 没有更多消息了 at the start; ``?reverse=1`` the
                    same as a column-reverse list, ``?remount=1`` with the list element
                    replaced after each older page
    /im/window      a windowed list (react-window style): 90 messages, 30 fetched after
                    load and 30 more at the top; only the rows near the viewport are in the
                    DOM (never more than 25), absolutely positioned and recycled
    /im/frame       a shop page whose customer-service widget is an <iframe> from the other
                    origin (127.0.0.1 and localhost are two origins) holding the late thread
    /im/widget      that widget's own document
    /im/shadow      the late thread inside an open shadow root (a <kf-widget> element)
    /im/frame-hang  a shop page whose widget frame never answers (/im/never)

The messages come from ``/api/im/<late|window>/messages?before=ID&limit=N`` (pages/im.js).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from .chat import Message
from .im_data import IM_SENDERS, LATE, LATE_SHOP, WINDOWED_DAYS, windowed_lines
from .layout import esc, page

THREADS = ("late", "window")
PAGES = ("late", "window", "frame", "widget", "shadow", "frame-hang")
PAGE_SIZE = {"late": 20, "window": 30}
API = "/api/im/{}/messages"
HEAD = '<link rel="stylesheet" href="/static/im.css">'


def _message(mid: int, line: str, when: datetime) -> Message:
    code, text = line.split(":", 1)
    sender, role = IM_SENDERS[code]
    return Message(mid, sender, role, when, text)


def messages(thread: str, now: datetime, anchor: date | None = None) -> list[Message]:
    """Every message of a thread, oldest first, ids from 1."""
    base = anchor or now.date()
    out: list[Message] = []
    if thread == "late":
        for days, start, lines in LATE:
            when = datetime.combine(base - timedelta(days=days), time.fromisoformat(start))
            for i, line in enumerate(lines):
                out.append(_message(len(out) + 1, line, when + timedelta(minutes=i)))
        return out
    if thread == "window":
        lines = windowed_lines()
        for days, start, count in WINDOWED_DAYS:
            when = datetime.combine(base - timedelta(days=days), time.fromisoformat(start))
            for i in range(count):
                out.append(_message(len(out) + 1, lines[len(out)], when + timedelta(minutes=i)))
        return out
    raise KeyError(thread)


def history(thread: str, now: datetime, before: int | None, limit: int,
            anchor: date | None = None) -> dict[str, Any]:
    """One page of a thread: up to ``limit`` messages older than ``before``."""
    every = messages(thread, now, anchor)
    older = [m for m in every if before is None or m.id < before]
    msgs = older[-max(1, min(50, limit)):]
    return {"thread": thread, "messages": [m.to_json(now) for m in msgs],
            "has_more": len(older) > len(msgs), "oldest": msgs[0].id if msgs else None,
            "total": len(every)}


def _late_box(style: str, title: str, flags: str = "") -> str:
    """The empty list that im.js fills after load (``style``: the markup of its rows)."""
    data = f'data-im-late data-api="{API.format("late")}" data-size="{PAGE_SIZE["late"]}"{flags}'
    if style == "cs":
        return (f'<div class="cs-head">{esc(title)} · 在线客服</div>'
                f'<div class="cs-log" data-style="cs" {data}><div class="cs-list"></div></div>')
    if "data-reverse" in flags:  # the scroll box is the list, newest row first in the DOM
        return (f'<div class="im-title">{esc(title)}</div>'
                f'<ul class="im-log im-list im-reverse" data-style="im" {data}></ul>')
    return (f'<div class="im-title">{esc(title)}</div>'
            f'<div class="im-log" data-style="im" {data}><ul class="im-list"></ul></div>')


def late_page(query: dict[str, str] | None = None) -> str:
    """/im/late; ``?remount=1``: the list element is replaced after each older page;
    ``?reverse=1``: a column-reverse list (newest row first in the DOM)."""
    query = query or {}
    flags = "".join(f" data-{k}" for k in ("remount", "reverse") if query.get(k) == "1")
    body = f'<section class="im-panel">{_late_box("im", LATE_SHOP + " · 客服", flags)}</section>'
    return page(f"{LATE_SHOP} - 客服", body, head=HEAD, scripts=("im.js",))


def window_page() -> str:
    body = (f'<section class="im-panel"><div class="im-title">{esc(LATE_SHOP)} · 客服</div>'
            f'<div class="vlist" data-im-window data-api="{API.format("window")}" '
            f'data-size="{PAGE_SIZE["window"]}"><div class="vlist-inner">'
            '<div class="vlist-head"></div></div></div></section>')
    return page(f"{LATE_SHOP} - 客服", body, head=HEAD, scripts=("im.js",))


def widget_page() -> str:
    return page(f"{LATE_SHOP} 在线客服", _late_box("cs", LATE_SHOP), head=HEAD,
                scripts=("im.js",), chrome=False)


def shadow_page() -> str:
    body = (f'<section class="im-panel"><div class="im-title">{esc(LATE_SHOP)} · 客服</div>'
            f'<kf-widget data-api="{API.format("late")}" data-size="{PAGE_SIZE["late"]}"></kf-widget>'
            '</section>')
    return page(f"{LATE_SHOP} - 客服", body, head=HEAD, scripts=("im.js",))


def frame_page(widget_url: str) -> str:
    """A shop page with the customer-service widget in a fixed <iframe> from ``widget_url``."""
    body = f"""
<section class="card"><h1>{esc(LATE_SHOP)}</h1>
  <p>扫地机器人 X1 · 自动回充 · 静音清扫。右下角可联系在线客服。</p>
  <div class="im-filler"></div></section>
<aside class="kf-dock"><iframe class="kf-frame" title="在线客服" src="{esc(widget_url)}"></iframe></aside>"""
    return page(f"{LATE_SHOP} - 扫地机器人", body, head=HEAD)


def other_origin(host_header: str | None, port: int) -> str:
    """The other of the shop's two origins (127.0.0.1 and localhost), for cross-origin frames."""
    host = (host_header or "").split(":")[0]
    return f"http://{'127.0.0.1' if host == 'localhost' else 'localhost'}:{port}"
