"""The viewer's write actions: capture a pasted link, make complaint materials; and the pages
that follow a job to its end. Every POST here is ``guarded`` (``agent.web.guard``)."""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from agent.errors import UsageError
from agent.urls import Pasted, find_link, read_share, read_targets, taobao_password
from agent.web.app import store
from agent.web.guard import guarded
from agent.web.jobs import (
    FINAL,
    Job,
    Jobs,
    capture_items,
    capture_job,
    complaint_items,
    complaint_job,
)
from storage import StoreError

bp = Blueprint("j", __name__)

CAPTURE_KINDS = ("listing", "chat", "checkout")
MAX_TARGETS = 20  # links in one paste
PHASES = {"capture": ("queued", "loading", "scrolling", "saving", "done"),
          "complaint": ("queued", "writing", "done")}


def jobs() -> Jobs:
    return current_app.extensions["jianyipai_jobs"]  # type: ignore[no-any-return]


def pasted_targets(text: str) -> list[Pasted]:
    """The pages a pasted text asks for: one share message (its text kept as it was pasted),
    or several links, one a line. Raises UsageError."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise UsageError("nothing was pasted")
    found, errors = read_targets(lines)
    if errors:
        raise UsageError(errors[0])
    if len(found) == 1:
        return [read_share(text)]
    if len(found) > MAX_TARGETS:
        raise UsageError(f"{len(found)} links pasted; at most {MAX_TARGETS} at a time")
    return found


def _why(text: str) -> str:
    """The page's words for a paste that cannot be captured (the detail stays beside them)."""
    if not text.strip():
        return g.t("paste_empty")
    if find_link(text) is None and taobao_password(text):
        return g.t("paste_tkl")
    one_word = len(text.split()) == 1
    if find_link(text) is None and not (one_word and (":" in text or "." in text)):
        return g.t("paste_no_link")
    return g.t("paste_bad_url")


@bp.post("/capture")
@guarded
def capture() -> Any:
    text = request.form.get("text", "")
    kind = request.form.get("kind", "listing")
    if kind not in CAPTURE_KINDS:
        abort(400)
    try:
        targets = pasted_targets(text)
    except UsageError as exc:
        from agent.web.views import home

        g.capture_error = (_why(text), str(exc))
        g.capture_text, g.capture_kind = text, kind
        return make_response(home(), 400)
    settings = current_app.config["SETTINGS"]
    job_id = jobs().submit("capture", capture_items(targets), capture_job, settings,
                           str(current_app.config["STORE_DIR"]), targets, kind)
    return redirect(url_for("j.job", job_id=job_id), 303)


@bp.post("/s/<ref>/complaint")
@guarded
def complaint(ref: str) -> Any:
    try:
        sid, _ = store().manifest(ref)
    except StoreError:
        abort(404)
    settings = current_app.config["SETTINGS"]
    job_id = jobs().submit("complaint", complaint_items(sid), complaint_job, settings,
                           str(current_app.config["STORE_DIR"]), sid)
    return redirect(url_for("j.job", job_id=job_id), 303)


def _job(job_id: str) -> Job:
    job = jobs().get(job_id)
    if job is None:
        abort(404)
    return job


def _shown(job: Job) -> dict[str, Any]:
    """The job's status as the page shows it: words for each phase, links, where to go next."""
    status = jobs().status(job)
    items = []
    for item in status["items"]:
        sid = item.get("snapshot")
        items.append({**item, "label": g.t("ph_" + item["phase"]),
                      "snapshot_url": url_for("v.snapshot", ref=sid) if sid else None})
    files = {name: url_for("j.job_file", job_id=job.id, name=name) for name in status.get("files") or {}}
    nxt = None
    if status["state"] in FINAL:
        one = job.kind == "capture" and len(items) == 1 and items[0]["snapshot_url"]
        nxt = items[0]["snapshot_url"] if one else url_for("j.job", job_id=job.id)
    return {"id": job.id, "kind": job.kind, "state": status["state"], "items": items,
            "files": files, "next": nxt, "pid": status.get("pid")}


@bp.get("/jobs/<job_id>")
def job(job_id: str) -> str:
    job = _job(job_id)
    return render_template("job.html", job=_shown(job), phases=PHASES[job.kind], final=FINAL)


@bp.get("/jobs/<job_id>/status")
def job_status(job_id: str) -> Response:
    return jsonify(_shown(_job(job_id)))


@bp.get("/jobs/<job_id>/files/<name>")
def job_file(job_id: str, name: str) -> Response:
    path = jobs().file(_job(job_id), name)
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=path.name)
