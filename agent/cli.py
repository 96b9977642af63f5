"""The command line. Each command parses, calls library code, prints; nothing more."""
from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from agent import __version__, output
from agent.errors import JianyipaiError, UsageError, first_line
from agent.settings import Settings, default_store_dir, load
from storage import Store, StoreError

KINDS = ("listing", "chat", "page")


class Env:
    """What every command gets: resolved settings and, on demand, the store."""

    def __init__(self, settings: Settings, store_dir: Path) -> None:
        self.settings = settings
        self.store_dir = store_dir
        self._store: Store | None = None

    def store(self, create: bool = True) -> Store:
        if self._store is None:
            self._store = Store(self.store_dir, create=create)
        return self._store


def common(func: Callable[..., Any]) -> Callable[..., Any]:
    """--store and --config for every command; turns errors into one line and an exit code."""

    @click.option("--store", "store_opt", type=click.Path(file_okay=False, path_type=Path),
                  help="Store folder (default: $JIANYIPAI_STORE, config, user data folder).")
    @click.option("--config", "config_opt", type=click.Path(dir_okay=False, path_type=Path),
                  help="Config file (TOML); see config.example.toml.")
    @functools.wraps(func)
    def wrapper(store_opt: Path | None, config_opt: Path | None, **kwargs: Any) -> Any:
        try:
            settings = load(config_opt)
            settings.override("storage", "path", str(store_opt) if store_opt else None)
            store_dir = Path(settings.get("storage", "path") or default_store_dir()).expanduser()
            env = Env(settings, store_dir)
            try:
                return func(env, **kwargs)
            finally:
                if env._store is not None:
                    env._store.close()
        except (JianyipaiError, StoreError) as exc:
            output.echo_err(f"jianyipai: error: {exc}")
            sys.exit(getattr(exc, "exit_code", 1))
        except KeyboardInterrupt:
            output.echo_err("jianyipai: interrupted; snapshots already stored are intact")
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("JIANYIPAI_DEBUG"):
                raise
            output.echo_err(f"jianyipai: internal error: {type(exc).__name__}: {first_line(exc)}"
                            " (set JIANYIPAI_DEBUG=1 for details)")
            sys.exit(70)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jianyipai")
def cli() -> None:
    """jianyipai (检益拍): keep verifiable evidence of what online shops show and promise."""


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--kind", type=click.Choice(KINDS), default="listing", show_default=True,
              help="What the page is: a product listing, a chat with a seller, any page.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per snapshot on stdout.")
@click.option("--allow-file", is_flag=True, help="Allow file:// URLs (refused by default).")
@click.option("--browser-path", help="Chromium executable to use.")
@click.option("--timeout", type=float, help="Seconds one capture may take (default 60).")
@common
def capture(env: Env, urls: tuple[str, ...], kind: str, as_json: bool, allow_file: bool,
            browser_path: str | None, timeout: float | None) -> None:
    """Capture each URL as an immutable snapshot."""
    from agent.batch import run_capture
    from agent.progress import Progress
    from agent.urls import check_url

    env.settings.override("browser", "path", browser_path)
    env.settings.override("capture", "timeout", timeout)
    checked: list[str] = []
    bad = 0
    for url in urls:
        try:
            checked.append(check_url(url, allow_file=allow_file))
        except UsageError as exc:
            output.echo_err(f"jianyipai: error: {exc}")
            bad += 1
    if not checked:
        sys.exit(2)
    store = env.store()
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

    outcomes = run_capture(env.settings, store, checked, kind, on_start=progress.start, on_done=done)
    progress.close()
    if not as_json:
        for o in outcomes:
            if o.snapshot_id:
                click.echo(output.snapshot_text(o.snapshot_id, o.manifest or {}, o.record, str(store.root)))
                click.echo()
    failed = bad + sum(1 for o in outcomes if o.error)
    if failed:
        if len(urls) > 1:
            output.echo_err(f"jianyipai: {failed} of {len(urls)} URLs could not be captured")
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", help="The address the pages were saved from (for site profiles, links).")
@click.option("--kind", type=click.Choice(("listing",)), default="listing", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON record per file, in input order.")
@common
def extract(env: Env, files: tuple[Path, ...], url: str | None, kind: str, as_json: bool) -> None:
    """Extract records from saved pages, offline. One bad file does not stop the others."""
    from agent.offline import extract_file

    failed = 0
    for path in files:
        record, error = extract_file(path, url)
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


@cli.command(name="list")
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


@cli.command()
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


@cli.command()
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


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="The report as one JSON object.")
@common
def verify(env: Env, as_json: bool) -> None:
    """Re-hash every blob and manifest and walk the chain."""
    from storage.verify import verify as run_verify

    report = run_verify(env.store(create=False))
    if as_json:
        output.emit_json({"ok": report.ok, "snapshots": report.snapshots, "blobs": report.blobs,
                          "problems": [vars(p) for p in report.problems], "notes": report.notes})
    else:
        for note in report.notes:
            output.echo_err(f"note: {note}")
        for problem in report.problems:
            click.echo(f"BROKEN {problem}")
        state = "ok" if report.ok else f"{len(report.problems)} problems"
        click.echo(f"{state}: {report.snapshots} snapshots, {report.blobs} blobs checked in {env.store_dir}")
    if not report.ok:
        sys.exit(1)


@cli.command(name="demo-shop")
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


@cli.command()
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
        [outcome] = run_capture(env.settings, store, [url], "listing")
    finally:
        shop.stop()
    if outcome.error:
        raise JianyipaiError(f"demo capture failed: {outcome.error}")
    if as_json:
        output.emit_json({**(outcome.manifest or {}), "id": outcome.snapshot_id, "record": outcome.record})
        return
    click.echo(output.snapshot_text(outcome.snapshot_id or "", outcome.manifest or {}, outcome.record,
                                    str(store.root.resolve())))
    click.echo(f"\nNext: jianyipai show {(outcome.snapshot_id or '')[:12]} --store {env.store_dir}"
               f"   ·   jianyipai verify --store {env.store_dir}")


def main() -> None:
    cli(prog_name="jianyipai")
