"""The viewer's pages. Every id is resolved by the store and every artifact name looked up
in its manifest, so no request path ever becomes a file path."""
from __future__ import annotations

import io
import json
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, render_template, request, send_file

from agent.web.app import store
from agent.web.charts import price_svg
from storage import StoreError
from storage.catalog import STATUSES, targets, timeline
from storage.history import changes_of, last_changes

bp = Blueprint("v", __name__)

# Captured HTML gets an opaque origin and no scripts, even when opened directly.
SANDBOX_CSP = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
               "font-src data:; form-action 'none'; frame-ancestors 'self'")
INLINE_TYPES = ("image/png", "text/plain", "application/json")


def _page_arg() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _resolve(ref: str) -> tuple[str, dict[str, Any]]:
    try:
        return store().manifest(ref)
    except StoreError:
        abort(404)


def _last_failures() -> dict[str, float]:
    """When each target's capture last failed, from the watcher's state: the folder's
    ``watch.sqlite``, or the group's database."""
    from storage.errors import StoreError
    from storage.watchstate import WatchState

    root = current_app.config["STORE_DIR"]
    index = current_app.config["SETTINGS"].get("storage", "index")
    if not index and not (root / "watch.sqlite").exists():
        return {}  # never watched: nothing to read, and nothing to create
    try:
        state = WatchState(root, index=index)
    except StoreError:
        return {}
    try:
        return state.last_failures()
    except Exception:  # a broken state file must not take the front page down
        return {}
    finally:
        state.close()


@bp.get("/")
def home() -> str:
    q = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    page = targets(store().index, q=q or None, status=status or None, page=_page_arg(),
                   last_failure=_last_failures())
    return render_template("targets.html", page=page, q=q, status=status, statuses=STATUSES,
                           badges=_badges([r["id"] for r in page.rows]),
                           last_changes=last_changes(store().index, [r["target_url"] for r in page.rows]))


def _badges(ids: list[str]) -> dict[str, dict[str, Any]]:
    """id -> {count, worst, title} for the snapshots among ``ids`` with anomalies: the
    badge of a capture, read from the index (its records stay unread)."""
    from storage.evidence.anomaly_view import findings

    out = {}
    for sid, brief in store().index.anomalies(ids).items():
        found = findings({"anomalies": brief})
        if found:
            texts = [(f.en if g.lang == "en" else f.zh) or f.code for f in found]
            out[sid] = {"count": len(found), "worst": found[0].severity,
                        "title": "\n".join([g.t("anomalies"), *(f"• {x}" for x in texts[:10])])}
    return out


@bp.get("/target")
def target() -> str:
    url = request.args.get("url", "")
    page, series = timeline(store().index, url, page=_page_arg())
    if not page.total:
        abort(404)
    return render_template("target.html", url=url, page=page, chart=price_svg(series, g.t),
                           points=len(series), badges=_badges([r["id"] for r in page.rows]),
                           changes=changes_of(store().index, [r["id"] for r in page.rows]))


@bp.get("/s/<ref>")
def snapshot(ref: str) -> str:
    sid, manifest = _resolve(ref)
    s = store()
    record = s.record(sid) or {}
    seals = {name: _has(sid, name) for name in ("signature", "timestamp")}
    prev = _previous(sid, manifest)
    return render_template("snapshot.html", sid=sid, m=manifest, record=record, seals=seals,
                           prev=prev, manifest_json=json.dumps(manifest, ensure_ascii=False, indent=1),
                           **_anomalies(record))


def _anomalies(record: dict[str, Any]) -> dict[str, Any]:
    """The snapshot page's findings; which of their snapshot ids are in this store (-> the
    full id) and which message ids are on this page, so that only those become links."""
    from storage.evidence.anomaly_view import findings

    found = findings(record)
    refs = {v.ref for f in found for p in f.evidence for v in p.values if v.kind == "snapshot"}
    messages = {m.get("id") for m in record.get("messages") or [] if isinstance(m, dict)}
    return {"anomalies": found, "worst": found[0].severity if found else None,
            "known_snapshots": {r: ids[0] for r in refs
                                if len(ids := store().index.match_prefix(r)) == 1},
            "message_ids": messages}


def _has(sid: str, name: str) -> bool:
    try:
        store().artifact(sid, name)
        return True
    except StoreError:
        return False


