"""Seller chat: messages with relative Chinese timestamps, the page, and the paging API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from .chat_data import SEGMENTS, SENDERS, V2_APPENDED, WITHDRAWN_TEXT
from .layout import SHOP_NAME, esc, page

PAGE_SIZE = 20
MAX_LIMIT = 50
ENDLESS_NEWEST = 1_000_000
WITHDRAWN_NOTICE = "对方撤回了一条消息"
CHATS = ("s1", "endless")
# /chat/plain: the s1 conversation in another shop's markup, which no chat profile knows,
# and with no start-of-history marker (as many real chats), for the generic finder.
PLAIN = "plain"
_SIDES = {"buyer": "kf-right", "seller": "kf-left", "bot": "kf-left kf-robot", "system": "kf-notice"}


@dataclass(frozen=True)
class Message:
    id: int
    sender: str
    role: str
    sent_at: datetime
    text: str
    image: str | None = None
    withdrawn: bool = False

    def to_json(self, now: datetime) -> dict[str, Any]:
        return {
            "id": self.id,
            "sender": self.sender,
            "role": self.role,
            "time": chat_time(self.sent_at, now),
            "ts": self.sent_at.isoformat(timespec="seconds"),
            "text": self.text,
            "image": self.image,
            "withdrawn": self.withdrawn,
        }


def chat_time(sent: datetime, now: datetime) -> str:
    """How Chinese chat UIs show a time: 今天 14:02, 昨天 09:15, 11-26 09:15, 2026-10-01 10:00."""
    hm = sent.strftime("%H:%M")
    days = (now.date() - sent.date()).days
    if days == 0:
        return f"今天 {hm}"
    if days == 1:
        return f"昨天 {hm}"
    if sent.year == now.year:
        return sent.strftime("%m-%d ") + hm
    return sent.strftime("%Y-%m-%d ") + hm


def _message(mid: int, line: str, when: datetime) -> Message:
    code, text = line.split(":", 1)
    sender, role = SENDERS[code]
    image = f"/img/chat-photo-{mid}.svg" if code == "I" else None
    return Message(mid, sender, role, when, text, image)


def s1_messages(version: int, now: datetime, anchor: date | None = None) -> list[Message]:
    """All messages of /chat/s1, oldest first; ids 1..120 (version 2 adds 121, 122).

    The conversation happened on fixed days: the last segment on ``anchor`` (the day the
    shop started, by default today), so a shop clock moved on a day shows 今天 as 昨天.
    """
    out: list[Message] = []
    when = now
    base = anchor or now.date()
    for days, start, lines in SEGMENTS:
        hh, mm = (int(x) for x in start.split(":"))
        when = datetime.combine(base - timedelta(days=days), time(hh, mm))
        for i, line in enumerate(lines):
            if i:
                when += timedelta(minutes=2 if i % 3 == 0 else 1)
            out.append(_message(len(out) + 1, line, when))
    if version >= 2:
        for n, m in enumerate(out):
            if m.role == "seller" and WITHDRAWN_TEXT in m.text:
                out[n] = Message(m.id, "", "system", m.sent_at, WITHDRAWN_NOTICE, None, True)
                break
        for line in V2_APPENDED:
            when += timedelta(minutes=3)
            out.append(_message(len(out) + 1, line, when))
    return out


def _endless_message(mid: int, now: datetime) -> Message:
    anchor = datetime.combine(now.date(), time(12, 0))
    age = ENDLESS_NEWEST - mid
    when = anchor - timedelta(minutes=7 * age)
    if mid % 2:
        return Message(mid, "我", "buyer", when, f"第{age + 1}条：请问还有货吗？")
    return Message(mid, "客服小美", "seller", when, f"第{age + 1}条：亲，有货的，48小时内发货。")


def history(
    chat: str, version: int, now: datetime, before: int | None, limit: int,
    anchor: date | None = None,
) -> dict[str, Any]:
    """One page of ``/api/chat/<chat>/messages``: up to ``limit`` messages older than ``before``."""
    limit = max(1, min(MAX_LIMIT, limit))
    if chat == "endless":
        top = ENDLESS_NEWEST + 1 if before is None else before
        ids = range(top - limit, top)
        msgs = [_endless_message(i, now) for i in ids]
        has_more = True
    elif chat == "s1":
        every = s1_messages(version, now, anchor)
        older = [m for m in every if before is None or m.id < before]
        msgs = older[-limit:]
        has_more = len(older) > len(msgs)
    else:
        raise KeyError(chat)
    return {
        "chat": chat,
        "messages": [m.to_json(now) for m in msgs],
        "has_more": has_more,
        "oldest": msgs[0].id if msgs else None,
    }


def _render(m: dict[str, Any]) -> str:
    kind = "withdrawn" if m["withdrawn"] else m["role"]
    meta = (
        ""
        if m["withdrawn"]
        else f'<div class="meta"><span class="sender">{esc(m["sender"])}</span>'
        f'<time class="time">{esc(m["time"])}</time></div>'
    )
    if m["image"]:
        inner = f'<img src="{esc(m["image"])}" alt="{esc(m["text"])}">'
    else:
        inner = esc(m["text"])
    return (
        f'<div class="msg msg-{kind}" data-id="{m["id"]}" data-role="{esc(m["role"])}">'
        f'{meta}<div class="bubble">{inner}</div></div>'
    )


def _render_plain(m: dict[str, Any]) -> str:
    side = "kf-notice" if m["withdrawn"] else _SIDES[m["role"]]
    if m["image"]:
        inner = f'<img src="{esc(m["image"])}" alt="{esc(m["text"])}">'
    else:
        inner = esc(m["text"])
    head = "" if m["withdrawn"] or m["role"] == "system" else (
        f'<span class="kf-nick">{esc(m["sender"])}</span> <span class="kf-stamp">{esc(m["time"])}</span>')
    if m["role"] == "system" and not m["withdrawn"]:
        head = f'<span class="kf-stamp">{esc(m["time"])}</span>'
    return f'<div class="kf-row {side}" data-id="{m["id"]}">{head}<p class="kf-text">{inner}</p></div>'


def plain_chat_page(version: int, now: datetime, anchor: date | None = None) -> str:
    """/chat/plain: the s1 thread as a different shop's web chat would mark it up."""
    first = history("s1", version, now, None, PAGE_SIZE, anchor)
    rows = "".join(_render_plain(m) for m in first["messages"])
    body = f"""
<div class="kf-panel">
  <div class="kf-title">{esc(SHOP_NAME)} · 在线客服</div>
  <div class="kf-log" data-chat-api="/api/chat/s1/messages" data-style="plain" data-end-marker="0"
    data-has-more="{1 if first["has_more"] else 0}">
    <div class="kf-list" data-chat-list>{rows}</div>
  </div>
</div>"""
    return page(f"{SHOP_NAME} - 在线客服", body, scripts=("chat.js",))


def chat_page(chat: str, version: int, now: datetime, anchor: date | None = None) -> str:
    """The chat window with the newest page rendered; chat.js loads older pages on scroll."""
    first = history(chat, version, now, None, PAGE_SIZE, anchor)
    rows = "".join(_render(m) for m in first["messages"])
    no_more = (
        ""
        if first["has_more"]
        else '<div class="chat-no-more" id="chat-no-more">没有更多消息了</div>'
    )
    title = SHOP_NAME if chat == "s1" else "无尽客服"
    body = f"""
<section class="chat" data-chat="{esc(chat)}">
  <div class="chat-head"><span class="shop"><a href="/shop/s1">{esc(title)}</a></span>
    <span class="agent">客服小美 为您服务</span></div>
  <div class="chat-scroll" id="chat-scroll" data-api="/api/chat/{esc(chat)}/messages"
    data-has-more="{1 if first["has_more"] else 0}">{no_more}
    <div class="chat-messages" id="chat-messages">{rows}</div>
  </div>
  <div class="chat-input"><textarea placeholder="请输入消息…" disabled></textarea>
    <button disabled>发送</button></div>
</section>"""
    return page(f"{title} - 客服聊天", body, scripts=("chat.js",))
