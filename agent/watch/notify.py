"""Telling people a watched listing changed: a webhook POST, and apprise URLs if installed.

The webhook body is one JSON object::

    {"event": "listing.changed", "target": {url, kind, label}, "old": {id, captured_at},
     "new": {id, captured_at}, "changes": <storage.diff.diff_records without the text diff>,
     "summary": ["price: 199.00 CNY → 249.00 CNY", ...]}
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from agent import __version__
from agent.errors import ConfigError, JianyipaiError, first_line
from agent.settings import Settings


class NotifyError(JianyipaiError):
    """Raised by Notifier.send when a notification could not be delivered."""


@dataclass
class Notifier:
    webhook: str | None = None
    apprise_urls: list[str] = field(default_factory=list)
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Notifier:
        webhook = settings.get("notify", "webhook")
        where = str(settings.config_path or "settings")
        if webhook and urlsplit(webhook).scheme not in ("http", "https"):
            raise ConfigError(f"{where}: notify.webhook must be an http(s) URL, not {webhook!r}")
        urls = list(settings.get("notify", "apprise"))
        if urls:
            try:
                import apprise  # noqa: F401
            except ImportError:
                raise ConfigError(f"{where}: notify.apprise is set but the apprise package is not "
                                  "installed (pip install 'jianyipai[notify]')") from None
        return cls(webhook, urls, settings.get("notify", "timeout"))

    @property
    def active(self) -> bool:
        return bool(self.webhook or self.apprise_urls)

    def send(self, payload: dict[str, Any]) -> list[str]:
        """Deliver to every channel; return one line per channel that failed."""
        problems = []
        if self.webhook:
            try:
                self._post(payload)
            except NotifyError as exc:
                problems.append(str(exc))
        if self.apprise_urls:
            try:
                self._apprise(payload)
            except NotifyError as exc:
                problems.append(str(exc))
        return problems

    def _post(self, payload: dict[str, Any]) -> None:
        assert self.webhook
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        req = urllib.request.Request(self.webhook, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"jianyipai/{__version__}",
        })
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as exc:
            raise NotifyError(f"webhook {self.webhook} answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise NotifyError(f"webhook {self.webhook} failed: {first_line(exc)}") from None

    def _apprise(self, payload: dict[str, Any]) -> None:
        import apprise

        ap = apprise.Apprise()
        for url in self.apprise_urls:
            ap.add(url)
        target = payload["target"]
        title = f"jianyipai: {target.get('label') or target['url']} changed"
        body = "\n".join(payload.get("summary") or []) + f"\n{target['url']}"
        if not ap.notify(title=title, body=body):
            raise NotifyError("apprise could not deliver to every URL")


def change_payload(target: dict[str, Any], old: dict[str, Any], new: dict[str, Any],
                   changes: dict[str, Any], summary: list[str]) -> dict[str, Any]:
    slim = {k: v for k, v in changes.items() if k != "text"}
    return {"event": "listing.changed", "target": target, "old": old, "new": new,
            "changes": slim, "summary": summary}