def _previous(sid: str, manifest: dict[str, Any]) -> str | None:
    url = (manifest.get("target") or {}).get("url")
    row = store().index.db.execute(
        "SELECT id FROM snapshots WHERE target_url = ? AND blocked = 0 AND seq <"
        " (SELECT seq FROM snapshots WHERE id = ?) ORDER BY seq DESC LIMIT 1", (url, sid)).fetchone()
    return row[0] if row else None


@bp.get("/s/<ref>/a/<name>")
def artifact(ref: str, name: str) -> Response:
    sid, manifest = _resolve(ref)
    arts = manifest.get("artifacts") or {}
    if name not in arts and name not in ("manifest", "signature", "timestamp"):
        abort(404)
    try:
        data = store().artifact(sid, name)
    except StoreError:
        abort(404)
    media = arts[name]["media_type"] if name in arts else (
        "application/json" if name == "manifest" else "application/octet-stream")
    inline = media.split(";")[0] in INLINE_TYPES and request.args.get("download") is None
    ext = {"screenshot": "png", "html": "html", "text": "txt", "warc": "warc.gz", "record": "json",
           "layout": "json", "chat_html": "html", "manifest": "json", "signature": "sig", "timestamp": "tsr"}.get(name, "bin")
    resp = send_file(io.BytesIO(data), mimetype=media, as_attachment=not inline,
                     download_name=f"{sid[:12]}-{name}.{ext}")
    resp.headers["Content-Security-Policy"] = SANDBOX_CSP
    return resp


@bp.get("/s/<ref>/page")
def page_view(ref: str) -> Response:
    """The captured DOM, for the sandboxed frame only: no scripts, opaque origin."""
    sid, manifest = _resolve(ref)
    if "html" not in (manifest.get("artifacts") or {}):
        abort(404)
    resp = Response(store().artifact(sid, "html"), mimetype="text/html")
    resp.headers["Content-Security-Policy"] = SANDBOX_CSP
    return resp


@bp.get("/s/<ref>/thumb.png")
def thumb(ref: str) -> Response:
    from agent.web.thumbs import thumbnail

    sid, manifest = _resolve(ref)
    art = (manifest.get("artifacts") or {}).get("screenshot")
    if not art:
        abort(404)
    png = thumbnail(store(), art["sha256"])
    resp = Response(png, mimetype="image/png")
    resp.headers["Cache-Control"] = "private, max-age=86400"
    return resp


@bp.get("/diff/<a>/<b>")
def diff(a: str, b: str) -> str:
    from storage.history import compare

    old_id, _ = _resolve(a)
    new_id, _ = _resolve(b)
    result = compare(store(), old_id, new_id)
    return render_template("diff.html", d=result, old=old_id, new=new_id)


@bp.get("/diff/<a>/<b>/image.png")
def diff_image(a: str, b: str) -> Response:
    from storage.visualdiff import render

    old_id, _ = _resolve(a)
    new_id, _ = _resolve(b)
    try:
        png, _boxes = render(store().artifact(old_id, "screenshot"), store().artifact(new_id, "screenshot"),
                             labels=(g.t("before"), g.t("after")))
    except StoreError:
        abort(404)
    resp = Response(png, mimetype="image/png")
    resp.headers["Cache-Control"] = "private, max-age=86400"
    return resp


@bp.get("/s/<ref>/export.wacz")
def export(ref: str) -> Response:
    import tempfile
    from pathlib import Path

    from agent import __version__
    from storage.warc.wacz import export as write_wacz

    sid, _ = _resolve(ref)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bundle.wacz"
        write_wacz(store(), [sid], out, software=f"jianyipai/{__version__}")
        data = out.read_bytes()
    return send_file(io.BytesIO(data), mimetype="application/wacz", as_attachment=True,
                     download_name=f"jianyipai-{sid[:12]}.wacz")


@bp.get("/s/<ref>/report.<fmt>")
def report(ref: str, fmt: str) -> Response:
    from storage.evidence.report import gather, render

    if fmt not in ("html", "pdf"):
        abort(404)
    sid, _ = _resolve(ref)
    html = render(gather(store(), sid))
    if fmt == "html":
        resp = Response(html, mimetype="text/html")
        resp.headers["Content-Security-Policy"] = SANDBOX_CSP
        resp.headers["Content-Disposition"] = f'attachment; filename="jianyipai-{sid[:12]}-report.html"'
        return resp
    import tempfile
    from pathlib import Path

    from agent.capture.pdf import to_pdf

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.pdf"
        to_pdf(html, str(out), current_app.config["SETTINGS"])
        data = out.read_bytes()
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"jianyipai-{sid[:12]}-report.pdf")
