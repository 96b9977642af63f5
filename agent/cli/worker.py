"""worker: take capture jobs from the task queue (scale-out)."""
from __future__ import annotations

import logging
import signal
import threading

import click

from agent.cli import output
from agent.cli.base import Env, common


@click.command()
@click.option("--browser-path", help="Chromium executable to use.")
@click.option("--timeout", type=float, help="Seconds one capture may take (default 60).")
@common
def worker(env: Env, browser_path: str | None, timeout: float | None) -> None:
    """Take capture jobs from the queue ([queue] broker) and capture them into the store,
    capture.parallel pages at once, until stopped (Ctrl-C or SIGTERM: the captures in flight
    finish first). Run one or more per machine; they share the work, the store and the
    per-host politeness."""
    from agent.queue.worker import Worker

    env.settings.override("browser", "path", browser_path)
    env.settings.override("capture", "timeout", timeout)
    # Dramatiq logs every failed job with its traceback; the worker says it in one line
    logging.getLogger("dramatiq").setLevel(logging.CRITICAL)
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        if not stop.is_set():
            output.echo_err(f"worker: {signal.Signals(signum).name}: finishing the captures in flight")
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    # the store is opened on the worker's capture thread, from the settings as every command's
    Worker(env.settings, Env(env.settings, env.store_dir).store, output.echo_err).run(stop)


COMMANDS = (worker,)
