"""The SQLite index: a cache of the manifests for fast listing. It can always be rebuilt."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from storage.diff import diff_facts, listing_facts

SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    prev TEXT,
    captured_at TEXT,
    target_url TEXT,
    kind TEXT,
    final_url TEXT,
    status INTEGER,
    title TEXT,
    failed INTEGER NOT NULL DEFAULT 0,
    summary TEXT NOT NULL,
    price TEXT,
    currency TEXT,
    blocked INTEGER NOT NULL DEFAULT 0,
    facts TEXT,
    anomalies TEXT,
    listing TEXT,
    since TEXT,
    differs INTEGER NOT NULL DEFAULT 0,
    job TEXT
);
CREATE INDEX IF NOT EXISTS snapshots_target ON snapshots(target_url, seq);
CREATE INDEX IF NOT EXISTS snapshots_job ON snapshots(job) WHERE job IS NOT NULL;
CREATE INDEX IF NOT EXISTS snapshots_differs ON snapshots(target_url, seq) WHERE differs = 1;
CREATE TABLE IF NOT EXISTS artifacts (
    snapshot_id TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, name)
);
CREATE INDEX IF NOT EXISTS artifacts_sha ON artifacts(sha256);
CREATE TABLE IF NOT EXISTS payloads (
    url TEXT NOT NULL,
    digest TEXT NOT NULL,
    seq INTEGER NOT NULL,
    snapshot_id TEXT NOT NULL,
    warc_sha256 TEXT NOT NULL,
    warc_date TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (url, digest, seq)
);
"""


# Bumped whenever SCHEMA changes: an index of another version is dropped and rebuilt.
VERSION = 6

# What a record says that matters for "did it change?": compared as one string per snapshot.
FACT_FIELDS = ("title", "price", "original_price", "price_range", "availability", "seller", "sku",
               "removed")


def record_facts(record: dict[str, Any] | None) -> str | None:
    if not record:
        return None
    facts: dict[str, Any] = {k: record.get(k) for k in FACT_FIELDS}
    facts["promises"] = sorted(
        json.dumps([p.get("code"), p.get("params"), p.get("text")], ensure_ascii=False, sort_keys=True)
        for p in record.get("promises") or [] if isinstance(p, dict))
    facts["claims"] = sorted(
        json.dumps([c.get("text"), sorted(c.get("flags") or [])], ensure_ascii=False)
        for c in record.get("claims") or [] if isinstance(c, dict))
    return json.dumps(facts, ensure_ascii=False, sort_keys=True)


def record_anomalies(record: dict[str, Any] | None) -> str | None:
    """The record's anomalies without their evidence (code, severity, text), for lists that
    badge a target without reading its record; None when there are none."""
    found = (record or {}).get("anomalies")
    brief = [{k: a.get(k) for k in ("code", "severity", "text")}
             for a in (found if isinstance(found, list) else [])[:50] if isinstance(a, dict)]
    return json.dumps(brief, ensure_ascii=False, sort_keys=True) if brief else None


