"""``python -m agent.demoshop [--host H] [--port N] [-v]``: run the demo shop until Ctrl-C."""

from __future__ import annotations

import argparse

from .server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m agent.demoshop", description="Serve the jianyipai demo marketplace."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)
    serve(args.host, args.port, verbose=args.verbose)


if __name__ == "__main__":
    main()
