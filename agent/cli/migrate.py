"""migrate: copy a store between a folder and a group's PostgreSQL index, keeping the chain."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from agent.cli import output
from agent.cli.base import Env, common, store_dir_of
from agent.errors import UsageError
from agent.settings import load, open_store


def _where(env: Env) -> tuple[Path, str | None, str | None]:
    return (env.store_dir.resolve(), env.settings.get("storage", "index"),
            env.settings.get("storage", "blobs"))


@click.command()
@click.option("--to", "config", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Config file (TOML) naming the destination store: [storage] path, and index "
                   "for PostgreSQL. Only the file counts, not the environment.")
@click.option("--check", is_flag=True,
              help="Copy nothing: compare both ledgers; exit 1 when they differ.")
@click.option("--json", "as_json", is_flag=True, help="What was done, as one JSON object.")
@common
def migrate(env: Env, config: Path, check: bool, as_json: bool) -> None:
    """Copy this store's snapshots into the store CONFIG names, same ids in the same order,
    with their blobs, signatures and timestamps. Run it again to finish a copy cut short or
    to bring the destination up to date; then `verify` each side."""
    from storage.migrate import compare, copy_store

    settings = load(config, env={})
    dest = Env(settings, store_dir_of(settings))
    if _where(dest) == _where(env):
        raise UsageError(f"{config} names this same store; nothing to copy")
    # both may be this very folder, moved from one side to the other: opened for the move
    with open_store(env.settings, env.store_dir, create=False, moving=True) as src, \
            open_store(dest.settings, dest.store_dir, create=not check, moving=True) as dst:
        ids = src.ledger.ids()
        head = ids[-1] if ids else None
        if check:
            differs = compare(src, dst)
            if as_json:
                output.emit_json({"same": differs is None, "snapshots": len(ids), "head": head,
                                  "differs": differs})
            elif differs is None:
                click.echo(f"same chain: {len(ids)} snapshots, head {head or '(none)'}")
            else:
                click.echo(f"chains differ: {differs}")
            if differs is not None:
                sys.exit(1)
            return
        done = copy_store(src, dst)
        dst.record_backends()  # the destination folder belongs to its back ends from now on
        source, destination = src.describe(), dst.describe()
    if as_json:
        output.emit_json({**vars(done), "from": source, "to": destination})
        return
    click.echo(f"copied {done.snapshots} snapshots ({done.already} there already), {done.blobs} blobs,"
               f" {done.seals} seals to {destination}")
    click.echo(f"chain: {done.already + done.snapshots} snapshots, head {done.head or '(none)'}")


COMMANDS = (migrate,)
