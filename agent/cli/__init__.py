"""The command line. Each command parses, calls library code, prints; nothing more.

Commands live in one module per concern (``agent/cli/*.py``); each registers itself on
``cli`` when imported below.
"""
from __future__ import annotations

import click

from agent import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jianyipai")
def cli() -> None:
    """jianyipai (检益拍): keep verifiable evidence of what online shops show and promise."""


def _register() -> None:
    from agent.cli import capture, demo, evidence, leaks, serve, sessions, store, thread, watch  # noqa: F401  (they register commands)


_register()


def main() -> None:
    cli(prog_name="jianyipai")
