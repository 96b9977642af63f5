"""What every write action of the viewer checks: the request comes from the viewer's own pages.

A page on any other site, or on another port of this machine (``http://127.0.0.1:9999`` is
the *same site* as the viewer, so ``SameSite`` cookies alone do not stop it), can make the
browser post a form to ``http://127.0.0.1:8780``. So a write is refused unless:

- the browser says it comes from the viewer's origin: ``Sec-Fetch-Site: same-origin`` when
  sent, and ``Origin`` (or, without it, ``Referer``) naming this host and port;
- it carries the form token: an HMAC, under a secret made when the server starts, of a random
  value in the ``SameSite=Strict`` cookie that the page with the form set.

On loopback (no access token) requests must also name a loopback host: a site that points its
own name at 127.0.0.1 (DNS rebinding) would otherwise be "same origin" with the viewer.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from markupsafe import Markup

CSRF_COOKIE = "jianyipai_csrf"
CSRF_FIELD = "csrf"


def init(app: Flask) -> None:
    app.config["CSRF_SECRET"] = secrets.token_bytes(32)


def loopback_host(host: str) -> bool:
    """``host`` (a Host header, port included) names this machine: localhost, 127.x, [::1]."""
    name = urlsplit(f"//{host}").hostname or ""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _nonce() -> str:
    if "csrf_nonce" not in g:
        given = request.cookies.get(CSRF_COOKIE, "")
        g.csrf_nonce = given if 16 <= len(given) <= 64 else secrets.token_urlsafe(24)
        g.csrf_new = g.csrf_nonce != given
    return g.csrf_nonce  # type: ignore[no-any-return]


def _sign(nonce: str) -> str:
    return hmac.new(current_app.config["CSRF_SECRET"], nonce.encode(), hashlib.sha256).hexdigest()


def csrf_field() -> Markup:
    """The hidden form field every write form carries (templates: ``{{ csrf_field() }}``)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, _sign(_nonce()))


def set_cookie(resp: Any) -> Any:
    """After a page that made a form token for a new visitor: the cookie it is made from."""
    if g.get("csrf_new"):
        resp.set_cookie(CSRF_COOKIE, g.csrf_nonce, samesite="Strict", httponly=True, path="/")
    return resp


def refusal() -> str | None:
    """Why this write request does not come from the viewer's own pages, or None when it does."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site != "same-origin":
        return f"cross-site request refused (Sec-Fetch-Site: {site})"
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return "request without its origin refused"
    if urlsplit(source).netloc.lower() != request.host.lower():
        return f"cross-origin request refused (from {urlsplit(source).netloc or source})"
    nonce = request.cookies.get(CSRF_COOKIE, "")
    given = request.form.get(CSRF_FIELD, "")
    if not nonce or not hmac.compare_digest(given.encode(), _sign(nonce).encode()):
        return "form token missing or stale: reload the page and try again"
    return None


def guarded(view: Callable[..., Any]) -> Callable[..., Any]:
    """A write route: refused with 403 unless the request comes from the viewer's own pages."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        reason = refusal()
        if reason:
            abort(403, reason)
        return view(*args, **kwargs)

    return wrapper
