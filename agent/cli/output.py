"""How results look to a person; --json output is built in the CLI from the same data."""
from __future__ import annotations

import json
import sys
from typing import Any

import click


def emit_json(obj: Any) -> None:
    """One JSON object per line on stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n")
    sys.stdout.flush()


def price_text(record: dict[str, Any] | None) -> str:
    price = (record or {}).get("price")
    rng = (record or {}).get("price_range")
    if isinstance(rng, dict) and rng.get("min") and rng.get("max"):
        return f"{rng['min']}-{rng['max']} {rng.get('currency') or ''}".strip()
    if isinstance(price, dict) and price.get("amount"):
        return f"{price['amount']} {price.get('currency') or ''}".strip()
    return "-"


def snapshot_text(snapshot_id: str, manifest: dict[str, Any], record: dict[str, Any] | None,
                  store_root: str | None = None) -> str:
    lines = [
        f"snapshot   {snapshot_id}",
        f"captured   {manifest.get('captured_at')}  ({manifest.get('duration_s')} s)",
        f"target     {manifest.get('target', {}).get('url')}  [{manifest.get('target', {}).get('kind')}]",
    ]
    if manifest.get("final_url") != manifest.get("requested_url"):
        lines.append(f"final url  {manifest.get('final_url')}")
    for hop in manifest.get("redirects") or []:
        lines.append(f"redirect   {hop.get('status')} {hop.get('url')}")
    server = manifest.get("server") or {}
    lines.append(f"status     {manifest.get('status')}" + (f"  from {server.get('ip')}:{server.get('port')}" if server else ""))
    tls = manifest.get("tls")
    if tls:
        lines.append(f"tls        {tls.get('protocol')}  {tls.get('subject')}  issued by {tls.get('issuer')}")
    lines.append(f"title      {(record or {}).get('title') or manifest.get('title') or '-'}")
    anomalies = (record or {}).get("anomalies")
    if (record or {}).get("kind") == "chat":
        from agent.cli.chatview import chat_lines

        lines += chat_lines(record or {}, manifest.get("chat"))
        record = {"warnings": (record or {}).get("warnings")}  # promises are in chat_lines
    else:
        lines.append(f"price      {price_text(record)}")
    if (record or {}).get("removed"):
        lines.append("removed    the page says the listing is gone")
    for promise in (record or {}).get("promises") or []:
        lines.append(f"promise    {promise.get('code')}: {promise.get('text')}")
    for claim in (record or {}).get("claims") or []:
        lines.append(f"claim      {', '.join(claim.get('flags') or [])}: {claim.get('text')}")
    lines += anomaly_lines(anomalies)
    for warning in manifest.get("warnings") or []:
        lines.append(f"warning    {warning}")
    lines.append("artifacts")
    for name, art in sorted((manifest.get("artifacts") or {}).items()):
        lines.append(f"  {name:<11}{art['sha256']}  {art['size']:>10,} B  {art['media_type']}")
    if manifest.get("prev"):
        lines.append(f"prev       {manifest['prev']}")
    if store_root:
        lines.append(f"store      {store_root}")
    return "\n".join(lines)


def record_text(source: str, record: dict[str, Any]) -> str:
    """A saved page's record, for `extract` without --json."""
    if record.get("kind") == "chat":
        from agent.cli.chatview import chat_lines

        return "\n".join([f"== {source}", f"title      {record.get('title') or '-'}",
                          *chat_lines(record, None), *anomaly_lines(record.get("anomalies")),
                          *(f"warning    {w}" for w in record.get("warnings") or [])])
    lines = [f"== {source}", f"title      {record.get('title') or '-'}",
             f"price      {price_text(record)}"]
    original = record.get("original_price")
    if isinstance(original, dict) and original.get("amount"):
        lines.append(f"original   {original['amount']} {original.get('currency') or ''}")
    seller = record.get("seller") or {}
    if seller.get("name"):
        lines.append(f"seller     {seller['name']}")
    for key in ("sku", "availability"):
        if record.get(key):
            lines.append(f"{key:<11}{record[key]}")
    if record.get("removed"):
        lines.append("removed    the page says the listing is gone")
    for promise in record.get("promises") or []:
        lines.append(f"promise    {promise.get('code')}: {promise.get('text')}")
    for claim in record.get("claims") or []:
        lines.append(f"claim      {', '.join(claim.get('flags') or [])}: {claim.get('text')}")
    lines += anomaly_lines(record.get("anomalies"))
    for warning in record.get("warnings") or []:
        lines.append(f"warning    {warning}")
    return "\n".join(lines)


def anomaly_lines(anomalies: Any) -> list[str]:
    """The anomalies, most severe first: severity, code, the Chinese then the English text,
    and the evidence on one line; headed by the reminder that they are candidates."""
    from storage.evidence.anomaly_view import NOTE_EN, NOTE_ZH, findings

    found = findings({"anomalies": anomalies})
    if not found:
        return []
    lines = [f"anomalies  {len(found)}: {NOTE_ZH} {NOTE_EN}"]
    for item in found:
        lines.append(f"anomaly    {item.severity} {item.code}: {item.zh}".rstrip())
        if item.en:
            lines.append(f"           {item.en}")
        if item.evidence:
            lines.append(f"           evidence: {item.evidence_text}")
    return lines


def summary_line(summary: dict[str, Any]) -> str:
    target = summary.get("target") or {}
    title = summary.get("title") or target.get("url") or ""
    return (f"{summary['id'][:12]}  {summary.get('captured_at') or '-':<24}  "
            f"{str(summary.get('status') or '-'):>3}  {target.get('kind') or '-':<7}  {title}")


def echo_err(message: str) -> None:
    click.echo(message, err=True)
