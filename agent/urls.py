"""Checking the URLs a user asks us to capture."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from agent.errors import UsageError

WEB_SCHEMES = {"http", "https"}


def check_url(url: str, *, allow_file: bool = False) -> str:
    """Return the URL to load, or raise UsageError saying why it cannot be captured."""
    raw = url.strip()
    if not raw or any(c.isspace() for c in raw):
        raise UsageError(f"not a URL: {url!r}")
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if not scheme:
        raise UsageError(f"not a URL (no http:// or https://): {url!r}")
    if scheme == "file":
        if not allow_file:
            raise UsageError(f"refusing file:// URL {url!r}; pass --allow-file to capture local files")
        if not Path(parts.path).is_file():
            raise UsageError(f"no such file: {parts.path}")
        return raw
    if scheme not in WEB_SCHEMES:
        raise UsageError(f"unsupported URL scheme {scheme!r} in {url!r}; only http and https")
    if not parts.hostname:
        raise UsageError(f"not a URL (no host): {url!r}")
    try:
        _ = parts.port  # raises on a port that is not a number in range
    except ValueError:
        raise UsageError(f"not a URL (bad port): {url!r}") from None
    return raw
