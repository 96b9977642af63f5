"""identity, leaks: register your own identifiers; see which pages showed them."""
from __future__ import annotations

import sys

import click

from agent.cli import output
from agent.cli.base import Env, common
from agent.errors import UsageError
from storage.evidence.identities import KINDS


@click.group()
def identity() -> None:
    """Your own identifiers (phone, e-mail, ...), kept only as salted hashes."""


@identity.command(name="add")
@click.argument("value")
@click.option("--kind", type=click.Choice(KINDS), help="What it is (guessed when left out).")
@click.option("--label", help="A name to list it by, e.g. 'my mobile' (not the value itself).")
@click.option("--json", "as_json", is_flag=True, help="The stored entry (no value) as JSON.")
@common
def identity_add(env: Env, value: str, kind: str | None, label: str | None, as_json: bool) -> None:
    """Register VALUE; `-` reads it from stdin (kept out of your shell history)."""
    from storage.evidence.identities import Identities

    if value == "-":
        if sys.stdin.isatty():
            value = click.prompt("value", hide_input=True, err=True)
        else:
            value = sys.stdin.readline().rstrip("\r\n")
    else:
        output.echo_err("jianyipai: note: a value given as an argument may stay in your shell"
                        " history; `jianyipai identity add -` reads it from stdin")
    if not value.strip():
        raise UsageError("no value given")
    store = env.store()
    ident = Identities(store.root).add(value, kind, label)
    if as_json:
        output.emit_json({"id": ident.id, "kind": ident.kind, "label": ident.label,
                          "length": ident.length, "added_at": ident.added_at})
    else:
        click.echo(f"registered {ident.id}: {ident.label} ({ident.kind}); stored as a salted hash."
                   " New captures are scanned for it; `jianyipai leaks --rescan` scans the old ones")


@identity.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per identifier.")
@common
def identity_list(env: Env, as_json: bool) -> None:
    """Registered identifiers: id, kind and label only (the values are not kept)."""
    from storage.evidence.identities import Identities

    for ident in Identities(env.store(create=False).root).items:
        if as_json:
            output.emit_json({"id": ident.id, "kind": ident.kind, "label": ident.label,
                              "length": ident.length, "added_at": ident.added_at})
        else:
            click.echo(f"{ident.id}  {ident.kind:<8} {ident.label}  (added {ident.added_at})")


@identity.command(name="remove")
@click.argument("ref")
@common
def identity_remove(env: Env, ref: str) -> None:
    """Forget an identifier (by id or label); hits already logged stay in the log."""
    from storage.evidence.identities import Identities

    ident = Identities(env.store(create=False).root).remove(ref)
    click.echo(f"removed {ident.id}: {ident.label} ({ident.kind})")


@click.command()
@click.option("--rescan", is_flag=True, help="Scan every stored snapshot again first (after"
              " registering a new identifier).")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per hit.")
@common
def leaks(env: Env, rescan: bool, as_json: bool) -> None:
    """Which shop, page or chat showed which of your identifiers, and when."""
    from storage.evidence.leaks import read
    from storage.evidence.leaks import rescan as run_rescan

    store = env.store(create=False)
    if rescan:
        scanned = found = 0
        for _, new in run_rescan(store):
            scanned += 1
            found += len(new)
        output.echo_err(f"jianyipai: scanned {scanned} snapshots, {found} new hits")
    hits = sorted(read(store.root), key=lambda h: (str(h.get("captured_at")), str(h.get("label"))))
    for hit in hits:
        if as_json:
            output.emit_json(hit)
            continue
        where = ", ".join(hit.get("where") or [])
        shop = f"  shop {hit['shop']}" if hit.get("shop") else ""
        click.echo(f"{hit.get('captured_at')}  {hit.get('label')} ({hit.get('kind')})  on"
                   f" {hit.get('site')}{shop}  [{hit.get('target_kind')}] {hit.get('final_url')}"
                   f"  in {where}  snapshot {str(hit.get('snapshot'))[:12]}")
        for msg in hit.get("messages") or []:
            click.echo(f"    chat message {msg.get('sent_at')} from {msg.get('sender')} ({msg.get('role')})")
    if not as_json and not hits:
        click.echo("no captured page has shown a registered identifier")


COMMANDS = (identity, leaks)
