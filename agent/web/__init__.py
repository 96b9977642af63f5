"""The local web viewer (`jianyipai serve`): targets, timelines, snapshots and diffs.

Captured pages are hostile: their HTML is only ever served with a CSP ``sandbox`` (an
opaque origin, no scripts) inside a sandboxed frame, never in this app's own origin.
"""
from __future__ import annotations

from agent.web.app import create_app

__all__ = ["create_app"]
