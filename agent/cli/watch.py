"""diff, history, watch: following listings over time."""
from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

import click

from agent.cli import output
from agent.cli.base import Env, common
from agent.errors import UsageError


def _is_url(ref: str) -> bool:
    return "://" in ref


@click.command()
@click.argument("refs", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="The diff as one JSON object.")
@click.option("--image", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a before/after PNG with the changed regions boxed.")
@common
def diff(env: Env, refs: tuple[str, ...], as_json: bool, image: Path | None) -> None:
    """What changed: diff OLD NEW (snapshot ids), or diff URL (its last two captures)."""
    from storage.diff import summary_lines
    from storage.history import compare, last_two

    store = env.store(create=False)
    if len(refs) == 1 and _is_url(refs[0]):
        old, new = last_two(store, refs[0])
    elif len(refs) == 2 and not any(map(_is_url, refs)):
        old, new = refs
    else:
        raise UsageError("give two snapshot ids (diff OLD NEW) or one target URL (diff URL)")
    result = compare(store, old, new)
    if image is not None:
        result["image"] = _write_image(store, result, image)
    if as_json:
        output.emit_json(result)
        return
    click.echo(f"old  {result['old']['id'][:12]}  {result['old']['captured_at']}")
    click.echo(f"new  {result['new']['id'][:12]}  {result['new']['captured_at']}")
    for side in ("old", "new"):
        if result[side]["blocked"]:
            click.echo(f"note: the {side} capture is a {result[side]['blocked']['kind']} page, not the listing")
    lines = summary_lines(result)
    for line in lines:
        click.echo(line)
    if result["text"]:
        click.echo("visible text:")
        for line in result["text"][2:]:
            click.echo(f"  {line}")
        if result["text_truncated"]:
            click.echo("  … (text diff cut short)")
    if not result["changed"]:
        click.echo("no change")
    if image is not None:
        click.echo(f"image {image} ({result['image']['boxes']} changed regions)")


def _write_image(store: Any, result: dict[str, Any], out: Path) -> dict[str, Any]:
    from storage.visualdiff import render

    if out.exists():
        raise UsageError(f"{out} exists; not overwriting it")
    shots = []
    for side in ("old", "new"):
        shots.append(store.artifact(result[side]["id"], "screenshot"))
    png, boxes = render(shots[0], shots[1], labels=(
        f"before {result['old']['id'][:12]} {result['old']['captured_at']}",
        f"after  {result['new']['id'][:12]} {result['new']['captured_at']}"))
    try:
        out.write_bytes(png)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None
    return {"path": str(out), "boxes": len(boxes),
            "regions": [vars(b) for b in boxes]}


@click.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per capture, oldest first.")
@common
def history(env: Env, url: str, as_json: bool) -> None:
    """Every capture of one target, and what changed at each (a price series to plot)."""
    from storage.errors import SnapshotNotFoundError
    from storage.history import timeline

    rows = timeline(env.store(create=False), url)
    if not rows:
        raise SnapshotNotFoundError(f"no snapshots of {url} in this store")
    for row in rows:
        if as_json:
            output.emit_json(row)
            continue
        what = ("BLOCKED " + row["blocked"]["kind"]) if row["blocked"] else \
            (", ".join(row["changed"]) or ("first" if "since" not in row else "no change"))
        click.echo(f"{row['captured_at']}  {row['id'][:12]}  {row['price'] or '-':>14}  {what}")


@click.command()
@click.option("--once", is_flag=True, help="Run what is due now, once, then exit.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per event on stdout.")
@click.option("--failures", "show_failures", is_flag=True,
              help="List the recorded failed captures and exit.")
@common
def watch(env: Env, once: bool, as_json: bool, show_failures: bool) -> None:
    """Capture the config's [[targets]] on their schedules; report and notify changes."""
    from agent.watch.notify import Notifier
    from agent.watch.scheduler import Watcher, event_line
    from storage.watchstate import WatchState

    if show_failures:
        from storage import steplog

        store = env.store(create=False)
        state = WatchState(store.root)
        try:
            for row in state.failures():
                if as_json:
                    output.emit_json(row)
                else:
                    tag = "gave up" if row["final"] else "retried"
                    click.echo(f"{row['at']:.0f}  {row['url']}  attempt {row['attempt']} ({tag}): {row['error']}")
        finally:
            state.close()
        # steps after a commit that failed: the snapshot is stored, never retried
        for entry in steplog.read(store.root):
            if as_json:
                output.emit_json({"after_commit": True, **entry})
            else:
                click.echo(f"{entry.get('at')}  snapshot {str(entry.get('snapshot'))[:12]}  "
                           f"{entry.get('step')} failed after the commit: {entry.get('error')}")
        return
    targets = env.settings.section("targets")
    if not targets:
        raise UsageError("no [[targets]] to watch; add them to the config file (see config.example.toml)")
    notifier = Notifier.from_settings(env.settings)

    def on_event(event: dict[str, Any]) -> None:
        if as_json:
            output.emit_json(event)
        output.echo_err(event_line(event))

    watcher = Watcher(env.settings, env.store(), targets, notifier=notifier, on_event=on_event)

    async def main() -> list[dict[str, Any]]:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_signal(signum: int) -> None:
            if not stop.is_set():
                output.echo_err(f"watch: {signal.Signals(signum).name}: finishing the capture in flight, then stopping")
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal, sig)
        return await watcher.run(once=once, stop=stop)

    try:
        events = asyncio.run(main())
    finally:
        watcher.close()
    failed = [e for e in events if e["event"] == "failed" and e["final"]]
    done = sum(1 for e in events if e["event"] in ("captured", "blocked"))
    output.echo_err(f"watch: stopped after {done} captures, {len(failed)} targets failed")
    if once and failed:
        sys.exit(1)


COMMANDS = (diff, history, watch)