class Index:
    """The queries are written once, for SQLite and PostgreSQL alike (storage/pg.py runs them
    there): portable SQL only, ``?`` parameters, rows read by name or position."""

    Error: type[Exception] = sqlite3.Error  # what a failing query raises

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        if self.db.execute("PRAGMA user_version").fetchone()[0] != VERSION:
            self.db.execute("DROP TABLE IF EXISTS snapshots")
            self.db.execute("DROP TABLE IF EXISTS artifacts")
            self.db.execute("DROP TABLE IF EXISTS payloads")
            self.db.execute(f"PRAGMA user_version={VERSION}")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM snapshots").fetchone()[0])

    def ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM snapshots ORDER BY seq")]

    def add(self, seq: int, snapshot_id: str, manifest: dict[str, Any], title: str | None,
            record: dict[str, Any] | None = None,
            payloads: Iterable[tuple[str, str, str, str]] = ()) -> None:
        """``payloads``: (url, digest, warc date, record id) of the full responses in its WARC."""
        target = manifest.get("target") or {}
        job = manifest.get("job")
        price = (record or {}).get("price") or {}
        if not isinstance(price, dict):
            price = {}
        summary = {
            "id": snapshot_id,
            "captured_at": manifest.get("captured_at"),
            "target": target,
            "final_url": manifest.get("final_url"),
            "status": manifest.get("status"),
            "title": title,
            "warnings": manifest.get("warnings", []),
        }
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            change = self._change(seq, target, record)
            self.db.execute("DELETE FROM snapshots WHERE seq = ? OR id = ?", (seq, snapshot_id))
            self.db.execute("DELETE FROM artifacts WHERE snapshot_id = ?", (snapshot_id,))
            self.db.execute(
                "INSERT INTO snapshots"
                " (seq, id, prev, captured_at, target_url, kind, final_url, status, title, summary,"
                "  price, currency, blocked, facts, anomalies, listing, since, differs, job)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    seq,
                    snapshot_id,
                    manifest.get("prev"),
                    manifest.get("captured_at"),
                    target.get("url"),
                    target.get("kind"),
                    manifest.get("final_url"),
                    manifest.get("status"),
                    title,
                    json.dumps(summary, ensure_ascii=False),
                    price.get("amount"),
                    price.get("currency"),
                    1 if (record or {}).get("blocked") else 0,
                    record_facts(record),
                    record_anomalies(record),
                    *change,
                    str(job["id"]) if isinstance(job, dict) and job.get("id") else None,
                ),
            )
            for name, art in (manifest.get("artifacts") or {}).items():
                self.db.execute(
                    "INSERT INTO artifacts VALUES (?,?,?,?,?)",
                    (snapshot_id, name, art["sha256"], art["size"], art["media_type"]),
                )
            warc = (manifest.get("artifacts") or {}).get("warc") or {}
            self.db.executemany(
                "INSERT INTO payloads VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                [(url, digest, seq, snapshot_id, warc.get("sha256", ""), date, rid)
                 for url, digest, date, rid in payloads],
            )

    def _change(self, seq: int, target: dict[str, Any], record: dict[str, Any] | None
                ) -> tuple[str | None, str | None, int]:
        """(its listing facts (``storage.diff.listing_facts``); the newest earlier capture of
        the target, same kind, that showed the listing; whether the listing differs from it):
        kept so that no page reads records to say what changed and when (the words are made
        from the two captures' facts when shown). Snapshots are added in ledger order, so
        the earlier one is always here already."""
        if not record or record.get("blocked"):
            return None, None, 0
        facts = listing_facts(record)
        row = self.db.execute(
            "SELECT id, listing FROM snapshots WHERE target_url = ? AND kind IS ? AND seq < ?"
            " AND listing IS NOT NULL ORDER BY seq DESC LIMIT 1",
            (target.get("url"), target.get("kind"), seq)).fetchone()
        listing = json.dumps(facts, ensure_ascii=False, sort_keys=True)
        if row is None:
            return listing, None, 0
        return listing, row["id"], 1 if diff_facts(json.loads(row["listing"]), facts)["listing_changed"] else 0

    def reset(self) -> None:
        with self.db:
            self.db.execute("DELETE FROM snapshots")
            self.db.execute("DELETE FROM artifacts")
            self.db.execute("DELETE FROM payloads")

    def anomalies(self, ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """id -> the brief anomalies (``record_anomalies``) of those snapshots that have any."""
        wanted = list(ids)
        rows = self.db.execute(
            f"SELECT id, anomalies FROM snapshots WHERE anomalies IS NOT NULL AND id IN"
            f" ({','.join('?' * len(wanted))})", wanted) if wanted else []
        return {r[0]: json.loads(r[1]) for r in rows}

    def of_job(self, job_id: str) -> str | None:
        """The snapshot a task-queue job committed (``manifest["job"]["id"]``), if any: a job
        redelivered after its commit is not captured again."""
        row = self.db.execute("SELECT id FROM snapshots WHERE job = ? ORDER BY seq LIMIT 1",
                              (job_id,)).fetchone()
        return row[0] if row else None

    def match_prefix(self, prefix: str) -> list[str]:
        rows = self.db.execute(
            "SELECT id FROM snapshots WHERE id >= ? AND id < ? ORDER BY seq LIMIT 2",
            (prefix, prefix + "g"),
        )
        return [r[0] for r in rows]

    def summaries(self, target_url: str | None = None, newest_first: bool = True) -> list[dict[str, Any]]:
        order = "DESC" if newest_first else "ASC"
        if target_url is None:
            rows = self.db.execute(f"SELECT summary FROM snapshots ORDER BY seq {order}")
        else:
            rows = self.db.execute(
                f"SELECT summary FROM snapshots WHERE target_url = ? ORDER BY seq {order}",
                (target_url,),
            )
        return [json.loads(r[0]) for r in rows]

    def snapshots_using(self, digest: str) -> list[tuple[str, str]]:
        rows = self.db.execute("SELECT snapshot_id, name FROM artifacts WHERE sha256 = ?", (digest,))
        return [(r[0], r[1]) for r in rows]

    def payload_origins(self, url: str, digest: str) -> list[tuple[str, str, str, str]]:
        """(snapshot id, WARC sha256, WARC date, record id) of indexed snapshots whose WARC
        holds this payload in full, oldest first."""
        rows = self.db.execute(
            "SELECT p.snapshot_id, p.warc_sha256, p.warc_date, p.record_id FROM payloads p"
            " JOIN snapshots s ON s.id = p.snapshot_id AND s.seq = p.seq"
            " WHERE p.url = ? AND p.digest = ? ORDER BY p.seq LIMIT 3", (url, digest))
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def listing_captures(self, target_url: str | None, final_url: str | None
                         ) -> list[tuple[str, str | None, str | None, str | None, str | None]]:
        """(id, captured_at, price, currency, facts) of the listing captures, not blocked, of
        this target or that landed on this final URL, in ledger order."""
        rows = self.db.execute(
            "SELECT id, captured_at, price, currency, facts FROM snapshots"
            " WHERE kind = 'listing' AND blocked = 0 AND (target_url = ? OR final_url = ?)"
            " ORDER BY seq", (target_url, final_url))
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]
