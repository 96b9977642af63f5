"""Chat threads with sellers: captured HTML (+ URL and capture time) to a record.

>>> html = ('<div class="chat-list">'
...         '<div class="msg msg-seller"><span class="name">客服小美</span><time>今天 14:02</time>'
...         '<div class="bubble">保证正品，假一赔十！明天给您发货。</div></div>'
...         '<div class="msg msg-buyer"><span class="name">我</span><time>今天 14:03</time>'
...         '<div class="bubble">好的</div></div>'
...         '<div class="msg msg-seller"><span class="name">客服小美</span><time>今天 14:05</time>'
...         '<div class="bubble">不客气</div></div></div>')
>>> rec = extract_chat(html, "https://shop.example/chat",
...                    captured_at="2027-11-27T07:00:00Z", timezone="Asia/Shanghai")
>>> [(m["role"], m["sent_at"]) for m in rec["messages"]][:2]
[('seller', '2027-11-27T14:02:00+08:00'), ('buyer', '2027-11-27T14:03:00+08:00')]
>>> [p["code"] for p in rec["promises"]], [c["text"] for c in rec["commitments"]]
(['genuine_guarantee', 'counterfeit_compensation'], ['明天给您发货'])

Times are resolved against the capture time in the capture's time zone (see
:mod:`extractors.chattime`), and each message's ``id`` is a hash of its sender, instant
and text, so the same message seen in two captures has the same id.

Each step (profile, generic finder, each message row, promises, counterpart) runs
guarded: one that fails leaves a warning naming it, and the rest of the thread is kept.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from bs4 import BeautifulSoup, Tag

from . import chat_generic as generic
from .chat_profiles import ChatProfile, matching_chat_profiles
from .chattime import iso, parse_instant, resolve, zone
from .commitments import find_commitments
from .decode import decode_html
from .errors import ExtractError
from .guard import describe, guarded, join_url
from .html import readable_markup, split_selector
from .promises import find_promises
from .sites import host_of, site_code
from .soup import make_soup, visible_string

SCHEMA = "jianyipai.chat/1"
ROLES = ("buyer", "seller", "system", "bot")
_AGENT_SUFFIX = re.compile(r"(?<!\s)\s*(?:正在)?(?:为您服务|為您服務|接待中|在线|在線|为你服务)\s*$")


def message_id(sender: str, sent_at: datetime | None, time_text: str | None, text: str,
               occurrence: int = 0) -> str:
    """A stable id for one message: sender, instant (UTC) and text, hashed.

    ``occurrence`` tells apart identical messages (same sender, minute and text) in one
    thread; it is left out of the hash for the first, so most ids are the plain triple.
    """
    when = sent_at.astimezone(UTC).isoformat(timespec="seconds") if sent_at else \
        f"shown:{time_text or ''}"
    parts = [sender, when, text] + ([str(occurrence)] if occurrence else [])
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def extract_chat(html: bytes | str, url: str | None = None, *,
                 captured_at: datetime | str | None = None, timezone: str | None = None,
                 content_type: str | None = None) -> dict[str, Any]:
    """The chat record of one captured chat page.

    ``captured_at`` (a datetime or RFC 3339 string) and ``timezone`` (IANA name) anchor
    relative times such as 今天 14:02; without them those times stay unresolved
    (``sent_at`` null) and a warning says so. Raises ``ExtractError`` only for input that
    is not a page at all.
    """
    warnings: list[str] = []
    encoding = None
    try:
        decoded = decode_html(html, content_type)
        warnings += decoded.warnings
        encoding = decoded.encoding
        return _extract(decoded.text, url, captured_at, timezone, warnings, encoding)
    except ExtractError:
        raise
    except Exception as exc:  # the last net: a bug outside every guarded step
        warnings.append(f"chat extraction failed ({describe(exc)}); the record is empty")
        return _record(url if isinstance(url, str) else None, None, None, None, None,
                       timezone if isinstance(timezone, str) else None, [], [], [],
                       encoding, warnings)


def _record(url: str | None, site: str | None, title: str | None, profile: str | None,
            counterpart: dict[str, Any] | None, timezone: str | None,
            messages: list[dict[str, Any]], promises: list[dict[str, Any]],
            commitments: list[dict[str, Any]], encoding: str | None, warnings: list[str],
            captured_at: str | None = None) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "kind": "chat",
        "url": url,
        "site": site,
        "title": title,
        "profile": profile,
        "counterpart": counterpart or {"name": None, "kind": None, "agents": []},
        "captured_at": captured_at,
        "timezone": timezone,
        "messages": messages,
        "promises": promises,
        "commitments": commitments,
        "encoding": encoding,
        "warnings": warnings,
    }


def _extract(text: str, url: str | None, captured_at: datetime | str | None,
             timezone: str | None, warnings: list[str], encoding: str | None
             ) -> dict[str, Any]:
    markup, notes = readable_markup(text)
    warnings += notes
    soup = make_soup(markup)
    tz = zone(timezone)
    if timezone and tz is UTC and timezone.upper() not in ("UTC", "Z", "ETC/UTC"):
        warnings.append(f"time zone {timezone!r} is unknown; times read as UTC")
    now = parse_instant(captured_at, tz)
    if now is None:
        warnings.append("no capture time given: relative times (今天, 昨天, 10:05) are not resolved")

    host = host_of(url)
    profile: ChatProfile | None = None
    rows: list[Tag] = []
    matching = guarded("chat profile lookup", warnings, [],
                       lambda: matching_chat_profiles(host, url, text))
    for candidate in matching:
        rows = guarded(f"chat profile {candidate.name!r}", warnings, [],
                       lambda c=candidate: _select_all(soup, c.sel("message")))
        if rows:
            profile = candidate
            break
        warnings.append(f"chat profile {candidate.name!r} found no messages; trying the generic finder")
    if profile is None:
        rows = guarded("generic chat finder", warnings, [], lambda: generic.message_rows(soup))
        if not rows:
            warnings.append("no chat messages found on the page (is it a chat window?)")

    separators = _select_all(soup, profile.sel("separator")) if profile else []
    reader = _Reader(profile, url, now, warnings)
    raw = guarded("chat messages", warnings, [], lambda: reader.read(rows, separators))
    messages = guarded("message ids", warnings, [], lambda: _finish(raw))

    guessed = sum(1 for m in raw if m.pop("_guessed", False))
    if guessed:
        warnings.append(f"role guessed as seller for {guessed} message(s) with no role marks")
    unresolved = sum(1 for m in messages if m["sent_at"] is None and m["time_text"])
    if unresolved and now is not None:
        warnings.append(f"{unresolved} displayed time(s) could not be read")

    promises: list[dict[str, Any]] = []
    commitments: list[dict[str, Any]] = []
    for m in messages:
        if m["role"] != "seller" or m["withdrawn"] or not m["text"]:
            continue
        found = guarded("chat promises", warnings, [],
                        lambda m=m: find_promises(m["text"], source="chat"))
        for p in found:
            promises.append({**p, "message_id": m["id"]})
        said = guarded("chat commitments", warnings, [], lambda m=m, found=found:
                       find_commitments(m["text"], [p["text"] for p in found]))
        for clause in said:
            commitments.append({"code": "commitment", "text": clause, "source": "chat",
                                "message_id": m["id"]})

    title = guarded("chat title", warnings, None, lambda: _title(soup))
    counterpart = guarded("chat counterpart", warnings, None,
                          lambda: _counterpart(soup, profile, messages))
    return _record(url, profile.site if profile else site_code(url), title,
                   profile.name if profile else ("generic" if rows else None), counterpart,
                   timezone, messages, promises, commitments, encoding, warnings, iso(now))


def _title(soup: BeautifulSoup) -> str | None:
    title_el = soup.find("title")
    return generic.short_text(title_el) or None if title_el else None


def _select_all(soup: BeautifulSoup, selectors: list[str]) -> list[Tag]:
    """Elements of the first selector (of several tried in order) that matches any."""
    for spec in selectors:
        try:
            found = soup.select(spec)
        except Exception:  # soupsieve's SelectorSyntaxError and friends
            continue
        if found:
            return list(found)
    return []


def _select_one(row: Tag, selectors: list[str]) -> tuple[Tag | None, str | None]:
    """(element, value) for the first selector that matches inside ``row``.

    ``sel @attr`` reads an attribute, otherwise the element's text.
    """
    for spec in selectors:
        css, attr = split_selector(spec)
        try:
            el = row.select_one(css)
        except Exception:
            continue
        if el is None:
            continue
        value = el.get(attr) if attr else generic.short_text(el)
        if isinstance(value, list):
            value = " ".join(value)
        return el, (str(value).strip() or None) if value is not None else None
    return None, None


def _matches(row: Tag, selectors: list[str]) -> bool:
    for spec in selectors:
        try:
            if row.css.match(spec):
                return True
        except Exception:
            continue
    return False


class _Reader:
    """Reads message rows (and time rows between them) into message dicts, in order."""

    def __init__(self, profile: ChatProfile | None, url: str | None, now: datetime | None,
                 warnings: list[str]) -> None:
        self.profile = profile
        self.url = url
        self.now = now
        self.warnings = warnings
        self.day: date | None = None  # the day the last time row named
        self.last: datetime | None = None  # the last instant read, for rows showing none

    def read(self, rows: list[Tag], separators: list[Tag]) -> list[dict[str, Any]]:
        order = {id(el): i for i, el in enumerate(rows[0].find_parents()[-1].find_all(True))} \
            if rows else {}
        row_ids = {id(r) for r in rows}
        items = [(order.get(id(r), 0), "row", r) for r in rows]
        items += [(order.get(id(s), 0), "sep", s) for s in separators
                  if id(s) not in row_ids and not any(id(p) in row_ids for p in s.parents)]
        items.sort(key=lambda x: x[0])
        out = []
        failed: list[str] = []
        for _, what, el in items:
            try:
                if what == "sep":
                    self._separator(generic.short_text(el))
                    continue
                msg = self._row(el)
            except Exception as exc:  # one unreadable row; the thread goes on
                failed.append(describe(exc))
                continue
            if msg is not None:
                out.append(msg)
        if failed:
            self.warnings.append(f"{len(failed)} chat row(s) could not be read "
                                 f"(first: {failed[0]}); the others are kept")
        return out

    def _separator(self, text: str) -> None:
        if self.now is None or not text:
            return
        moment = resolve(text, self.now)  # a bare clock in a time row is today's
        if moment is None:
            return
        self.day = moment.date()
        if moment.hour or moment.minute or moment.second:
            self.last = moment

    def _row(self, row: Tag) -> dict[str, Any] | None:
        p = self.profile
        if p is not None:
            time_el, time_text = _select_one(row, p.sel("time"))
            sender_el, sender = _select_one(row, p.sel("sender"))
            body, _ = _select_one(row, p.sel("text"))
        else:
            time_el, time_text = generic.guess_time(row)
            sender_el, sender = generic.guess_sender(row, time_el)
            body = generic.guess_body(row, [time_el, sender_el])
        whole = generic.short_text(row)
        if sender_el is None and body is None and generic.is_time_row(whole) and \
                (p is None or not time_text or whole == time_text):
            self._separator(whole)  # a time row among the message rows
            return None
        text_el = body if body is not None else row
        attachments = self._attachments(row, text_el)
        text = _text_without(text_el, [] if body is not None else [time_el, sender_el])
        if not text and attachments:
            text = attachments[0]["alt"] or ""
        withdrawn = bool((p is not None and _matches(row, p.sel("withdrawn")))
                         or (len(text) <= 60 and generic.WITHDRAWN_TEXT.search(text)))
        role, guessed = self._role(row, text, sender, withdrawn)
        moment = None
        if time_text and self.now is not None:
            moment = resolve(time_text, self.now, self.day)
        if moment is not None:
            self.last = moment
        elif not time_text:
            moment = self.last  # rows without a time carry the time of the row above
        msg: dict[str, Any] = {
            "sender": sender or "",
            "role": role,
            "sent_at": moment,
            "time_text": time_text,
            "text": text,
            "attachments": attachments,
            "withdrawn": withdrawn,
            "_guessed": guessed,
        }
        if withdrawn:
            msg["withdrawn_by"] = _withdrawn_by(text)
        platform_id = next((str(row.get(a)) for a in generic.ID_ATTRS if row.get(a)), None)
        if platform_id:
            msg["platform_id"] = platform_id
        return msg

    def _role(self, row: Tag, text: str, sender: str | None, withdrawn: bool) -> tuple[str, bool]:
        if withdrawn:
            return "system", False
        p = self.profile
        if p is not None:
            for role in ROLES:
                if _matches(row, p.role_selectors.get(role, [])):
                    return role, False
            if p.role_attr and row.get(p.role_attr):
                value = str(row.get(p.role_attr)).strip()
                mapped = p.role_values.get(value) or p.role_values.get(value.lower())
                if mapped:
                    return mapped, False
        return generic.guess_role(row, text, sender)

    def _attachments(self, row: Tag, body: Tag) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()

        def add(kind: str, el: Tag, address: str | None) -> None:
            if not address or address.startswith(("javascript:", "#")):
                return
            full = join_url(self.url, address)
            if (kind, full) in seen:
                return
            seen.add((kind, full))
            alt = el.get("alt") if el.name == "img" else generic.short_text(el)
            out.append({"kind": kind, "url": full, "alt": (str(alt).strip() or None) if alt else None})

        p = self.profile
        if p is not None:
            for kind in ("image", "file", "link"):
                for spec in p.sel(kind):
                    css, attr = split_selector(spec)
                    try:
                        found = row.select(css)
                    except Exception:
                        continue
                    for el in found:
                        default = "src" if el.name == "img" else "href"
                        add(kind, el, el.get(attr or default))
                    if found:
                        break
            return out
        for img in body.find_all("img"):
            if not generic.is_avatar(img):
                add("image", img, img.get("src") or img.get("data-src"))
        for a in body.find_all("a", href=True):
            name = " ".join(generic.classes(a)) + " " + str(a.get("download") or "")
            looks_file = a.has_attr("download") or "file" in name.lower() or re.search(
                r"\.(?:pdf|docx?|xlsx?|zip|rar|7z|txt|csv)(?:$|\?)", str(a["href"]), re.IGNORECASE)
            add("file" if looks_file else "link", a, a["href"])
        return out


def _text_without(el: Tag, skip: list[Tag | None]) -> str:
    if not any(skip):
        return _plain(el)
    parts = []
    for s in el.find_all(string=True):
        if not visible_string(s):  # a comment's text is never part of a message
            continue
        parent = s.parent
        if parent is not None and parent.name in generic.SKIP:
            continue
        if any(x is not None and (parent is x or x in parent.parents) for x in skip):
            continue
        parts.append(str(s))
    return " ".join(" ".join(parts).split())


def _plain(el: Tag) -> str:
    """The visible text of a bubble: line breaks kept, runs of spaces collapsed."""
    for br in el.find_all("br"):
        br.replace_with("\n")
    text = el.get_text("", strip=False)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _withdrawn_by(text: str) -> str | None:
    if re.search(r"对方|對方|the other|seller|商家|客服", text, re.IGNORECASE):
        return "seller"
    if re.search(r"^\s*(?:你|您|我)|^\s*you\b", text, re.IGNORECASE):
        return "buyer"
    return None


def _finish(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ids (with an occurrence number for exact repeats) and ISO times, in display order."""
    seen: Counter[tuple[str, str | None, str | None, str]] = Counter()
    out = []
    for m in raw:
        moment: datetime | None = m["sent_at"]
        key = (m["sender"], moment.astimezone(UTC).isoformat() if moment else None,
               None if moment else m["time_text"], m["text"])
        n = seen[key]
        seen[key] += 1
        msg = {"id": message_id(m["sender"], moment, m["time_text"], m["text"], n),
               **{k: v for k, v in m.items() if not k.startswith("_")}}
        msg["sent_at"] = iso(moment)
        out.append(msg)
    return out


def _counterpart(soup: BeautifulSoup, profile: ChatProfile | None,
                 messages: list[dict[str, Any]]) -> dict[str, Any]:
    name = agent = None
    if profile is not None:
        _, name = _select_one(soup, profile.sel("counterpart"))
        _, agent = _select_one(soup, profile.sel("agent"))
        if agent:
            agent = _AGENT_SUFFIX.sub("", agent) or None
    senders = Counter(m["sender"] for m in messages if m["role"] == "seller" and m["sender"])
    if name:
        out: dict[str, Any] = {"name": name, "kind": profile.counterpart_kind if profile else "shop"}
    elif agent:
        out = {"name": agent, "kind": "agent"}
    elif senders:
        out = {"name": senders.most_common(1)[0][0], "kind": "agent"}
    else:
        out = {"name": None, "kind": None}
    agents = [s for s, _ in senders.most_common() if s != out["name"]]
    if agent and agent not in agents and agent != out["name"]:
        agents.insert(0, agent)
    out["agents"] = agents
    return out
