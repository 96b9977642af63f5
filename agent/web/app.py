"""The Flask app: settings, language, the access token, security headers, the job pool."""
from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, make_response, request

from agent.settings import Settings, open_store
from agent.web import guard
from agent.web.i18n import pick_lang, translator
from agent.web.jobs import Jobs
from storage import Store

# The app's own pages: nothing from outside, no inline script, no plugins, no framing by others.
APP_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
           "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
           "frame-ancestors 'self'")
TOKEN_COOKIE = "jianyipai_token"


def create_app(store_dir: Path, settings: Settings, *, token: str | None = None,
               workers: int = 2) -> Flask:
    """``token``: required on every request when given (the server is bound beyond loopback);
    without one, only requests naming a loopback host are served. ``workers``: processes
    for captures and complaints (``app.extensions["jianyipai_jobs"]``; close it when done)."""
    app = Flask(__name__)
    app.config["STORE_DIR"] = Path(store_dir)
    app.config["SETTINGS"] = settings
    app.config["TOKEN"] = token
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    guard.init(app)
    app.extensions["jianyipai_jobs"] = Jobs(workers)

    @app.before_request
    def _before() -> Any:
        if token:
            given = request.args.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
            if not hmac.compare_digest(given.encode(), token.encode()):
                abort(403, "access token missing or wrong")
        elif not guard.loopback_host(request.host):
            abort(403, f"host {request.host!r} is not this machine's loopback address")
        g.lang = pick_lang(request.args.get("lang"), request.cookies.get("lang"),
                           request.headers.get("Accept-Language"))
        g.t = translator(g.lang)
        return None

    @app.after_request
    def _headers(resp: Any) -> Any:
        resp.headers.setdefault("Content-Security-Policy", APP_CSP)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        # the viewer's own forms carry their Origin (no-referrer would send "null"); other
        # sites are never told a viewer address
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        resp.headers.setdefault("Cache-Control", "no-store")
        if request.args.get("lang") in ("zh", "en"):
            resp.set_cookie("lang", request.args["lang"], samesite="Strict", httponly=True)
        if token and request.args.get("token"):
            resp.set_cookie(TOKEN_COOKIE, token, samesite="Strict", httponly=True)
        return guard.set_cookie(resp)

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        store = g.pop("store", None)
        if store is not None:
            store.close()

    @app.context_processor
    def _words() -> dict[str, Any]:
        return {"t": g.t, "lang": g.lang, "here": _here, "csrf_field": guard.csrf_field}

    @app.errorhandler(404)
    def _not_found(_e: Exception) -> Any:
        return make_response(f"{g.get('t', translator('zh'))('not_found')}\n", 404,
                             {"Content-Type": "text/plain; charset=utf-8"})

    @app.errorhandler(403)
    def _refused(e: Any) -> Any:
        t = g.get("t", translator("zh"))
        return make_response(f"{t('refused')}\n{e.description}\n", 403,
                             {"Content-Type": "text/plain; charset=utf-8"})

    from agent.web import actions, views

    app.register_blueprint(views.bp)
    app.register_blueprint(actions.bp)
    return app


def _here(**changes: Any) -> str:
    """This page's URL with some query arguments changed (pager, language switch)."""
    from flask import url_for

    args = {k: v for k, v in request.args.items() if k != "token"}
    args.update({k: v for k, v in changes.items()})
    return url_for(request.endpoint or "v.home", **(request.view_args or {}), **args)


def store() -> Store:
    """This request's store (opened once per request, read-only use)."""
    from flask import current_app

    if "store" not in g:
        g.store = open_store(current_app.config["SETTINGS"], current_app.config["STORE_DIR"],
                             create=False)
    return g.store  # type: ignore[no-any-return]


def new_token() -> str:
    return secrets.token_urlsafe(24)
