"""Per-site profiles kept as data: one TOML file per site in this folder.

A profile says which hosts it serves (or a ``detect`` regex on the raw HTML), the default
currency, and for each field a list of selectors tried in order: CSS by default,
``xpath:`` for XPath, and a trailing `` @attr`` to read an attribute instead of the text.
``[embedded]`` lists dotted paths into embedded JSON state (``|cents`` divides by 100).
Drop a new ``.toml`` file here to support a site; :func:`register_profile` adds one at run
time (the agent uses it for profiles from the user's config folder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from extractors.registry import Registry

FIELDS = ("title", "price", "original_price", "seller", "seller_url", "sku", "availability",
          "removed", "shipping", "images", "specs")
_KEYS = {"name", "site", "hosts", "currency", "detect", "sku_from_url", "selectors",
         "embedded", "notes"}


@dataclass(frozen=True)
class Profile:
    name: str
    site: str
    hosts: tuple[str, ...] = ()
    currency: str | None = None
    detect: re.Pattern[str] | None = None
    sku_from_url: re.Pattern[str] | None = None
    selectors: dict[str, list[str]] = field(default_factory=dict)
    embedded: dict[str, list[str]] = field(default_factory=dict)

    def matches(self, host: str | None, html_head: str) -> bool:
        if host and any(host == h or host.endswith("." + h) for h in self.hosts):
            return True
        return bool(self.detect and self.detect.search(html_head))


def parse_profile(data: dict[str, Any], origin: str) -> Profile:
    """Validate one profile mapping; errors name the origin, the key and the reason."""
    unknown = set(data) - _KEYS
    if unknown:
        raise ValueError(f"{origin}: unknown key(s) {sorted(unknown)}")
    for section in ("selectors", "embedded"):
        bad = set(data.get(section, {})) - set(FIELDS)
        if bad:
            raise ValueError(f"{origin}: unknown field(s) in [{section}]: {sorted(bad)}")
        for key, value in data.get(section, {}).items():
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise ValueError(f"{origin}: [{section}].{key} must be a list of strings")
    if not isinstance(data.get("name"), str):
        raise ValueError(f"{origin}: 'name' is required")
    try:
        return Profile(
            name=data["name"], site=data.get("site", data["name"]),
            hosts=tuple(data.get("hosts", ())), currency=data.get("currency"),
            detect=re.compile(data["detect"]) if data.get("detect") else None,
            sku_from_url=re.compile(data["sku_from_url"]) if data.get("sku_from_url") else None,
            selectors=dict(data.get("selectors", {})), embedded=dict(data.get("embedded", {})),
        )
    except re.error as exc:
        raise ValueError(f"{origin}: bad regex: {exc}") from exc


_REGISTRY: Registry[Profile] = Registry(__name__, "extractors/profiles", parse_profile)
register_profile = _REGISTRY.register
all_profiles = _REGISTRY.all


def find_profile(host: str | None, html: str) -> Profile | None:
    head = html[:200_000]
    for profile in all_profiles():
        if profile.matches(host, head):
            return profile
    return None
