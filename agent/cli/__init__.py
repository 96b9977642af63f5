"""The command line. Each command parses, calls library code, prints; nothing more.

Commands live in one module per concern (``agent/cli/*.py``), each listing its commands
in ``COMMANDS``; :func:`main` adds them to the group, nothing registers itself on import.
"""
from __future__ import annotations

import click

from agent import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jianyipai")
def cli() -> None:
    """jianyipai (检益拍): keep verifiable evidence of what online shops show and promise."""


def build() -> click.Group:
    """The ``jianyipai`` group with every command added."""
    from agent.cli import (
        capture,
        demo,
        evidence,
        leaks,
        migrate,
        serve,
        sessions,
        store,
        thread,
        watch,
        worker,
    )

    for module in (capture, demo, evidence, leaks, migrate, serve, sessions, store, thread, watch,
                   worker):
        for command in module.COMMANDS:
            cli.add_command(command)
    return cli


def main() -> None:
    build()(prog_name="jianyipai")
