"""Every setting, declared once with its default and help, and the config file loader.

Precedence, lowest first: these defaults < the config file < environment < command line.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    section: str
    key: str
    type: type
    default: Any
    help: str
    env: str | None = None
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("storage", "path", str, None,
            "Folder of the evidence store (default: the user data folder).", env="JIANYIPAI_STORE"),
    Setting("storage", "index", str, None,
            "A group's shared ledger, index and seals: a PostgreSQL URL "
            "(`postgresql://user@host/db`) every worker names; unset, they live in the store "
            "folder (SQLite and a ledger file). Signing keys stay in each worker's store folder.",
            env="JIANYIPAI_INDEX"),
    Setting("storage", "blobs", str, None,
            "A group's shared blobs (artifacts and manifests) in an S3-compatible bucket: "
            "`s3://BUCKET[/PREFIX]?endpoint=URL&region=NAME&profile=NAME` (endpoint: MinIO, "
            "SeaweedFS…; none for AWS). Credentials come from `AWS_ACCESS_KEY_ID` and "
            "`AWS_SECRET_ACCESS_KEY` or an AWS profile, never from this URL. Unset: the store "
            "folder's `blobs/`.", env="JIANYIPAI_BLOBS"),
    Setting("browser", "path", str, None,
            "Chromium executable to use instead of searching for one.", env="JIANYIPAI_CHROMIUM"),
    Setting("browser", "headless", bool, True, "Run the browser without a window."),
    Setting("browser", "extra_args", list, [], "More command-line switches for Chromium."),
    Setting("browser", "locale", str, "zh-CN", "Locale the pages see (Accept-Language, navigator)."),
    Setting("browser", "timezone", str, "Asia/Shanghai", "Time zone the pages see."),
    Setting("browser", "viewport_width", int, 1280, "Viewport width in CSS pixels.", minimum=320),
    Setting("browser", "viewport_height", int, 900, "Viewport height in CSS pixels.", minimum=240),
    Setting("browser", "user_agent", str, None, "User agent string (default: the browser's own)."),
    Setting("browser", "ignore_https_errors", bool, False,
            "Capture HTTPS pages whose certificate does not validate (recorded in the manifest)."),
    Setting("capture", "timeout", float, 60.0,
            "Seconds one capture may take in all, from navigation to the stored snapshot "
            "(the last 30 %, 3 to 20 s, are kept for reading and saving the page).", minimum=1),
    Setting("capture", "settle", float, 10.0,
            "Most seconds to wait for the network to go quiet and the DOM to stop changing.",
            minimum=0),
    Setting("capture", "quiet_ms", int, 300,
            "How long the network and DOM must have been still (since their last change, so "
            "after scrolling often already) to count as settled.", minimum=50),
    Setting("capture", "parallel", int, 0,
            "Pages a batch (`capture URL…`, `watch`) captures at once in one browser, each in a "
            "fresh context; 0 chooses from the machine: two per core, one per 384 MiB free, at most 8.",
            minimum=0),
    Setting("capture", "scroll", bool, True, "Scroll through the page so lazy content loads."),
    Setting("capture", "scroll_delay_ms", int, 0,
            "Extra pause after each scroll step (a step already waits for what it started: "
            "requests, new content).", minimum=0),
    Setting("capture", "max_height", int, 60000,
            "Tallest page (CSS px) the screenshot covers; taller pages are truncated, with a warning.",
            minimum=1000),
    Setting("capture", "single_shot_max", int, 16384,
            "Pages taller than this are shot in parts and stitched, with a warning.", minimum=1000),
    Setting("capture", "mobile_hosts", list,
            ["m.*", "*.m.*", "h5.*", "wap.*", "mobile.*", "tb.cn", "3.cn", "yangkeduo.com",
             "v.douyin.com", "i.meituan.com", "dpurl.cn"],
            "Sites for phones, captured as `capture.mobile_device` unless `--device` says "
            "otherwise: a host name matches itself and its subdomains (`3.cn`), a pattern with `*` "
            "the whole host name, `*` matching dots too (`m.*`: m.jd.com, m.tb.cn; `*.m.*`: "
            "item.m.jd.com). Decided by the URL asked for (a share text's link), not where it "
            "redirects; `[]` captures every site as a desktop."),
    Setting("capture", "mobile_device", str, "iPhone 13",
            "Phone that captures `capture.mobile_hosts`: a name from Playwright's device list "
            "(`--device` takes the same names)."),
    Setting("chat", "max_pages", int, 300,
            "Most pages of older messages a chat capture loads before it stops (with a warning).",
            minimum=1),
    Setting("chat", "max_messages", int, 10000,
            "Most messages a chat capture loads before it stops (with a warning).", minimum=1),
    Setting("chat", "page_wait", float, 5.0,
            "Most seconds to wait for older messages after each scroll to the top of a chat.",
            minimum=0.2),
    Setting("chat", "stall_limit", int, 3,
            "Scrolls in a row that bring nothing new before a chat without a start marker is "
            "taken as complete.", minimum=1),
    Setting("watch", "concurrency", int, 0,
            "Captures `watch` runs at once (they share one browser); 0 means `capture.parallel`.",
            minimum=0),
    Setting("watch", "jitter", float, 30.0,
            "Most seconds added at random to each scheduled run, so targets do not fire together.",
            minimum=0),
    Setting("watch", "host_gap", float, 5.0,
            "Least seconds between two captures of pages on the same host.", minimum=0),
    Setting("watch", "retries", int, 2, "Retries of a failed capture before waiting for the next run.",
            minimum=0),
    Setting("watch", "backoff", float, 60.0,
            "Seconds before the first retry; each further retry waits twice as long.", minimum=0),
    Setting("watch", "timezone", str, "Asia/Shanghai", "Time zone of the targets' cron schedules."),
    Setting("notify", "webhook", str, None,
            "URL that gets a JSON POST when a watched listing changes."),
    Setting("notify", "apprise", list, [],
            "Apprise URLs (mail, Telegram, DingTalk, WeCom…) told when a listing changes; "
            "needs `pip install jianyipai[notify]`."),
    Setting("notify", "timeout", float, 10.0, "Seconds a notification may take.", minimum=1),
    Setting("evidence", "tsa", list, [],
            "RFC 3161 time-stamping authority URLs, tried in order; each snapshot id is stamped."),
    Setting("evidence", "tsa_roots", list, [],
            "PEM files of CA certificates a timestamp authority must chain to when verifying."),
    Setting("evidence", "tsa_timeout", float, 15.0,
            "Seconds to wait for one timestamp authority.", minimum=1),
    Setting("queue", "broker", str, None,
            "Redis URL of the task queue (`redis://127.0.0.1:6379/0`) that `capture --queue` and "
            "`watch --queue` send capture jobs to and `jianyipai worker` takes them from.",
            env="JIANYIPAI_BROKER"),
    Setting("queue", "retries", int, 3,
            "Retries of a queued capture that failed (not of a bad job) before it goes to the "
            "dead-letter list (`watch --failures`).", minimum=0),
    Setting("queue", "backoff", float, 30.0,
            "Seconds before the first retry of a queued capture; each further retry waits about "
            "twice as long, at most an hour.", minimum=0.01),
    Setting("queue", "host_concurrency", int, 1,
            "Most captures of one host at once, across all workers.", minimum=1),
    Setting("queue", "host_gap", int, 5,
            "Least whole seconds between the starts of two captures of one host, across all "
            "workers; 0: no gap.", minimum=0),
    Setting("queue", "heartbeat_timeout", float, 60.0,
            "Seconds a worker may be silent before it is taken for dead and the jobs it had "
            "taken go back to the queue for the other workers.", minimum=1),
    Setting("queue", "leader_ttl", float, 30.0,
            "Seconds the scheduler leader's lock lasts unless renewed; a standby `watch --queue` "
            "takes over at most this long after the leader dies.", minimum=1),
)

_BY_KEY = {(s.section, s.key): s for s in SETTINGS}


def _check(setting: Setting, value: Any, where: str) -> Any:
    name = f"{setting.section}.{setting.key}"
    expected = setting.type
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if expected is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: {name} must be a list of strings")
    elif not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
        raise ConfigError(f"{where}: {name} must be {expected.__name__}, not {type(value).__name__}")
    if setting.choices is not None and value not in setting.choices:
        raise ConfigError(f"{where}: {name} must be one of {', '.join(map(str, setting.choices))}")
    if setting.minimum is not None and value < setting.minimum:
        raise ConfigError(f"{where}: {name} must be at least {setting.minimum}")
    return value


class Settings:
    """Resolved settings: ``settings.get("capture", "timeout")``."""

    def __init__(self, values: dict[tuple[str, str], Any], config_path: Path | None) -> None:
        self._values = values
        self.config_path = config_path

    def get(self, section: str, key: str) -> Any:
        return self._values[(section, key)]

    def override(self, section: str, key: str, value: Any) -> None:
        """A command-line value: highest precedence. None means 'not given'."""
        if value is not None:
            self._values[(section, key)] = _check(_BY_KEY[(section, key)], value, "command line")

    def section(self, name: str) -> Any:
        """What the loader of section ``name`` made of it (None when the file has none)."""
        return self._values.get((name, "*"))


def _extra_sections() -> dict[str, Any]:
    """Sections that are not key = value settings: ``loader(value, path) -> parsed``, called at
    load (so they are validated there); the result is ``settings.section(name)``."""
    from agent.watch.targets import load_targets

    return {"targets": load_targets}


def load(config_path: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ) if env is None else env
    values = {(s.section, s.key): s.default for s in SETTINGS}
    path: Path | None = None
    if config_path is None and env.get("JIANYIPAI_CONFIG"):
        config_path = env["JIANYIPAI_CONFIG"]
    if config_path is not None:
        path = Path(config_path).expanduser()
        values.update(_read_file(path))
    for s in SETTINGS:
        if s.env and env.get(s.env):
            values[(s.section, s.key)] = _check(s, env[s.env], f"environment {s.env}")
    return Settings(values, path)


def _read_file(path: Path) -> dict[tuple[str, str], Any]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    out: dict[tuple[str, str], Any] = {}
    sections = {s.section for s in SETTINGS}
    extra = _extra_sections()
    for section, table in data.items():
        if section in extra:
            out[(section, "*")] = extra[section](table, path)
            continue
        if section not in sections:
            known = ", ".join(sorted(sections | set(extra)))
            raise ConfigError(f"{path}: unknown section [{section}] (known: {known})")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {section} must be a table ([{section}])")
        for key, value in table.items():
            setting = _BY_KEY.get((section, key))
            if setting is None:
                raise ConfigError(f"{path}: unknown key {section}.{key}")
            out[(section, key)] = _check(setting, value, str(path))
    return out


def default_store_dir(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "jianyipai" / "store"


def _toml_value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def markdown() -> str:
    """docs/settings.md, generated from SETTINGS (`python -m agent.settings`)."""
    lines = [
        "# Settings", "",
        "Every setting, its default and what it does. Set them in a TOML file passed with",
        "`--config FILE` (see `config.example.toml`); environment variables and command-line",
        "options override the file. Precedence: defaults < config file < environment < command line.",
        "This page is generated by `python -m agent.settings`; a test keeps it in step.",
    ]
    section = None
    for s in SETTINGS:
        if s.section != section:
            section = s.section
            lines += ["", f"## [{section}]", "", "| key | type | default | environment | meaning |",
                      "|---|---|---|---|---|"]
        env = f"`{s.env}`" if s.env else ""
        lines.append(f"| `{s.section}.{s.key}` | {s.type.__name__} | `{_toml_value(s.default)}` | {env} | {s.help} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")


def open_store(settings: Settings, store_dir: str | os.PathLike[str], *, create: bool = True,
               moving: bool = False) -> Any:
    """The store the settings describe: the folder, with the group's index (PostgreSQL) and
    blobs (S3) when ``storage.index`` / ``storage.blobs`` name them. Every command, the
    viewer, its capture jobs and the complaint open it here, so they all see one store.
    ``moving``: for ``migrate`` only (see ``Store``)."""
    from storage import Store

    return Store(store_dir, create=create, index=settings.get("storage", "index"),
                 blobs=settings.get("storage", "blobs"), moving=moving)
