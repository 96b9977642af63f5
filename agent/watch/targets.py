"""The ``[[targets]]`` of a config file: what ``jianyipai watch`` captures, and when.

Each target is a table::

    [[targets]]
    url = "https://item.example.com/1001"
    kind = "listing"          # listing | chat | page
    every = "6h"              # or: cron = "0 */6 * * *"  (exactly one of the two)
    label = "耳机 Pro 2"      # optional
    profile = "tmall"         # optional site profile name
    session = "shop-login"    # optional session name
    device = "Pixel 7"        # optional: capture as this phone (Playwright's device list)

Validated at load (``agent.settings`` calls :func:`load_targets` for ``[[targets]]``): unknown keys, a
missing or doubled schedule, a bad duration or crontab are rejected with file, key, reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from agent.capture import KINDS
from agent.errors import ConfigError

KEYS = ("url", "kind", "every", "cron", "label", "profile", "session", "device")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")


@dataclass(frozen=True)
class Target:
    url: str
    kind: str = "listing"
    every: float | None = None  # seconds
    cron: str | None = None
    label: str | None = None
    profile: str | None = None
    session: str | None = None
    device: str | None = None  # else a desktop, or capture.mobile_device on a mobile host

    @property
    def key(self) -> str:
        """Identity in the schedule: the same URL watched as two kinds is two targets."""
        return f"{self.kind} {self.url}"

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc.lower()


def parse_duration(text: str) -> float:
    """"6h", "90s", "1h30m", "2d" → seconds. Raises ValueError."""
    compact = text.strip().lower().replace(" ", "")
    if not compact:
        raise ValueError("empty duration")
    pos, total = 0, 0.0
    for m in _DURATION.finditer(compact):
        if m.start() != pos:
            break
        total += float(m[1]) * _UNITS[m[2]]
        pos = m.end()
    if pos != len(compact) or total <= 0:
        raise ValueError(f"{text!r} is not a duration like 90s, 30m, 6h, 1d or 1h30m")
    return total


def cron_trigger(expr: str, timezone: str = "UTC") -> Any:
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger.from_crontab(expr, timezone=timezone)


def load_targets(value: Any, path: Path | str) -> tuple[Target, ...]:
    where = str(path)
    if not isinstance(value, list):
        raise ConfigError(f"{where}: targets must be an array of tables ([[targets]])")
    out: list[Target] = []
    seen: set[str] = set()
    for n, table in enumerate(value, start=1):
        at = f"{where}: targets[{n}]"
        if not isinstance(table, dict):
            raise ConfigError(f"{at} must be a table")
        for key in table:
            if key not in KEYS:
                raise ConfigError(f"{at}: unknown key {key} (known: {', '.join(KEYS)})")
        for key in KEYS:
            if key in table and not isinstance(table[key], str):
                raise ConfigError(f"{at}.{key} must be a string")
        url = table.get("url")
        if not url:
            raise ConfigError(f"{at}: url is required")
        if urlsplit(url).scheme not in ("http", "https", "file"):
            raise ConfigError(f"{at}.url must be an http(s) or file URL, not {url!r}")
        kind = table.get("kind", "listing")
        if kind not in KINDS:
            raise ConfigError(f"{at}.kind must be one of {', '.join(KINDS)}")
        every, cron = table.get("every"), table.get("cron")
        if (every is None) == (cron is None):
            raise ConfigError(f"{at}: give exactly one schedule, every = \"6h\" or cron = \"0 */6 * * *\"")
        seconds = None
        if every is not None:
            try:
                seconds = parse_duration(every)
            except ValueError as exc:
                raise ConfigError(f"{at}.every: {exc}") from None
        if cron is not None:
            try:
                cron_trigger(cron)
            except ValueError as exc:
                raise ConfigError(f"{at}.cron: {cron!r} is not a crontab (minute hour day month weekday): {exc}") from None
        target = Target(url=url, kind=kind, every=seconds, cron=cron, label=table.get("label"),
                        profile=table.get("profile"), session=table.get("session"),
                        device=table.get("device"))
        if target.key in seen:
            raise ConfigError(f"{at}: {kind} {url} is listed twice")
        seen.add(target.key)
        out.append(target)
    return tuple(out)


