"""capture and extract: making snapshots and records."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from agent.capture import KINDS
from agent.cli import output
from agent.cli.base import Env, common


@click.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL|SHARE_TEXT...")
@click.option("--kind", type=click.Choice(KINDS), default="listing", show_default=True,
              help="What the page is: a product listing, a chat with a seller, any page, or a "
                   "checkout (the order page before paying).")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per snapshot on stdout.")
@click.option("--allow-file", is_flag=True, help="Allow file:// URLs (refused by default).")
@click.option("--browser-path", help="Chromium executable to use.")
@click.option("--timeout", type=float, help="Seconds one capture may take (default 60).")
@click.option("--session", "session_name", metavar="NAME",
              help="Capture signed in, with a session saved by `jianyipai login`.")
@click.option("--device", metavar="NAME",
              help='Capture as this phone, a name of Playwright\'s device list ("iPhone 13", '
                   '"Pixel 7"): its screen, user agent, pixel ratio and touch.')
@click.option("--queue", "to_queue", is_flag=True,
              help="Send capture jobs to the task queue ([queue] broker) for `jianyipai worker`s "
                   "instead of capturing here; prints the job ids (--json: one line per job).")
@common
def capture(env: Env, urls: tuple[str, ...], kind: str, as_json: bool, allow_file: bool,
            browser_path: str | None, timeout: float | None, session_name: str | None,
            device: str | None, to_queue: bool) -> None:
    """Capture each URL as an immutable snapshot.

    A URL may be a share message pasted from a shopping app ('【淘宝】https://m.tb.cn/h.5Xyz?tk=AbCd
    「无线蓝牙耳机」点击链接直接打开', 'Check out this item on eBay! https://ebay.us/xyz'): its first
    http(s) link is captured (short links followed) and the whole text kept in the manifest as
    shared_text. Quote it. Pasted without quotes, an argument with no link that is not an
    address is a word of the share text of the nearest link before it (before the first link:
    of the first link), joined with single spaces; a link with & or ; in it must be quoted.
    A text with no link is an error (a 淘口令 like ￥AbCd1234￥ opens only in the Taobao app).

    Sites for phones (capture.mobile_hosts: m.jd.com, m.tb.cn, h5.…) are captured as
    capture.mobile_device ("iPhone 13"); --device captures every page as the phone named.
    """
    from agent.batch import run_capture
    from agent.capture.browser import check_devices
    from agent.cli.progress import Progress
    from agent.urls import read_targets

    env.settings.override("browser", "path", browser_path)
    env.settings.override("capture", "timeout", timeout)
    checked, errors = read_targets(urls, allow_file=allow_file)
    for error in errors:
        output.echo_err(f"jianyipai: error: {error}")
    bad = len(errors)
    if not checked:
        sys.exit(2)
    check_devices(env.settings, [p.url for p in checked], device)
    if to_queue:
        _enqueue(env, checked, kind, as_json, device, session_name)
        sys.exit(1 if bad else 0)
    store = env.store()
    session = None
    if session_name is not None:
        from agent.capture import sessions

        session = sessions.load(store.root, session_name)
    progress = Progress(len(checked))

    def done(outcome: Any) -> None:
        if outcome.error:
            progress.finish(outcome.url, outcome.error, ok=False)
            return
        m = outcome.manifest
        progress.finish(outcome.url, f"snapshot {outcome.snapshot_id[:12]} (status {m.get('status')},"
                                     f" {m.get('duration_s')} s, {len(m.get('warnings') or [])} warnings)")
        if as_json:
            output.emit_json({**m, "id": outcome.snapshot_id, "record": outcome.record})

    outcomes = run_capture(env.settings, store, checked, kind, on_start=progress.start, on_done=done,
                           session=session, device=device, say=output.echo_err)
    progress.close()
    if not as_json:
        for o in outcomes:
            if o.snapshot_id:
                click.echo(output.snapshot_text(o.snapshot_id, o.manifest or {}, o.record, str(store.root)))
                click.echo()
    failed = bad + sum(1 for o in outcomes if o.error)
    if failed:
        if len(checked) + bad > 1:
            output.echo_err(f"jianyipai: {failed} of {len(checked) + bad} URLs could not be captured")
        sys.exit(1)


def _enqueue(env: Env, checked: list[Any], kind: str, as_json: bool, device: str | None,
             session_name: str | None) -> None:
    """capture --queue: one job per page, sent to the queue; nothing is captured here."""
    from agent.queue.broker import Queue, make_job

    queue = Queue(env.settings)
    try:
        for pasted in checked:
            job = make_job(pasted.url, kind, device=device, shared_text=pasted.shared_text,
                           session=session_name)
            job_id = queue.enqueue(job)
            if as_json:
                output.emit_json({"job": job_id, **job})
            else:
                click.echo(f"{job_id}  {pasted.url}")
    finally:
        queue.close()


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", help="The address the pages were saved from (for site profiles, links); "
                            "default: each page's canonical link or og:url.")
@click.option("--kind", type=click.Choice(("listing", "chat", "checkout")), default="listing",
              show_default=True)
@click.option("--captured-at", metavar="ISO",
              help="When the page was shown (RFC 3339). Chats: for 今天/昨天 (default: the "
                   "file's modification time). Listings: the year of promise dates such as "
                   "'Arrives by Thu, Dec 4' (default: none, a saved page's date is unknown; "
                   "such dates stay --MM-DD unless a weekday dates them).")
@click.option("--timezone", help="Chats: the time zone the page showed times in "
                                 "(default: browser.timezone).")
@click.option("--json", "as_json", is_flag=True, help="One JSON record per file, in input order.")
@common
def extract(env: Env, files: tuple[Path, ...], url: str | None, kind: str, captured_at: str | None,
            timezone: str | None, as_json: bool) -> None:
    """Extract records from saved pages, offline. One bad file does not stop the others."""
    from agent.offline import extract_file

    failed = 0
    for path in files:
        record, error = extract_file(path, url, kind=kind, captured_at=captured_at,
                                     timezone=timezone or env.settings.get("browser", "timezone"))
        if error is not None:
            failed += 1
            output.echo_err(f"jianyipai: error: {path}: {error}")
            if as_json:
                output.emit_json({"file": str(path), "error": error})
            continue
        if as_json:
            output.emit_json({"file": str(path), **(record or {})})
        else:
            click.echo(output.record_text(str(path), record or {}))
    if failed:
        sys.exit(1)


COMMANDS = (capture, extract)
