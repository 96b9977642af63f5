"""agent.watch.notify: the webhook POST, and clear errors for bad or missing channels."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from agent.errors import ConfigError
from agent.settings import load
from agent.watch.notify import Notifier, change_payload
from tests.conftest import closed_port
from tests.test_watcher import Hook


def test_webhook_gets_the_payload_as_json() -> None:
    hook = Hook()
    try:
        payload = change_payload({"url": "http://s/1", "kind": "listing", "label": None},
                                 {"id": "a"}, {"id": "b"}, {"fields": [], "text": ["x"]}, ["price: 1 → 2"])
        assert Notifier(webhook=hook.url).send(payload) == []
    finally:
        hook.server.shutdown()
        hook.server.server_close()
    (body,) = hook.bodies
    assert body["event"] == "listing.changed" and body["summary"] == ["price: 1 → 2"]
    assert "text" not in body["changes"]


def test_an_unreachable_webhook_is_one_line_not_an_exception() -> None:
    problems = Notifier(webhook=f"http://127.0.0.1:{closed_port()}/h", timeout=2).send(
        {"target": {"url": "u"}})
    assert len(problems) == 1 and "webhook" in problems[0]


def test_bad_webhook_and_missing_apprise_are_config_errors(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text('[notify]\nwebhook = "ftp://x"\n', "utf-8")
    with pytest.raises(ConfigError, match="notify.webhook"):
        Notifier.from_settings(load(p, env={}))
    p.write_text('[notify]\napprise = ["mailto://a@b"]\n', "utf-8")
    if importlib.util.find_spec("apprise") is None:
        with pytest.raises(ConfigError, match="apprise package is not installed"):
            Notifier.from_settings(load(p, env={}))
    else:
        assert Notifier.from_settings(load(p, env={})).apprise_urls == ["mailto://a@b"]
