"""Per-site chat profiles kept as data: one TOML file per site in this folder.

A chat profile says which pages it serves (``hosts``, a ``url`` regex on the address, a
``detect`` regex on the raw HTML) and, in ``[selectors]``, CSS selectors tried in order
for each part of a chat window::

    scroll        the thread's scroll container (the agent scrolls it to load history)
    message       one message row
    sender        the sender's name, inside a message
    time          the displayed time, inside a message (`` @attr`` reads an attribute)
    text          the message body, inside a message
    image, file, link   attachments, inside a message (`` @attr`` for their address)
    withdrawn     a message row that is a withdrawal notice (撤回)
    separator     a time row between messages (its time applies to the rows below it)
    start_marker  shown once the start of the history is loaded (没有更多消息了)
    loading       shown while older messages load
    counterpart   the shop's name in the window's header; ``agent`` the agent's

``[roles]``: ``attr`` names an attribute holding the role (its values mapped by
``[roles.values]``, the four role names map to themselves), and ``buyer``, ``seller``,
``system``, ``bot`` list selectors a message row matches for that role. ``start_text`` is
a regex on the container's text that also marks the start of the history;
``counterpart_kind`` is ``shop`` or ``agent``.

Unknown keys are rejected naming the file. Selectors for the real marketplaces are
written from their public web chat pages and may need adjusting when a site changes;
the generic finder in ``extractors/chat.py`` takes over when a profile finds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from extractors.registry import Registry

PARTS = ("scroll", "message", "sender", "time", "text", "image", "file", "link", "withdrawn",
         "separator", "start_marker", "loading", "counterpart", "agent")
ROLES = ("buyer", "seller", "system", "bot")
_KEYS = {"name", "site", "hosts", "url", "detect", "selectors", "roles", "start_text",
         "counterpart_kind", "notes"}


@dataclass(frozen=True)
class ChatProfile:
    name: str
    site: str
    hosts: tuple[str, ...] = ()
    url: re.Pattern[str] | None = None
    detect: re.Pattern[str] | None = None
    selectors: dict[str, list[str]] = field(default_factory=dict)
    role_attr: str | None = None
    role_values: dict[str, str] = field(default_factory=dict)
    role_selectors: dict[str, list[str]] = field(default_factory=dict)
    start_text: re.Pattern[str] | None = None
    counterpart_kind: str = "shop"

    def sel(self, part: str) -> list[str]:
        return self.selectors.get(part, [])

    def matches(self, host: str | None, url: str | None, html_head: str) -> bool:
        """Host (and the URL pattern, when given) match, or the page's HTML says so."""
        if host and any(host == h or host.endswith("." + h) for h in self.hosts):
            if self.url is None or (url and self.url.search(url)):
                return True
        return bool(self.detect and self.detect.search(html_head))

    def browser_spec(self) -> dict[str, Any]:
        """What the agent needs in the page: where to scroll and how to tell it is done."""
        return {
            "name": self.name, "hosts": list(self.hosts),
            "url": self.url.pattern if self.url else None,
            "scroll": self.sel("scroll"), "message": self.sel("message"),
            "start_marker": self.sel("start_marker"), "loading": self.sel("loading"),
            "start_text": self.start_text.pattern if self.start_text else None,
        }


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ValueError(f"{where} must be a string or a list of strings")
    return list(value)


def _regex(value: Any, where: str) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where} must be a string (a regex)")
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"{where}: bad regex: {exc}") from None


def parse_chat_profile(data: dict[str, Any], origin: str) -> ChatProfile:
    """Validate one chat profile mapping; errors name the origin, the key and the reason."""
    unknown = set(data) - _KEYS
    if unknown:
        raise ValueError(f"{origin}: unknown key(s) {sorted(unknown)}")
    if not isinstance(data.get("name"), str) or not data["name"]:
        raise ValueError(f"{origin}: 'name' is required")
    selectors = data.get("selectors", {})
    if not isinstance(selectors, dict):
        raise ValueError(f"{origin}: [selectors] must be a table")
    bad = set(selectors) - set(PARTS)
    if bad:
        raise ValueError(f"{origin}: unknown part(s) in [selectors]: {sorted(bad)}")
    sels = {k: _strings(v, f"{origin}: selectors.{k}") for k, v in selectors.items()}
    roles = data.get("roles", {})
    if not isinstance(roles, dict):
        raise ValueError(f"{origin}: [roles] must be a table")
    bad = set(roles) - {*ROLES, "attr", "values"}
    if bad:
        raise ValueError(f"{origin}: unknown key(s) in [roles]: {sorted(bad)}")
    values = roles.get("values", {})
    if not isinstance(values, dict) or any(v not in ROLES for v in values.values()):
        raise ValueError(f"{origin}: roles.values must map attribute values to {', '.join(ROLES)}")
    kind = data.get("counterpart_kind", "shop")
    if kind not in ("shop", "agent"):
        raise ValueError(f"{origin}: counterpart_kind must be shop or agent")
    hosts = _strings(data.get("hosts", []), f"{origin}: hosts")
    return ChatProfile(
        name=data["name"], site=str(data.get("site", data["name"])), hosts=tuple(hosts),
        url=_regex(data.get("url"), f"{origin}: url"),
        detect=_regex(data.get("detect"), f"{origin}: detect"),
        selectors=sels,
        role_attr=roles.get("attr"),
        role_values={**{r: r for r in ROLES}, **{str(k): str(v) for k, v in values.items()}},
        role_selectors={r: _strings(roles[r], f"{origin}: roles.{r}") for r in ROLES if r in roles},
        start_text=_regex(data.get("start_text"), f"{origin}: start_text"),
        counterpart_kind=kind,
    )


_REGISTRY: Registry[ChatProfile] = Registry(__name__, "extractors/chat_profiles", parse_chat_profile)
register_chat_profile = _REGISTRY.register
all_chat_profiles = _REGISTRY.all


def matching_chat_profiles(host: str | None, url: str | None, html: str = "") -> list[ChatProfile]:
    """Profiles that claim this page, best first."""
    head = html[:200_000]
    return [p for p in all_chat_profiles() if p.matches(host, url, head)]
