"""Paged questions over the index for people browsing a store: targets and their timelines.

Everything here is one or two indexed queries, so pages stay quick with many thousands of
snapshots; nothing reads blobs.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storage.index import Index
from storage.times import parse as parse_time


@dataclass
class Page:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


STATUSES = ("ok", "changed", "blocked", "failing")


def targets(index: Index, *, q: str | None = None, status: str | None = None, page: int = 1,
            per_page: int = 50, last_failure: dict[str, float] | None = None) -> Page:
    """Targets, most recently captured first, each with its latest snapshot and a status.

    ``last_failure``: url → time (epoch s) of its latest failed capture, from the watcher.
    Status: failing (failed since its latest snapshot), blocked (latest is a login wall or
    captcha), changed (latest differs from the capture before it that showed the listing), ok.
    """
    latest: dict[str, Any] = {}
    count: dict[str, int] = {}
    differs: dict[str, int] = {}  # url -> whether its latest capture that showed the listing differs
    for r in index.db.execute("SELECT seq, target_url, title, blocked, differs FROM snapshots ORDER BY seq"):
        url = r["target_url"]
        latest[url] = r
        count[url] = count.get(url, 0) + 1
        if not r["blocked"]:
            differs[url] = r["differs"]
    failures = last_failure or {}
    found = []
    for url, r in latest.items():
        if url in failures and failures[url] > _epoch(index, r["seq"]):
            state = "failing"
        elif r["blocked"]:
            state = "blocked"
        elif differs.get(url):
            state = "changed"
        else:
            state = "ok"
        found.append((r["seq"], url, state, r["title"] or ""))
    found.sort(reverse=True)
    if status in STATUSES:
        found = [f for f in found if f[2] == status]
    needle = (q or "").lower()
    if needle:
        found = [f for f in found if needle in f[1].lower() or needle in f[3].lower()]
    page = max(1, page)
    rows = []
    for seq, url, state, _title in found[(page - 1) * per_page: page * per_page]:
        entry = _row(index.db.execute("SELECT * FROM snapshots WHERE seq = ?", (seq,)).fetchone())
        entry.update(captures=count[url], state=state)
        rows.append(entry)
    return Page(rows, len(found), page, per_page)


def _epoch(index: Index, seq: int) -> float:

    at = index.db.execute("SELECT captured_at FROM snapshots WHERE seq = ?", (seq,)).fetchone()[0]
    moment = parse_time(str(at))
    return moment.timestamp() if moment is not None else 0.0


def timeline(index: Index, url: str, *, page: int = 1, per_page: int = 100) -> tuple[Page, list[dict[str, Any]]]:
    """(one page of captures newest first, with ``changed`` marks; the whole price series)."""
    db = index.db
    all_rows = db.execute(
        "SELECT seq, id, captured_at, price, currency, blocked, since, differs FROM snapshots"
        " WHERE target_url = ? ORDER BY seq", (url,)).fetchall()
    changed = {r["id"]: r["since"] for r in all_rows if r["differs"]}  # see storage.history
    series = [{"id": r["id"], "captured_at": r["captured_at"], "amount": r["price"],
               "currency": r["currency"]} for r in all_rows if r["price"] and not r["blocked"]]
    total = len(all_rows)
    page = max(1, page)
    newest_first = list(reversed(all_rows))[(page - 1) * per_page: page * per_page]
    rows = []
    for r in newest_first:
        full = db.execute("SELECT * FROM snapshots WHERE seq = ?", (r["seq"],)).fetchone()
        entry = _row(full)
        entry["changed_since"] = changed.get(r["id"])
        rows.append(entry)
    return Page(rows, total, page, per_page), series


def _row(row: Any) -> dict[str, Any]:
    summary = json.loads(row["summary"])
    return {
        "id": row["id"], "seq": row["seq"], "captured_at": row["captured_at"],
        "target_url": row["target_url"], "kind": row["kind"], "status": row["status"],
        "title": row["title"], "price": row["price"], "currency": row["currency"],
        "blocked": bool(row["blocked"]), "warnings": summary.get("warnings") or [],
    }
