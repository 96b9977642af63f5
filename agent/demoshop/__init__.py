"""The embedded demo marketplace (淘益购) that tests and ``jianyipai demo-shop`` capture.

Stdlib only: a ``ThreadingHTTPServer`` on 127.0.0.1 in a daemon thread, with listings,
a seller chat, and canned awkward pages (slow, hanging, busy, mutating, downloads).
"""

from __future__ import annotations

from .server import DemoShop, serve

__all__ = ["DemoShop", "serve"]
