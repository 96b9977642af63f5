"""agent.watch.targets: [[targets]] validated at load, with file, key and reason."""
from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import ConfigError
from agent.settings import load
from agent.watch.targets import parse_duration


def test_targets_load(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text('[[targets]]\nurl = "https://a/1"\nevery = "1h30m"\nlabel = "x"\n'
                 '[[targets]]\nurl = "https://a/2"\nkind = "page"\ncron = "0 */6 * * *"\n', "utf-8")
    t = load(p, env={}).section("targets")
    assert [x.every for x in t] == [5400.0, None] and t[1].cron == "0 */6 * * *"
    assert t[0].label == "x" and t[1].kind == "page" and t[0].host == "a"


@pytest.mark.parametrize("body, message", [
    ('[[targets]]\nurl = "https://a"\n', "exactly one schedule"),
    ('[[targets]]\nurl = "https://a"\nevery = "6h"\ncron = "* * * * *"\n', "exactly one schedule"),
    ('[[targets]]\nurl = "https://a"\nevery = "soon"\n', "targets[1].every"),
    ('[[targets]]\nurl = "https://a"\ncron = "61 * * * *"\n', "targets[1].cron"),
    ('[[targets]]\nurl = "https://a"\nevery = "6h"\nspeed = 1\n', "unknown key speed"),
    ('[[targets]]\nurl = "ftp://a"\nevery = "6h"\n', "targets[1].url"),
    ('[[targets]]\nurl = "https://a"\nevery = "6h"\nkind = "video"\n', "targets[1].kind"),
    ('[[targets]]\nurl = "https://a"\nevery = "6h"\n[[targets]]\nurl = "https://a"\nevery = "1h"\n',
     "listed twice"),
    ('[watch]\nconcurrency = -1\n', "watch.concurrency must be at least 0"),
    ('[notify]\nhook = "x"\n', "unknown key notify.hook"),
])
def test_bad_targets_are_rejected(tmp_path: Path, body: str, message: str) -> None:
    p = tmp_path / "bad.toml"
    p.write_text(body, "utf-8")
    with pytest.raises(ConfigError) as err:
        load(p, env={})
    assert str(p) in str(err.value) and message in str(err.value)


def test_durations() -> None:
    assert parse_duration("90s") == 90 and parse_duration("2d") == 172800
    with pytest.raises(ValueError):
        parse_duration("6 hours")
