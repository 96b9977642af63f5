"""Settings: declared once, documented, validated at load, with explicit precedence."""
from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import ConfigError
from agent.settings import SETTINGS, load, markdown
from tests.conftest import ROOT, assert_one_line_error, run_cli


def test_example_config_loads_and_names_every_setting() -> None:
    example = ROOT / "config.example.toml"
    settings = load(example, env={})
    assert settings.get("capture", "timeout") == 60.0
    text = example.read_text("utf-8")
    for s in SETTINGS:
        assert f"[{s.section}]" in text
        assert s.key in text, f"config.example.toml does not mention {s.section}.{s.key}"


def test_settings_doc_is_generated_from_the_declarations() -> None:
    assert (ROOT / "docs" / "settings.md").read_text("utf-8") == markdown()


@pytest.mark.parametrize("body, message", [
    ("[capture]\ntimeot = 5\n", "unknown key capture.timeot"),
    ("[captur]\ntimeout = 5\n", "unknown section [captur]"),
    ("[capture]\ntimeout = 'soon'\n", "capture.timeout must be float"),
    ("[capture]\ntimeout = 0\n", "capture.timeout must be at least 1"),
    ("[browser]\nheadless = 1\n", "browser.headless must be bool"),
    ("[browser\n", "not valid TOML"),
])
def test_bad_config_is_rejected_with_file_key_and_reason(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, "utf-8")
    with pytest.raises(ConfigError) as err:
        load(path, env={})
    assert str(path) in str(err.value) and message in str(err.value)


def test_precedence_defaults_file_environment_command_line(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[storage]\npath = "/from/file"\n[capture]\ntimeout = 30\n', "utf-8")
    assert load(None, env={}).get("storage", "path") is None
    assert load(path, env={}).get("storage", "path") == "/from/file"
    settings = load(path, env={"JIANYIPAI_STORE": "/from/env"})
    assert settings.get("storage", "path") == "/from/env"
    settings.override("storage", "path", "/from/flag")
    assert settings.get("storage", "path") == "/from/flag"
    assert settings.get("capture", "timeout") == 30.0


def test_cli_reports_a_bad_config_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[capture]\nspeed = 'max'\n", "utf-8")
    result = run_cli("list", "--config", str(path), store=tmp_path / "s")
    assert_one_line_error(result)
    assert "unknown key capture.speed" in result.err
    missing = run_cli("list", "--config", str(tmp_path / "absent.toml"), store=tmp_path / "s")
    assert_one_line_error(missing)
    assert "no such config file" in missing.err


def test_readme_gives_the_two_quick_start_commands() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "make run" in readme and "make test" in readme
    assert "sha256sum" in readme
