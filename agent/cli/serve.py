"""serve: the local web viewer."""
from __future__ import annotations

import ipaddress
import signal
import sys

import click

from agent.cli import output
from agent.cli.base import Env, common
from agent.errors import UsageError


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback requires a token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8780, show_default=True)
@click.option("--token", help="Access token (made up for you when bound beyond loopback).")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True)
@click.option("--workers", type=click.IntRange(1, 8), default=2, show_default=True,
              help="Processes for captures and complaints started from the viewer.")
@common
def serve(env: Env, host: str, port: int, token: str | None, threads: int, workers: int) -> None:
    """Browse the store in a web browser: targets, timelines, snapshots, diffs; paste a link
    on the front page to capture it. A store folder that does not exist yet is created."""
    from waitress import create_server

    from agent.web import create_app
    from agent.web.app import new_token
    from storage.store import MARKER

    new = not (env.store_dir / MARKER).is_file()
    env.store(create=True)
    if not _loopback(host) and not token:
        token = new_token()
    app = create_app(env.store_dir, env.settings, token=token, workers=workers)
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="jianyipai")
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    shown = f"http://{host if ':' not in host else f'[{host}]'}:{server.effective_port}/"
    output.echo_err(f"jianyipai viewer at {shown}" + (f"?token={token}" if token else "")
                    + (f"  (new empty store created at {env.store_dir})" if new else "")
                    + "  (Ctrl-C to stop)")
    # stopped by a service manager (SIGTERM): end like Ctrl-C, so the job pool is shut down
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        app.extensions["jianyipai_jobs"].close()


COMMANDS = (serve,)
