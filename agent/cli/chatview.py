"""How a merged chat thread looks to a person (``jianyipai thread``)."""
from __future__ import annotations

from typing import Any

ROLE_MARK = {"buyer": "买家", "seller": "卖家", "system": "系统", "bot": "自动"}


def chat_lines(record: dict[str, Any], chat: dict[str, Any] | None) -> list[str]:
    """A chat record (and the manifest's ``chat`` entry) in a few lines."""
    cp = record.get("counterpart") or {}
    msgs = record.get("messages") or []
    lines = [f"chat with  {cp.get('name') or '-'}" + (f" ({cp.get('kind')})" if cp.get("kind") else "")
             + f"  [profile {record.get('profile') or '-'}]"]
    span = ""
    times = [m["sent_at"] for m in msgs if m.get("sent_at")]
    if times:
        span = f", {times[0][:16].replace('T', ' ')} .. {times[-1][:16].replace('T', ' ')}"
    lines.append(f"messages   {len(msgs)}{span}, {sum(1 for m in msgs if m.get('withdrawn'))} withdrawn, "
                 f"{sum(len(m.get('attachments') or []) for m in msgs)} attachments")
    if chat:
        how = chat.get("history")
        what = {"start": "loaded to the start of the thread",
                "stalled": "loaded until scrolling brought nothing new (no start marker)",
                "bound": f"stopped at the {chat.get('bound')} bound, before the start",
                "none": "no message list found"}.get(how, str(how))
        lines.append(f"history    {what} ({chat.get('pages_loaded')} pages)")
    for p in record.get("promises") or []:
        lines.append(f"promise    {p.get('code')}: {p.get('text')}  (message {p.get('message_id')})")
    for c in record.get("commitments") or []:
        lines.append(f"commitment {c.get('text')}  (message {c.get('message_id')})")
    return lines


def thread_text(thread: dict[str, Any]) -> str:
    snaps = thread["snapshots"]
    cp = thread.get("counterpart") or {}
    short = {s["id"]: s["id"][:8] for s in snaps}
    lines = [
        f"chat       {thread.get('url')}",
        f"with       {cp.get('name') or '-'}" + (f" ({cp.get('kind')})" if cp.get("kind") else ""),
        f"captures   {len(snaps)}: " + ", ".join(
            f"{s['id'][:8]} {s.get('captured_at')} [{s.get('history') or '?'}]" for s in snaps),
        f"messages   {len(thread['messages'])}, {thread.get('withdrawn', 0)} withdrawn",
        "",
    ]
    for m in thread["messages"]:
        when = (m.get("sent_at") or m.get("time_text") or "?").replace("T", " ")[:19]
        who = m.get("sender") or ROLE_MARK.get(m.get("role") or "", "")
        text = m.get("text") or ""
        for a in m.get("attachments") or []:
            text += f" [{a.get('kind')}: {a.get('url')}]"
        mark = ""
        if m.get("withdrawn"):
            how = "撤回 withdrawn" if m.get("withdrawn_how") == "notice" else "gone from later captures"
            mark = f"  <<{how} in {short.get(m.get('withdrawn_in'), '?')}; last seen {short.get(m.get('last_seen'), '?')}>>"
        lines.append(f"{when}  {who} ({m.get('role')}): {text}  [{short.get(m.get('first_seen'), '?')}]{mark}")
    if thread.get("promises") or thread.get("commitments"):
        lines.append("")
    for p in thread.get("promises") or []:
        lines.append(f"promise    {p.get('code')}: {p.get('text')}  (message {p.get('message_id')})"
                     + ("  WITHDRAWN" if p.get("withdrawn") else ""))
    for c in thread.get("commitments") or []:
        lines.append(f"commitment {c.get('text')}  (message {c.get('message_id')})"
                     + ("  WITHDRAWN" if c.get("withdrawn") else ""))
    for w in thread.get("warnings") or []:
        lines.append(f"warning    {w}")
    return "\n".join(lines)
