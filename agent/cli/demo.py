"""demo-shop and demo: the built-in marketplace."""
from __future__ import annotations

import sys

import click

from agent.cli import output
from agent.cli.base import Env, common
from agent.errors import JianyipaiError, UsageError


@click.command(name="demo-shop")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@common
def demo_shop(env: Env, port: int, host: str) -> None:
    """Serve the embedded demo marketplace until Ctrl-C."""
    from agent.demoshop import serve

    try:
        serve(host=host, port=port)
    except OSError as exc:
        raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror}") from None


@click.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port for the demo shop (a free one is used if this one is taken).")
@click.option("--json", "as_json", is_flag=True, help="The snapshot as one JSON line.")
@common
def demo(env: Env, port: int, as_json: bool) -> None:
    """Start the demo shop, capture one of its listings, and show what was kept."""
    from agent.batch import run_capture
    from agent.demoshop import DemoShop

    try:
        shop = DemoShop(port=port).start()
    except OSError:
        shop = DemoShop(port=0).start()
    try:
        url = f"{shop.url}/item/1001"
        output.echo_err(f"demo shop running at {shop.url}/ ; capturing {url} ...")
        store = env.store()
        [outcome] = run_capture(env.settings, store, [url], "listing", say=output.echo_err)
    finally:
        shop.stop()
    if outcome.error:
        raise JianyipaiError(f"demo capture failed: {outcome.error}")
    if as_json:
        output.emit_json({**(outcome.manifest or {}), "id": outcome.snapshot_id, "record": outcome.record})
        return
    click.echo(output.snapshot_text(outcome.snapshot_id or "", outcome.manifest or {}, outcome.record,
                                    str(store.root.resolve())))
    me = sys.argv[0] if sys.argv[0].endswith("jianyipai") else "jianyipai"  # e.g. .venv/bin/jianyipai
    click.echo(f"\nNext: {me} show {(outcome.snapshot_id or '')[:12]} --store {env.store_dir}"
               f"   ·   {me} verify --store {env.store_dir}   ·   {me} serve --store {env.store_dir}")


COMMANDS = (demo_shop, demo)
