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
    lines.append(f"price      {price_text(record)}")
    for promise in (record or {}).get("promises") or []:
        lines.append(f"promise    {promise.get('code')}: {promise.get('text')}")
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


def summary_line(summary: dict[str, Any]) -> str:
    target = summary.get("target") or {}
    title = summary.get("title") or target.get("url") or ""
    return (f"{summary['id'][:12]}  {summary.get('captured_at') or '-':<24}  "
            f"{str(summary.get('status') or '-'):>3}  {target.get('kind') or '-':<7}  {title}")


def echo_err(message: str) -> None:
    click.echo(message, err=True)
