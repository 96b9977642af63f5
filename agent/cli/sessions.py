"""login and sessions: signed-in browser states for chats that need the user's login."""
from __future__ import annotations

import asyncio
from pathlib import Path

import click

from agent.cli import output
from agent.cli.base import Env, common
from agent.errors import JianyipaiError, UsageError


@click.command()
@click.argument("url", required=False)
@click.option("--name", help="Session name (default: the URL's host, or 'default' on --import).")
@click.option("--import", "import_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Import a storage-state JSON (or a cookie list) instead of signing in here.")
@click.option("--wait", type=float, default=900.0, show_default=True,
              help="Most seconds to wait for you to sign in.")
@common
def login(env: Env, url: str | None, name: str | None, import_file: Path | None,
          wait: float) -> None:
    """Sign in once; captures use the session with --session NAME.

    With URL, a browser window opens at URL: sign in, then press Enter here or close the
    window. Without a display, export a storage state on another computer and use
    --import FILE. Sessions are kept in STORE/sessions/ (owner-only), never in a snapshot.
    """
    from agent.capture import sessions
    from agent.urls import check_url

    if (url is None) == (import_file is None):
        raise UsageError("give either a URL to sign in at, or --import FILE")
    if import_file is not None:
        state = sessions.read_state_file(import_file)
        name = sessions.check_name(name or "default")
    else:
        from agent.capture.login import sign_in
        from extractors.sites import host_of

        assert url is not None
        url = check_url(url)
        name = sessions.check_name(name or host_of(url) or "default")
        state = asyncio.run(sign_in(env.settings, url, timeout=wait, say=output.echo_err))
        state = sessions.validate(state, "the signed-in browser")
    store = env.store()
    path = sessions.save(store.root, name, state)
    info = sessions.summary(sessions.Session(name, state))
    output.echo_err(f"saved session {name!r}: {info['cookies']} cookies for "
                    f"{', '.join(info['domains']) or 'no domain'} in {path} (owner-only)")
    click.echo(f"use it with: jianyipai capture URL --kind chat --session {name}")


@click.command(name="sessions")
@click.option("--remove", "remove_name", metavar="NAME", help="Delete this session.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per session (no cookie values).")
@common
def sessions_(env: Env, remove_name: str | None, as_json: bool) -> None:
    """The saved sessions: names and cookie domains, never their values."""
    from agent.capture import sessions

    store = env.store(create=False)
    if remove_name is not None:
        if not sessions.remove(store.root, remove_name):
            raise UsageError(f"no session {remove_name!r}")
        output.echo_err(f"removed session {remove_name!r}")
        return
    for name in sessions.names(store.root):
        try:
            info = sessions.summary(sessions.load(store.root, name))
        except JianyipaiError as exc:
            info = {"name": name, "error": str(exc)}
        if as_json:
            output.emit_json(info)
        elif "error" in info:
            click.echo(f"{name}  (unusable: {info['error']})")
        else:
            click.echo(f"{name}  {info['cookies']} cookies  {', '.join(info['domains'])}")


COMMANDS = (login, sessions_)
