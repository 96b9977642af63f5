"""The viewer's background work: captures and complaints, in a small pool of processes.

A job runs in a worker process (a capture holds a browser for a minute; the web server's
threads stay free) through the same code as the command line (``agent.batch.capture_one``).
The worker writes its progress to a status file in the jobs folder (JSON, replaced
atomically), and the page polls it. What the job ended with comes from its future: a worker
that dies mid-job (killed, out of memory) fails the future, so the job shows failed with the
reason, and the store holds nothing of it (its commit is atomic).
"""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import tempfile
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.errors import JianyipaiError, first_line
from agent.settings import Settings
from agent.urls import Pasted

# A job's items go through these; a capture's steps (agent.pipeline) map onto them.
PHASES = ("queued", "loading", "scrolling", "saving", "writing", "done", "failed")
FINAL = ("done", "failed")
_STEP_PHASE = {"response": "loading", "load": "loading", "scroll": "scrolling", "chat": "scrolling",
               "settle": "scrolling", "expand chat": "scrolling"}
KEEP_JOBS = 200  # finished jobs remembered (their files too); older ones are forgotten
COMPLAINT_FILES = ("pdf", "txt", "wacz")  # what agent.complaint.make_complaint writes
DIED = "the worker process stopped unexpectedly (killed, or out of memory?); nothing was stored"


@dataclass
class Job:
    id: str
    kind: str  # "capture" | "complaint"
    folder: Path
    future: Future[dict[str, Any]]
    items: list[dict[str, Any]]


class Jobs:
    """A fixed number of worker processes, started when the first job comes."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._root: Path | None = None
        self._jobs: dict[str, Job] = {}

    def submit(self, kind: str, items: list[dict[str, Any]], fn: Any, *args: Any) -> str:
        """Run ``fn(status_path, out_dir, *args)`` in the pool; returns the job id."""
        job_id = secrets.token_urlsafe(12)
        with self._lock:
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix="jianyipai-viewer-"))
            folder = self._root / job_id
            (folder / "out").mkdir(parents=True)
            for _ in range(2):  # a pool broken by a dead worker is replaced once
                if self._pool is None:
                    self._pool = ProcessPoolExecutor(
                        self.workers, mp_context=multiprocessing.get_context("spawn"))
                try:
                    future = self._pool.submit(fn, folder / "status.json", folder / "out", *args)
                    break
                except RuntimeError:  # BrokenProcessPool: a worker died
                    self._pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = None
            else:
                raise RuntimeError("the worker processes could not be started")
            self._jobs[job_id] = Job(job_id, kind, folder, future, items)
            self._forget_old()
        return job_id

    def _forget_old(self) -> None:
        done = [j for j in self._jobs.values() if j.future.done()]
        for job in done[:max(0, len(self._jobs) - KEEP_JOBS)]:
            del self._jobs[job.id]
            shutil.rmtree(job.folder, ignore_errors=True)

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def status(self, job: Job) -> dict[str, Any]:
        """``{state, items: [{url, phase, snapshot, error, warnings}], files}``: the future's
        result once the job has ended, else what the worker last wrote."""
        if job.future.done():
            exc = None if job.future.cancelled() else job.future.exception()
            if exc is None and not job.future.cancelled():
                result = job.future.result()
                return {**result, "state": result.get("outcome", "done")}
            # a dead worker breaks the pool; the next submit replaces it
            reason = ("the viewer stopped before the job ran" if exc is None
                      else DIED if isinstance(exc, BrokenProcessPool) else first_line(exc))
            return {"state": "failed", "files": {},
                    "items": [{**item, "phase": "failed", "error": reason} for item in job.items]}
        written = _read(job.folder / "status.json")
        items = written.get("items") if written else None
        if not items:
            return {"state": "queued", "files": {}, "items": job.items}
        return {"state": "running", "files": {}, "items": items, "pid": written.get("pid")}

    def file(self, job: Job, name: str) -> Path | None:
        """A file a finished job made, by its name in the job's ``files``; only inside its folder."""
        if self.status(job)["state"] != "done":
            return None
        path = (job.future.result().get("files") or {}).get(name)
        if not path:
            return None
        path = Path(path).resolve()
        if not path.is_file() or not path.is_relative_to((job.folder / "out").resolve()):
            return None
        return path

    def close(self) -> None:
        """Cancel the queued jobs and stop the running ones (a capture stopped before its
        commit leaves nothing in the store), so that the server ends at once."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
            for job in self._jobs.values():
                pid = (_read(job.folder / "status.json") or {}).get("pid")
                if not job.future.done() and isinstance(pid, int):
                    try:
                        os.kill(pid, signal.SIGTERM)
                    except OSError:
                        pass
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text("utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


class _Progress:
    """The worker's side: the items and their phases, written out on every change."""

    def __init__(self, path: Path, items: list[dict[str, Any]]) -> None:
        self.path = path
        self.items = items
        self.write()

    def set(self, i: int, **changes: Any) -> None:
        if all(self.items[i].get(k) == v for k, v in changes.items()):
            return
        self.items[i].update(changes)
        self.write()

    def write(self) -> None:
        """Never raises: progress that cannot be shown must not cost the capture."""
        tmp = self.path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps({"pid": os.getpid(), "items": self.items}, ensure_ascii=False),
                           "utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass


