"""What every command shares: the Env, the --store/--config options, error handling."""
from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from agent.cli import output
from agent.errors import JianyipaiError, first_line
from agent.settings import Settings, default_store_dir, load, open_store
from storage import Store, StoreError


class Env:
    """What every command gets: resolved settings and, on demand, the store."""

    def __init__(self, settings: Settings, store_dir: Path) -> None:
        self.settings = settings
        self.store_dir = store_dir
        self._store: Store | None = None

    def store(self, create: bool = True) -> Store:
        if self._store is None:
            self._store = open_store(self.settings, self.store_dir, create=create)
        return self._store


def store_dir_of(settings: Settings) -> Path:
    """The store folder the settings name (``storage.path``), else the user data folder."""
    return Path(settings.get("storage", "path") or default_store_dir()).expanduser()


def common(func: Callable[..., Any]) -> Callable[..., Any]:
    """--store and --config for every command; turns errors into one line and an exit code."""

    @click.option("--store", "store_opt", type=click.Path(file_okay=False, path_type=Path),
                  help="Store folder (default: $JIANYIPAI_STORE, config, user data folder).")
    @click.option("--config", "config_opt", type=click.Path(dir_okay=False, path_type=Path),
                  help="Config file (TOML); see config.example.toml.")
    @functools.wraps(func)
    def wrapper(store_opt: Path | None, config_opt: Path | None, **kwargs: Any) -> Any:
        try:
            settings = load(config_opt)
            settings.override("storage", "path", str(store_opt) if store_opt else None)
            env = Env(settings, store_dir_of(settings))
            try:
                return func(env, **kwargs)
            finally:
                if env._store is not None:
                    env._store.close()
        except (JianyipaiError, StoreError) as exc:
            output.echo_err(f"jianyipai: error: {exc}")
            sys.exit(getattr(exc, "exit_code", 1))
        except BrokenPipeError:
            _reader_went_away()
        except KeyboardInterrupt:
            output.echo_err("jianyipai: interrupted; snapshots already stored are intact")
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("JIANYIPAI_DEBUG"):
                raise
            output.echo_err(f"jianyipai: internal error: {type(exc).__name__}: {first_line(exc)}"
                            " (set JIANYIPAI_DEBUG=1 for details)")
            sys.exit(70)

    return wrapper


def _reader_went_away() -> None:
    """stdout's reader closed the pipe (``jianyipai list | head``): end quietly, like other
    Unix tools. Later writes, and the flush at exit, go nowhere instead of failing again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(0)
