"""Steps after a commit that failed: ``STORE/after-commit.jsonl``, append-only.

A snapshot exists once its ledger line is written; what runs after that (trusted timestamp,
the scan for the user's identifiers, change notifications) can fail without touching it.
Each such failure is one JSON line here — snapshot, step, error, when — so that ``verify``
and ``watch --failures`` can show what is still owed, and nothing is retried into a
duplicate capture.
"""
from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any

from storage.times import rfc3339

LOG = "after-commit.jsonl"


def append(root: Path, snapshot_id: str, step: str, error: str) -> None:
    line = json.dumps({"snapshot": snapshot_id, "step": step, "error": error,
                       "at": rfc3339(timespec="seconds")}, ensure_ascii=False, sort_keys=True)
    fd = os.open(Path(root) / LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read(root: Path) -> list[dict[str, Any]]:
    try:
        text = (Path(root) / LOG).read_text("utf-8")
    except FileNotFoundError:
        return []
    out = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by a crash
        if isinstance(entry, dict):
            out.append(entry)
    return out
