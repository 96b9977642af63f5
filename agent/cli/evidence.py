"""stamp, export, report: sealing evidence and handing it over."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from agent.cli import output
from agent.cli.base import Env, common
from agent.errors import UsageError


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON line per snapshot stamped or failed.")
@common
def stamp(env: Env, as_json: bool) -> None:
    """Get trusted timestamps for snapshots that have none yet (after a TSA outage)."""
    from storage.evidence.tsa import stamp_pending

    if not env.settings.get("evidence", "tsa"):
        raise UsageError("no time-stamping authority configured; set [evidence] tsa in the config")
    store = env.store(create=False)
    run = stamp_pending(store.seals, store.ledger.ids(), env.settings.get("evidence", "tsa"),
                        env.settings.get("evidence", "tsa_timeout"))
    for s in run.stamped:
        if as_json:
            output.emit_json({"id": s.snapshot_id, "ok": True, "tsa": s.tsa, "gen_time": s.gen_time})
        else:
            click.echo(f"stamped {s.snapshot_id[:12]} at {s.gen_time} by {s.tsa}")
    for snapshot_id, error in run.failed.items():
        if as_json:
            output.emit_json({"id": snapshot_id, "ok": False, "error": error})
        output.echo_err(f"jianyipai: error: {snapshot_id[:12]} not stamped: {error}")
    if not as_json:
        click.echo(f"{len(run.stamped)} stamped, {len(run.failed)} still pending")
    if run.failed:
        sys.exit(1)


def _check_out(out: Path, suffixes: tuple[str, ...]) -> None:
    if out.suffix.lower() not in suffixes:
        raise UsageError(f"{out}: the output must end in {' or '.join(suffixes)}")
    if out.exists():
        raise UsageError(f"{out} exists; not overwriting it")


@click.command()
@click.argument("snapshots", nargs=-1, required=True)
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The bundle to write (BUNDLE.wacz).")
@click.option("--redact", is_flag=True,
              help="Mask phone numbers, ID numbers, e-mail and addresses in the records, and paint"
              " them over in screenshots where the capture recorded where they were drawn.")
@click.option("--json", "as_json", is_flag=True, help="Print the bundle's datapackage as JSON.")
@common
def export(env: Env, snapshots: tuple[str, ...], out: Path, redact: bool, as_json: bool) -> None:
    """Bundle snapshots as a WACZ: WARCs, screenshots, records, manifests, seals; signed."""
    from agent import __version__
    from storage.warc.wacz import export as write_wacz

    _check_out(out, (".wacz",))
    transform = None
    if redact:
        from storage.evidence.screenmask import export_transform

        transform = export_transform(env.store(create=False))
    package = write_wacz(env.store(create=False), list(snapshots), out,
                         software=f"jianyipai {__version__}", transform=transform)
    if as_json:
        output.emit_json(package)
    else:
        click.echo(f"wrote {out}: {len(package['snapshots'])} snapshots,"
                   f" {len(package['resources'])} files, signed datapackage-digest.json")


@click.command()
@click.argument("snapshot")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="OUT.html or OUT.pdf.")
@click.option("--complaint", is_flag=True, help="Add a complaint draft that lists the evidence.")
@click.option("--redact", is_flag=True,
              help="Mask phone numbers, ID numbers, e-mail and addresses (text, and screenshot"
              " where the capture recorded where they were drawn).")
@common
def report(env: Env, snapshot: str, out: Path, complaint: bool, redact: bool) -> None:
    """An evidence report (Chinese and English) of a snapshot, or of a URL's newest one."""
    from agent.capture.pdf import to_pdf
    from storage.evidence.report import gather, render

    _check_out(out, (".html", ".pdf"))
    mask = None
    if redact:
        from storage.evidence.redact import redact_text

        mask = redact_text
    data = gather(env.store(create=False), snapshot)
    if redact and data.screenshot is not None:
        from storage.evidence.screenmask import masked_screenshot

        if masked := masked_screenshot(env.store(create=False), data.snapshot_id, data.screenshot):
            data.screenshot, data.screenshot_note = masked
    html = render(data, complaint=complaint, mask=mask)
    try:
        if out.suffix.lower() == ".pdf":
            to_pdf(html, str(out), env.settings)
        else:
            out.write_text(html, "utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"wrote {out}: report of snapshot {data.snapshot_id[:12]}")


COMMANDS = (stamp, export, report)
