"""list, show, artifact, verify: reading the store."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from agent.cli import output
from agent.cli.base import Env, common
from agent.errors import UsageError


@click.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per snapshot.")
@click.option("--url", help="Only snapshots of this target URL.")
@common
def list_(env: Env, as_json: bool, url: str | None) -> None:
    """Snapshots, newest first."""
    for summary in env.store(create=False).summaries(url):
        if as_json:
            output.emit_json(summary)
        else:
            click.echo(output.summary_line(summary))


@click.command()
@click.argument("snapshot")
@click.option("--json", "as_json", is_flag=True, help="The manifest, with id and record, as JSON.")
@common
def show(env: Env, snapshot: str, as_json: bool) -> None:
    """One snapshot (a unique id prefix works)."""
    store = env.store(create=False)
    snapshot_id, manifest = store.manifest(snapshot)
    record = store.record(snapshot_id)
    if as_json:
        output.emit_json({**manifest, "id": snapshot_id, "record": record})
    else:
        click.echo(output.snapshot_text(snapshot_id, manifest, record))


@click.command()
@click.argument("snapshot")
@click.argument("name")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@common
def artifact(env: Env, snapshot: str, name: str, out: Path | None) -> None:
    """The bytes of one artifact (screenshot, html, text, warc, record, manifest)."""
    data = env.store(create=False).artifact(snapshot, name)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if out.exists():
        raise UsageError(f"{out} exists; not overwriting it")
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None


@click.command()
@click.option("--json", "as_json", is_flag=True, help="The report as one JSON object.")
@common
def verify(env: Env, as_json: bool) -> None:
    """Re-hash every blob and manifest, walk the chain, check signatures and timestamps."""
    from storage.evidence.tsa import load_roots, stamp_pending
    from storage.verify import verify as run_verify

    store = env.store(create=False)
    # a good moment to retry stamps a TSA outage left
    stamp_pending(store.seals, store.ledger.ids(), env.settings.get("evidence", "tsa"),
                  env.settings.get("evidence", "tsa_timeout"))
    trust = load_roots(env.settings.get("evidence", "tsa_roots"))
    report = run_verify(store, trust)
    if as_json:
        output.emit_json({"ok": report.ok, "snapshots": report.snapshots, "head": report.head,
                          "blobs": report.blobs,
                          "signatures": report.signed, "timestamps": report.stamped,
                          "unstamped": report.unstamped, "index_rows": report.index_rows,
                          "tsa_trust_checked": bool(trust),
                          "problems": [vars(p) for p in report.problems], "notes": report.notes,
                          "after_commit_failures": report.after_commit})
    else:
        for note in report.notes:
            output.echo_err(f"note: {note}")
        for problem in report.problems:
            click.echo(f"BROKEN {problem}")
        for f in report.after_commit:
            click.echo(f"after-commit {f.get('at')} snapshot {str(f.get('snapshot'))[:12]} "
                       f"{f.get('step')}: {f.get('error')} (the snapshot is kept)")
        state = "ok" if report.ok else f"{len(report.problems)} problems"
        click.echo(f"{state}: {report.snapshots} snapshots, {report.blobs} blobs checked in {store.describe()}")
        click.echo(f"head: {report.head or '(none)'}")
        trust_note = "chained to [evidence] tsa_roots" if trust else "integrity only, no tsa_roots set"
        click.echo(f"checked: {report.blobs} blobs re-hashed (SHA-256); {report.snapshots} snapshots"
                   f" in the ledger chain; {report.signed} Ed25519 signatures;"
                   f" {report.stamped} RFC 3161 timestamps ({trust_note});"
                   f" {report.index_rows} index rows against their manifests")
        if report.unstamped and env.settings.get("evidence", "tsa"):
            click.echo(f"pending: {len(report.unstamped)} snapshots not yet timestamped"
                       " (see seals/stamps.log; retried by `jianyipai stamp`)")
    if not report.ok:
        sys.exit(1)


COMMANDS = (list_, show, artifact, verify)
