"""One timeline from every capture of a chat: no duplicates, nothing lost.

Each capture of a chat page holds the messages it could see. Merged oldest first, every
message appears once (messages are matched by their ``id``, a hash of sender, instant and
text) with the snapshot that first saw it and the one that last saw it. A message that a
later capture no longer shows — withdrawn (撤回) in place of a notice such as
对方撤回了一条消息, or simply gone — is kept and marked ``withdrawn``, with the snapshot
where that was first seen. Pure: records and manifests in, a dict out.
"""
from __future__ import annotations

from typing import Any

SCHEMA = "jianyipai.thread/1"


def _entry(m: dict[str, Any], snapshot: str) -> dict[str, Any]:
    out = {k: m.get(k) for k in ("id", "sender", "role", "sent_at", "time_text", "text")}
    out["attachments"] = list(m.get("attachments") or [])
    if m.get("platform_id"):
        out["platform_id"] = m["platform_id"]
    out.update(first_seen=snapshot, last_seen=snapshot, seen=1, withdrawn=False)
    if m.get("withdrawn"):  # a withdrawal notice whose message no capture saw
        out.update(withdrawn=True, withdrawn_in=snapshot, withdrawn_how="notice",
                   withdrawal_notice=m.get("text"), notice_only=True)
    return out


def merge_thread(captures: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge captures, oldest first, each ``{"id", "captured_at", "record", "chat"}``.

    ``record`` is the snapshot's chat record and ``chat`` the manifest's ``chat`` entry
    (``history == "start"`` means the capture reached the start of the thread, so any
    earlier message it lacks has disappeared; otherwise only messages from its oldest one
    on are compared).
    """
    timeline: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}  # message ids and withdrawal-notice ids → entry
    snapshots: list[dict[str, Any]] = []
    warnings: list[str] = []
    promises: dict[tuple[str, str, str], dict[str, Any]] = {}
    commitments: dict[tuple[str, str], dict[str, Any]] = {}
    latest: dict[str, Any] = {}

    for cap in captures:
        snap, record = cap["id"], cap.get("record") or {}
        if record.get("kind") != "chat":
            warnings.append(f"snapshot {snap[:12]} holds no chat record (captured as "
                            f"{record.get('kind') or 'unknown'}); left out")
            continue
        latest = record
        msgs = [m for m in record.get("messages") or [] if m.get("id")]
        history = (cap.get("chat") or {}).get("history")
        timeline, stats = _merge_one(timeline, by_id, msgs, snap, complete=history == "start")
        snapshots.append({"id": snap, "captured_at": cap.get("captured_at"), "history": history,
                          "messages": len(msgs), **stats})
        for p in record.get("promises") or []:
            key = (p.get("message_id") or "", p.get("code") or "", p.get("text") or "")
            promises.setdefault(key, {**p, "first_seen": snap})
        for c in record.get("commitments") or []:
            key = (c.get("message_id") or "", c.get("text") or "")
            commitments.setdefault(key, {**c, "first_seen": snap})

    def status(item: dict[str, Any]) -> dict[str, Any]:
        entry = by_id.get(item.get("message_id") or "")
        return {**item, "withdrawn": bool(entry and entry["withdrawn"])}

    return {
        "schema": SCHEMA,
        "kind": "chat-thread",
        "url": latest.get("url"),
        "site": latest.get("site"),
        "counterpart": latest.get("counterpart"),
        "snapshots": snapshots,
        "messages": timeline,
        "promises": [status(p) for p in promises.values()],
        "commitments": [status(c) for c in commitments.values()],
        "withdrawn": sum(1 for e in timeline if e["withdrawn"]),
        "warnings": warnings,
    }


def _merge_one(old: list[dict[str, Any]], by_id: dict[str, dict[str, Any]],
               msgs: list[dict[str, Any]], snap: str, *, complete: bool
               ) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The timeline with one more capture merged in, and what changed."""
    position = {id(e): i for i, e in enumerate(old)}
    known = [position.get(id(by_id[m["id"]])) if m["id"] in by_id else None for m in msgs]
    # for each message, the old position of the next message this capture shares with it
    next_known: list[int] = [len(old)] * (len(msgs) + 1)
    for i in range(len(msgs) - 1, -1, -1):
        k = known[i]
        next_known[i] = k if k is not None else next_known[i + 1]

    new: list[dict[str, Any]] = []
    seen: set[int] = set()
    cursor = 0  # old entries before this are placed in ``new``
    first_match: int | None = None
    added = withdrawn = 0

    def advance(to: int) -> None:
        nonlocal cursor
        if to >= cursor:
            new.extend(old[cursor:to + 1])
            cursor = to + 1

    for i, m in enumerate(msgs):
        k = known[i]
        if k is not None:
            entry = old[k]
            advance(k)
            if id(entry) not in seen:
                entry["last_seen"] = snap
                entry["seen"] += 1
                seen.add(id(entry))
            if entry["withdrawn"] and not m.get("withdrawn") and entry.get("withdrawn_how") == "missing":
                entry["withdrawn"] = False  # back again: it was only out of view
                entry.setdefault("missing_in", []).append(entry.pop("withdrawn_in"))
                entry.pop("withdrawn_how", None)
            first_match = k if first_match is None else min(first_match, k)
            continue
        if m.get("withdrawn"):
            target = _withdrawn_original(old, cursor, next_known[i + 1], msgs, seen, m)
            if target is not None:
                entry = old[target]
                advance(target)
                seen.add(id(entry))
                if not entry["withdrawn"] or entry.get("withdrawn_how") == "missing":
                    entry.update(withdrawn=True, withdrawn_in=entry.get("withdrawn_in") or snap,
                                 withdrawn_how="notice")
                    withdrawn += 1
                entry["withdrawal_notice"] = m.get("text")
                by_id[m["id"]] = entry  # later captures showing the notice map here too
                first_match = target if first_match is None else min(first_match, target)
                continue
        entry = _entry(m, snap)
        by_id[m["id"]] = entry
        seen.add(id(entry))
        new.append(entry)
        added += 1
    new.extend(old[cursor:])

    lo = 0 if complete else (first_match if first_match is not None else len(old))
    for entry in old[lo:]:
        if id(entry) not in seen and not entry["withdrawn"]:
            entry.update(withdrawn=True, withdrawn_in=snap, withdrawn_how="missing")
            withdrawn += 1
    return new, {"new": added, "withdrawn": withdrawn}


def _withdrawn_original(old: list[dict[str, Any]], start: int, stop: int,
                        msgs: list[dict[str, Any]], seen: set[int], notice: dict[str, Any]) -> int | None:
    """The old message a withdrawal notice stands in for: one this capture lacks, between
    the messages around the notice, sent by the party the notice names."""
    present = {m["id"] for m in msgs}
    candidates = [j for j in range(start, min(stop, len(old)))
                  if id(old[j]) not in seen and old[j]["id"] not in present
                  and not old[j].get("notice_only")
                  and (not old[j]["withdrawn"] or old[j].get("withdrawn_how") == "missing")]
    by = notice.get("withdrawn_by")
    matching = [j for j in candidates if by is None or old[j]["role"] == by]
    pool = matching or candidates
    return pool[0] if pool else None
