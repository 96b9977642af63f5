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
@click.option("--last-two", is_flag=True,
              help="diff URL: its last two captures, even when they show the same listing.")
@common
def diff(env: Env, refs: tuple[str, ...], as_json: bool, image: Path | None, last_two: bool) -> None:
    """What changed: diff OLD NEW (snapshot ids), or diff URL (its newest capture against
    the last one whose listing differs; --last-two: against the one before it)."""
    from storage.diff import summary_lines
    from storage.history import compare

    store = env.store(create=False)
    chosen: dict[str, Any] = {}
    if len(refs) == 1 and _is_url(refs[0]):
        old, new, chosen = _choose(store, refs[0], last_two, as_json)
        if not chosen:
            return
    elif len(refs) == 2 and not any(map(_is_url, refs)):
        if last_two:
            raise UsageError("--last-two is for diff URL; diff OLD NEW compares the two given")
        old, new = refs
    else:
        raise UsageError("give two snapshot ids (diff OLD NEW) or one target URL (diff URL)")
    result = {**compare(store, old, new), **chosen}
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


def _choose(store: Any, url: str, last_two: bool, as_json: bool
            ) -> tuple[str, str, dict[str, Any]]:
    """(old, new, what to add to the diff) for diff URL, saying on stderr which two and why;
    when every capture shows the same listing, says so and gives no pair."""
    from storage import history

    def who(ref: str) -> str:
        sid, manifest = store.manifest(ref)
        return f"{manifest.get('captured_at')} ({sid[:12]})"

    if last_two:
        old, new = history.last_two(store, url)
        output.echo_err(f"diff: the last two captures that showed the listing, {who(old)} and {who(new)}"
                        " (--last-two)")
        return old, new, {"chosen": "last_two"}
    choice = history.last_different(store, url)
    if not choice.changed:
        if as_json:
            output.emit_json({"chosen": "none", "changed": False, "listing_changed": False,
                              "captures": choice.same, "old": history.who(store, choice.old),
                              "new": history.who(store, choice.new)})
        else:
            click.echo(f"no change since {who(choice.old)}: all {choice.same} captures that showed"
                       " the listing show the same one")
        return choice.old, choice.new, {}
    if choice.same > 1:
        why = (f"the last capture that differs: the {choice.same} captures from"
               f" {who(choice.first_same)} on show the same listing (--last-two: the one just before)")
    else:
        why = "the capture before it that showed the listing, which differs"
    output.echo_err(f"diff: the newest capture {who(choice.new)} against {who(choice.old)}, {why}")
    return choice.old, choice.new, {"chosen": "last_different", "same": choice.same,
                                    "first_same": choice.first_same}


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
        if row["blocked"]:
            what = f"被拦截 blocked: {row['blocked']['kind']}"
        elif "since" not in row:
            what = "首次抓取 first capture"
        elif not row["changes_text"]:
            what = "无变化 no change" + (" (只有页面文字 text only)" if row["changed"] else "")
        else:
            what = ""
        click.echo(f"{row['captured_at']}  {row['id'][:12]}  {row['price'] or '-':>14}  {what}".rstrip())
        for phrase in row["changes_text"]:
            click.echo(f"    {phrase['zh']}  |  {phrase['en']}")


@click.command()
@click.option("--once", is_flag=True, help="Run what is due now, once, then exit.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per event on stdout.")
@click.option("--failures", "show_failures", is_flag=True,
              help="List the recorded failed captures (and the task queue's dead letters) and exit.")
@click.option("--queue", "to_queue", is_flag=True,
              help="Send due targets to the task queue ([queue] broker) for `jianyipai worker`s "
                   "instead of capturing here. Run several: one leads, the others stand by.")
@common
def watch(env: Env, once: bool, as_json: bool, show_failures: bool, to_queue: bool) -> None:
    """Capture the config's [[targets]] on their schedules; report and notify changes."""
    from agent.watch.notify import Notifier
    from agent.watch.scheduler import Watcher, event_line
    from storage.watchstate import WatchState

    if show_failures:
        from storage import steplog

        store = env.store(create=False)
        state = WatchState(store.root, index=env.settings.get("storage", "index"))
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
        if env.settings.get("queue", "broker"):
            _dead_letters(env, as_json)
        return
    targets = env.settings.section("targets")
    if not targets:
        raise UsageError("no [[targets]] to watch; add them to the config file (see config.example.toml)")
    notifier = Notifier.from_settings(env.settings)

    def on_event(event: dict[str, Any]) -> None:
        if as_json:
            output.emit_json(event)
        output.echo_err(event_line(event))

    queue = leader = None
    if to_queue:
        from agent.queue.broker import Queue, make_job
        from agent.queue.leader import Leadership

        queue = Queue(env.settings)
        leader = Leadership(env.settings, queue.redis)

        def enqueue(t: Any) -> str:
            return queue.enqueue(make_job(t.url, t.kind, device=t.device, session=t.session,
                                          label=t.label, notify=True))

    watcher = Watcher(env.settings, env.store(), targets, notifier=notifier, on_event=on_event,
                      enqueue=enqueue if queue is not None else None)

    async def main() -> list[dict[str, Any]]:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_signal(signum: int) -> None:
            if not stop.is_set():
                output.echo_err(f"watch: {signal.Signals(signum).name}: finishing the capture in flight, then stopping")
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal, sig)
        if leader is None:
            return await watcher.run(once=once, stop=stop)
        return await _lead(leader, watcher, once, stop, on_event)

    try:
        events = asyncio.run(main())
    finally:
        watcher.close()
        if leader is not None:
            leader.release()
        if queue is not None:
            queue.close()
    failed = [e for e in events if e["event"] == "failed" and e["final"]]
    done = sum(1 for e in events if e["event"] in ("captured", "blocked", "queued"))
    what = "jobs queued" if queue else "captures"
    output.echo_err(f"watch: stopped after {done} {what}, {len(failed)} targets failed")
    if once and failed:
        sys.exit(1)


async def _lead(leader: Any, watcher: Any, once: bool, stop: asyncio.Event,
                on_event: Any) -> list[dict[str, Any]]:
    """watch --queue: stand by until this process leads the schedule, then run it for as long
    as the lead holds."""
    on_event({"event": "standby", "url": None})
    if not await leader.acquire(stop):
        return []
    on_event({"event": "leader", "url": None})
    holding = asyncio.create_task(leader.hold(stop))
    try:
        events: list[dict[str, Any]] = await watcher.run(once=once, stop=stop)
    finally:
        holding.cancel()
        (lost,) = await asyncio.gather(holding, return_exceptions=True)
    if isinstance(lost, str):
        output.echo_err(f"watch: {lost}; stopped scheduling")
    return events


def _dead_letters(env: Env, as_json: bool) -> None:
    """The task queue's jobs that gave up (``watch --failures``)."""
    from agent.queue.broker import Queue

    queue = Queue(env.settings)
    try:
        for row in queue.failures():
            if as_json:
                output.emit_json({"queue": True, **row})
            else:
                click.echo(f"{row['at']}  {row['url']}  job {row['job']}: gave up after "
                           f"{row['attempts']} attempts: {row['error']}")
    finally:
        queue.close()


COMMANDS = (diff, history, watch)
