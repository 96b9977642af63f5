"""Reading a chat window without a site profile: the repeating message structure.

A chat is a long run of sibling elements of one kind (same tag, a shared class) whose
rows carry short times, names and bubbles. :func:`message_rows` finds that run; the
``guess_*`` helpers read the parts of one row by class-name hints.
"""

from __future__ import annotations

import re
from collections import Counter

from bs4 import BeautifulSoup, Tag

from .chattime import LOOKS_LIKE_TIME

SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "br", "hr",
        "link", "meta", "input", "textarea", "button", "select", "option"}
_MSGISH = re.compile(r"msg|message|chat|bubble|conversation|dialog|talk|(?:^|[-_])im(?:[-_]|$)",
                     re.IGNORECASE)
_SENDER = re.compile(r"(?:^|[-_])(?:name|nick|nickname|sender|author|from|user-?name|speaker)"
                     r"(?:[-_]|$)|(?:Name|Nick|Sender|Author|Speaker)", re.IGNORECASE)
_TIME = re.compile(r"time|date|stamp|when", re.IGNORECASE)
_BODY = re.compile(r"bubble|content|text|body|msg-?txt|message-?text|balloon|(?:^|[-_])txt",
                   re.IGNORECASE)
_AVATAR = re.compile(r"avatar|head-?img|portrait|profile|(?:^|[-_])icon|logo|face", re.IGNORECASE)
_SPLIT = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")

BUYER = {"self", "mine", "me", "my", "right", "send", "sent", "outgoing", "out", "buyer",
         "customer", "user", "own", "sender"}
SELLER = {"left", "other", "others", "receive", "received", "incoming", "in", "seller",
          "service", "kefu", "agent", "staff", "shop", "waiter", "vendor", "vender", "merchant",
          "cs", "support", "store"}
SYSTEM = {"system", "sys", "notice", "tip", "tips", "center", "event", "withdrawn", "recall",
          "revoke", "recalled", "divider"}
BOT = {"bot", "robot", "auto", "autoreply", "ai", "assistant"}
ROLE_ATTRS = ("data-role", "data-from", "data-direction", "data-dir", "data-sender-type",
              "data-type", "data-side", "data-author-role", "data-message-author-role")
ID_ATTRS = ("data-id", "data-msg-id", "data-msgid", "data-mid", "data-message-id", "data-uuid")
BOT_TEXT = re.compile(r"^\s*(?:【自动回复】|\[自动回复\]|【机器人】|auto[- ]?reply\b|\[auto\])",
                      re.IGNORECASE)
WITHDRAWN_TEXT = re.compile(
    r"撤回了?一条消息|撤回了该消息|消息已撤回|recalled a message|unsent a message|"
    r"deleted (?:a|this) message|this message (?:was|has been) (?:deleted|unsent|withdrawn|recalled)",
    re.IGNORECASE)
BUYER_NAMES = {"我", "me", "you", "你", "自己"}


def classes(el: Tag) -> list[str]:
    value = el.get("class") or []
    return value if isinstance(value, list) else str(value).split()


def tokens(el: Tag) -> set[str]:
    """Lower-case words of an element's class names and id (``msg-buyer`` → msg, buyer)."""
    out: set[str] = set()
    for name in [*classes(el), str(el.get("id") or "")]:
        out.update(t.lower() for t in _SPLIT.split(name) if t)
    return out


def short_text(el: Tag) -> str:
    return " ".join(el.get_text(" ", strip=True).split())


def _signature(el: Tag) -> tuple[str, str]:
    cls = classes(el)
    return el.name, cls[0] if cls else ""


def message_rows(soup: BeautifulSoup) -> list[Tag]:
    """The longest run of message-like sibling rows, or [] when the page shows none."""
    best: tuple[float, int, list[Tag]] | None = None
    for depth_el in soup.find_all(True):
        if depth_el.name in SKIP:
            continue
        kids = [c for c in depth_el.children if isinstance(c, Tag) and c.name not in SKIP]
        if len(kids) < 3:
            continue
        tag, n = Counter(k.name for k in kids).most_common(1)[0]
        if n < 3:
            continue
        same = [k for k in kids if k.name == tag]
        counts = Counter(t for k in same for t in set(classes(k)))
        token = None
        if counts:
            tok, c = counts.most_common(1)[0]
            if c >= 0.6 * len(same):
                token = tok
        members = [k for k in same if token is None or token in classes(k)]
        if len(members) < 3:
            continue
        texts = [short_text(m) for m in members[:400]]
        texty = sum(1 for t in texts if t) / len(texts)
        if texty < 0.5 or sum(len(t) for t in texts) / len(texts) > 3000:
            continue
        timed = sum(1 for m, t in zip(members, texts, strict=False)
                    if m.find("time") is not None or LOOKS_LIKE_TIME.search(t[:200])) / len(texts)
        hint = any(_MSGISH.search(" ".join([*classes(x), str(x.get("id") or "")]))
                   for x in (depth_el, *members[:5]))
        if not hint and timed < 0.3:
            continue
        score = len(members) * (0.5 + texty) * (1 + (1 if hint else 0) + 2 * timed)
        depth = len(list(depth_el.parents))
        if best is None or (score, depth) > (best[0], best[1]):
            best = (score, depth, members)
    if best is None:
        return []
    return _widen(soup, best[2])