def capture_items(targets: list[Pasted]) -> list[dict[str, Any]]:
    return [{"url": p.url, "phase": "queued", "snapshot": None, "error": None, "warnings": []}
            for p in targets]


def capture_job(status_path: Path, _out: Path, settings: Settings, store_dir: str,
                targets: list[Pasted], kind: str) -> dict[str, Any]:
    """In a worker process: capture the pages one after another in one browser, each
    committed to the store like ``jianyipai capture`` does."""
    progress = _Progress(status_path, capture_items(targets))
    progress.set(0, phase="loading")  # the browser starts
    asyncio.run(_capture(progress, settings, store_dir, targets, kind))
    state = "done" if all(item["snapshot"] for item in progress.items) else "failed"
    return {"items": progress.items, "files": {}, "outcome": state}


async def _capture(progress: _Progress, settings: Settings, store_dir: str,
                   targets: list[Pasted], kind: str) -> None:
    from agent.batch import capture_one
    from agent.pipeline import Capturer
    from agent.settings import open_store
    from storage import StoreError

    try:
        with open_store(settings, store_dir) as store:
            async with Capturer(settings) as capturer:
                for i, pasted in enumerate(targets):
                    progress.set(i, phase="loading")

                    def step(name: str, i: int = i) -> None:
                        progress.set(i, phase=_STEP_PHASE.get(name, "saving"))

                    said: list[str] = []
                    outcome = await capture_one(capturer, store, pasted.url, kind, say=said.append,
                                                shared_text=pasted.shared_text, on_step=step)
                    if outcome.error:
                        progress.set(i, phase="failed", error=outcome.error)
                    else:
                        progress.set(i, phase="done", snapshot=outcome.snapshot_id,
                                     warnings=[*(outcome.manifest or {}).get("warnings", []), *said])
    except (JianyipaiError, StoreError) as exc:  # no browser, a store that cannot be opened
        _fail_rest(progress, str(exc))
    except Exception as exc:
        _fail_rest(progress, f"unexpected failure: {first_line(exc)}")


def _fail_rest(progress: _Progress, reason: str) -> None:
    for i, item in enumerate(progress.items):
        if item["phase"] not in FINAL:
            progress.set(i, phase="failed", error=reason)


def complaint_items(sid: str) -> list[dict[str, Any]]:
    return [{"url": None, "snapshot": sid, "phase": "queued", "error": None, "warnings": []}]


def complaint_job(status_path: Path, out: Path, settings: Settings, store_dir: str,
                  sid: str) -> dict[str, Any]:
    """In a worker process: the complaint materials for one snapshot (PDF and the 12315 form
    text), written into the job's folder."""
    from agent.complaint import make_complaint
    from storage import StoreError

    progress = _Progress(status_path, complaint_items(sid))
    progress.set(0, phase="writing")
    try:
        made = make_complaint(settings, Path(store_dir), sid, out)
    except (JianyipaiError, StoreError) as exc:
        progress.set(0, phase="failed", error=str(exc))
        return {"items": progress.items, "files": {}, "outcome": "failed"}
    files = {name: str(made[name]) for name in COMPLAINT_FILES
             if made.get(name) and Path(made[name]).is_file()}
    progress.set(0, phase="done", warnings=list(made.get("warnings") or []))
    return {"items": progress.items, "files": files, "outcome": "done"}
