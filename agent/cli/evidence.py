"""stamp, export, report: sealing evidence and handing it over."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from agent.cli import output
from agent.cli.base import Env, common
from agent.errors import UsageError

if TYPE_CHECKING:
    from storage.evidence.report import ReportInput


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
@click.option("--complaint", is_flag=True,
              help="Put a complaint built from what was found first (facts, legal basis, requests,"
              " where to file, evidence list); write the 12315 form text (OUT.txt) and the WACZ"
              " bundle to attach (OUT.wacz) beside it.")
@click.option("--redact", is_flag=True,
              help="Mask phone numbers, ID numbers, e-mail and addresses (text, and screenshot"
              " where the capture recorded where they were drawn).")
@common
def report(env: Env, snapshot: str, out: Path, complaint: bool, redact: bool) -> None:
    """An evidence report (Chinese and English) of a snapshot, or of a URL's newest one."""
    from agent.capture.pdf import to_pdf
    from storage.evidence.report import gather, render

    _check_out(out, (".html", ".pdf"))
    if complaint:
        from agent.complaint import siblings

        for path in siblings(out):
            if path.exists():
                raise UsageError(f"{path} exists; not overwriting it")
    mask = None
    if redact:
        from storage.evidence.redact import redact_text

        mask = redact_text
    data = gather(env.store(create=False), snapshot)
    if redact and data.screenshot is not None:
        from storage.evidence.screenmask import masked_screenshot

        if masked := masked_screenshot(env.store(create=False), data.snapshot_id, data.screenshot):
            data.screenshot, data.screenshot_note = masked
    if complaint:
        _write_complaint(env, data, out, mask)
        return
    html = render(data, mask=mask)
    try:
        if out.suffix.lower() == ".pdf":
            to_pdf(html, str(out), env.settings)
        else:
            out.write_text(html, "utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"wrote {out}: report of snapshot {data.snapshot_id[:12]}")


def _write_complaint(env: Env, data: ReportInput, out: Path,
                     mask: Callable[[str], str] | None) -> None:
    from agent.complaint import write_complaint

    transform = None
    if mask is not None:
        from storage.evidence.screenmask import export_transform

        transform = export_transform(env.store(create=False))
    try:
        done = write_complaint(env.settings, env.store(create=False), data, out, mask=mask,
                               transform=transform)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None
    for warning in done["warnings"]:
        output.echo_err(f"jianyipai: warning: {warning}")
    click.echo(f"wrote {out}: complaint ({done['facts']} facts found) and report of snapshot"
               f" {data.snapshot_id[:12]}; {done['txt']}: text for the 12315 form"
               + (f"; {done['wacz']}: evidence bundle to attach" if done["wacz"] else ""))


COMMANDS = (stamp, export, report)