def _widen(soup: BeautifulSoup, members: list[Tag]) -> list[Tag]:
    """Rows of the same kind under sibling groups too (messages grouped by day)."""
    sig = _signature(members[0])
    parent = members[0].parent
    if parent is None or not sig[1]:
        return members
    psig = _signature(parent)
    grand = parent.parent
    if grand is None:
        return members
    groups = [g for g in grand.find_all(True, recursive=False) if _signature(g) == psig]
    if len(groups) < 2:
        return members
    out = [k for g in groups for k in g.find_all(sig[0], recursive=False)
           if sig[1] in classes(k)]
    return out if len(out) > len(members) else members


def _descendants(row: Tag) -> list[Tag]:
    return [d for d in row.find_all(True) if d.name not in SKIP]


_TIME_ROW = re.compile(r"[\s\d:：\-/.,年月日号今天昨前星期周礼拜一二三四五六上下午晚凌晨早中AaPpMm]+")
_DAYISH = re.compile(r"\d{1,2}\s*[-/月]\s*\d{1,2}|今天|昨天|前天|星期|周|礼拜")


def is_time_row(text: str) -> bool:
    """A row that is only a time or a day (11月20日 20:15, 昨天, 14:05): a separator."""
    text = text.strip()
    return bool(text) and len(text) <= 32 and bool(_TIME_ROW.fullmatch(text)) and \
        bool(LOOKS_LIKE_TIME.search(text) or _DAYISH.search(text))


def guess_time(row: Tag) -> tuple[Tag | None, str | None]:
    """(element, displayed time) in a row: <time>, a class saying so, or a bare clock."""
    el = row.find("time")
    if el is not None:
        return el, (el.get("datetime") if not short_text(el) else short_text(el)) or None
    for d in _descendants(row):
        name = " ".join([*classes(d), str(d.get("id") or "")])
        text = short_text(d)
        if _TIME.search(name) and text and len(text) <= 40 and LOOKS_LIKE_TIME.search(text):
            return d, text
    for d in _descendants(row):
        if d.find(True) is None:
            text = short_text(d)
            if text and len(text) <= 24 and LOOKS_LIKE_TIME.search(text) and \
                    re.fullmatch(r"[\s\d:：\-/年月日今天昨前星期周上下午晚AMPamp.,]+", text):
                return d, text
    return None, None


def guess_sender(row: Tag, skip: Tag | None) -> tuple[Tag | None, str | None]:
    for d in _descendants(row):
        if d is skip or (skip is not None and skip in d.parents):
            continue
        name = " ".join([*classes(d), str(d.get("id") or "")])
        if _SENDER.search(name):
            text = short_text(d)
            if text and len(text) <= 40:
                return d, text
    return None, None


def guess_body(row: Tag, skip: list[Tag]) -> Tag | None:
    best: Tag | None = None
    for d in _descendants(row):
        if any(s is not None and (d is s or s in d.parents or d in s.parents) for s in skip):
            continue
        name = " ".join(classes(d))
        if _BODY.search(name) and not _SENDER.search(name) and not _TIME.search(name):
            if best is None or best in d.parents:
                best = d
                break
    return best


def is_avatar(img: Tag) -> bool:
    hay = " ".join([*classes(img), str(img.get("alt") or ""), str(img.get("src") or "")[:200]])
    for p in list(img.parents)[:2]:
        hay += " " + " ".join(classes(p))
    return bool(_AVATAR.search(hay))


def guess_role(row: Tag, text: str, sender: str | None) -> tuple[str, bool]:
    """(role, guessed) from attributes, class words, the text and the sender's name."""
    for attr in ROLE_ATTRS:
        value = str(row.get(attr) or "").lower()
        role = role_word(value)
        if role:
            return role, False
    words = tokens(row)
    for d in row.find_all(True, limit=8):
        words |= tokens(d) & (BOT | SYSTEM)
    role = role_from_words(words)
    if role:
        return role, False
    if BOT_TEXT.search(text):
        return "bot", False
    if sender and sender.strip().lower() in BUYER_NAMES:
        return "buyer", False
    return "seller", True


def role_word(value: str) -> str | None:
    value = value.strip().lower()
    if not value:
        return None
    return role_from_words({value, *(t for t in _SPLIT.split(value) if t)})


def role_from_words(words: set[str]) -> str | None:
    if words & BOT:
        return "bot"
    if words & SYSTEM:
        return "system"
    if words & BUYER and not words & SELLER:
        return "buyer"
    if words & SELLER and not words & BUYER:
        return "seller"
    return None
