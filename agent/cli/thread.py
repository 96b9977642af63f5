"""thread: every capture of a chat merged into one timeline."""
from __future__ import annotations

import click

from agent.cli import output
from agent.cli.base import Env, common
from agent.errors import UsageError


@click.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="The merged thread as one JSON object.")
@common
def thread(env: Env, url: str, as_json: bool) -> None:
    """Merge every capture of the chat at URL: each message once, withdrawn ones kept."""
    from agent.cli.chatview import thread_text
    from storage.thread import merge_thread

    store = env.store(create=False)
    captures = []
    for summary in store.summaries(url, newest_first=False):
        snapshot_id, manifest = store.manifest(summary["id"])
        captures.append({"id": snapshot_id, "captured_at": manifest.get("captured_at"),
                         "record": store.record(snapshot_id), "chat": manifest.get("chat")})
    if not captures:
        raise UsageError(f"no snapshots of {url} in {store.describe()}; capture it with "
                         f"`jianyipai capture {url} --kind chat`")
    merged = merge_thread(captures)
    if not merged["snapshots"]:
        raise UsageError(f"none of the {len(captures)} snapshots of {url} is a chat capture "
                         "(capture it with --kind chat)")
    if as_json:
        output.emit_json(merged)
    else:
        click.echo(thread_text(merged))


COMMANDS = (thread,)
