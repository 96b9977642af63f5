"""How a record's anomalies read to a person: in ``show``, the report and the viewer.

An anomaly (issue 14) is ``{code, severity, text: {zh, en}, evidence}``; each finder puts
what it saw in ``evidence`` in its own shape (a host, a chat message id, a form, the
snapshots compared, amounts). This module reads any shape the same way, so a new code
shows everywhere without a change here. Records are untrusted (a captured page wrote most
of the evidence): nothing here trusts a type, and callers escape every string.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SEVERITIES = ("info", "warning", "danger")  # least to most severe
SEVERITY_WORDS = {"info": ("提示", "info"), "warning": ("需注意", "warning"),
                  "danger": ("高风险", "danger")}
NOTE_ZH = "以下是待人工核查的线索，不是结论：页面所在的场景可能让它无害。"
NOTE_EN = "These are candidates for a person to check, not verdicts: the context may make them innocent."

# What the common evidence keys mean, for people; other keys show as written.
KEY_WORDS = {
    "where": ("位置", "where"), "host": ("域名", "host"), "imitates": ("疑似仿冒", "imitates"),
    "how": ("方式", "how"), "registrable": ("注册域名", "registrable domain"),
    "url": ("网址", "URL"), "message_id": ("聊天消息", "chat message"),
    "sender": ("发送者", "sender"), "role": ("角色", "role"), "matched": ("命中词语", "matched words"),
    "text": ("原文", "text"), "target": ("指向", "points to"), "action": ("表单地址", "form action"),
    "method": ("提交方式", "method"), "fields": ("敏感字段", "sensitive fields"),
    "reasons": ("原因", "reasons"),
}
# Evidence keys read first, in this order; the others follow in key order.
_FIRST = ("where", "id", "host", "imitates", "how", "message_id", "sender", "role", "matched", "text",
          "url", "target", "action", "method", "fields", "reasons")
_HEX = re.compile(r"[0-9a-f]{8,64}")
_SNAPSHOT_ID = re.compile(r"[0-9a-f]{64}")
_DIGESTS = ("sha", "hash", "digest")  # keys whose 64 hex digits name a file, not a snapshot
MAX_VALUE = 160  # characters of one evidence value shown
MAX_PARTS = 16  # evidence parts shown per anomaly
MAX_DEPTH = 3  # nested evidence read this deep


@dataclass(frozen=True)
class Value:
    text: str  # as shown (shortened); a snapshot id's first 12 digits
    kind: str = "text"  # text | snapshot | message
    ref: str = ""  # the full snapshot id or message id a viewer links to
    detail: str = ""  # what else the evidence says of that snapshot (its time, its price)

    @property
    def shown(self) -> str:
        return f"{self.text} {self.detail}" if self.detail else self.text


@dataclass(frozen=True)
class Part:
    key: str  # the evidence key; nested keys dotted (listing.price)
    values: tuple[Value, ...]

    def label(self, lang: str) -> str:
        """The key in words (``zh`` or ``en``) where it is a common one, else as written."""
        words = KEY_WORDS.get(self.key)
        return (words[1] if lang == "en" else words[0]) if words else self.key


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # one of SEVERITIES (an unknown one reads as warning)
    zh: str
    en: str
    evidence: tuple[Part, ...]

    @property
    def evidence_text(self) -> str:
        """The evidence on one line: ``where page · host jd.com.pay-secure.top · snapshot 1a2b3c4d5e6f``."""
        return " · ".join(f"{p.key} {', '.join(v.shown for v in p.values)}" for p in self.evidence)


def findings(record: dict[str, Any] | None) -> list[Finding]:
    """The record's anomalies, most severe first (stable within a severity)."""
    items = (record or {}).get("anomalies") if isinstance(record, dict) else None
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        text = item.get("text") if isinstance(item.get("text"), dict) else {}
        severity = item.get("severity") if item.get("severity") in SEVERITIES else "warning"
        out.append(Finding(_short(item.get("code") or "anomaly", 60), severity,
                           _short(text.get("zh") or "", 600), _short(text.get("en") or "", 600),
                           tuple(evidence_parts(item.get("evidence")))))
    out.sort(key=lambda f: -SEVERITIES.index(f.severity))
    return out


def evidence_parts(evidence: Any) -> list[Part]:
    """``evidence`` as labelled parts; snapshot ids and chat message ids marked for links."""
    if not isinstance(evidence, dict):
        return [Part("evidence", (Value(_short(_scalar(evidence))),))] if evidence not in (None, "", [], {}) else []
    parts: list[Part] = []
    _walk(evidence, "", 0, parts)
    return parts[:MAX_PARTS]


def _walk(evidence: dict[str, Any], prefix: str, depth: int, parts: list[Part]) -> None:
    keys = [k for k in _FIRST if k in evidence] + sorted(
        (k for k in evidence if k not in _FIRST), key=str)
    for key in keys:
        value, name = evidence[key], f"{prefix}{key}"
        if value in (None, "", [], {}):
            continue
        if isinstance(value, dict) and not _is_money(value):
            if depth < MAX_DEPTH:
                _walk(value, name + ".", depth + 1, parts)
            continue
        items = value if isinstance(value, list) else [value]
        values = tuple(_value(name, item) for item in items[:10])
        if len(items) > 10:
            values += (Value(f"… (+{len(items) - 10})"),)
        parts.append(Part(name, values))


def _value(key: str, item: Any) -> Value:
    if isinstance(item, str):
        if _is_snapshot(key, item):
            return Value(item[:12], "snapshot", item)
        low = key.lower()
        if "message" in low and low.endswith(("id", "ids")) and len(item) <= 128:
            return Value(_short(item, 24), "message", item)
    if isinstance(item, dict) and not _is_money(item):  # one of several captures compared
        ref = next((v for k, v in item.items() if isinstance(v, str) and _is_snapshot(str(k), v)), None)
        rest = _scalar({k: v for k, v in item.items() if v is not ref})
        if ref is not None:
            return Value(ref[:12], "snapshot", ref, _short(rest) if rest != "()" else "")
    return Value(_short(_scalar(item)))


def _is_snapshot(key: str, value: str) -> bool:
    """A snapshot id (or a prefix of one under a key that says snapshot)."""
    low = key.lower()
    return bool(("snapshot" in low and _HEX.fullmatch(value))
                or (_SNAPSHOT_ID.fullmatch(value) and not any(w in low for w in _DIGESTS)))


def _is_money(value: dict[str, Any]) -> bool:
    return "amount" in value and set(value) <= {"amount", "currency"}


def _scalar(item: Any, depth: int = 0) -> str:
    if isinstance(item, (dict, list)) and depth > MAX_DEPTH:
        return "…"
    if isinstance(item, dict):
        if _is_money(item):
            return f"{item.get('amount')} {item.get('currency') or ''}".strip()
        # a fee, a line item: (name 服务费; amount 10.00)
        return "(" + "; ".join(f"{k} {_scalar(v, depth + 1)}" for k, v in item.items()
                               if v not in (None, "")) + ")"
    if isinstance(item, list):
        return ", ".join(_scalar(v, depth + 1) for v in item[:20])
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item)


def _short(text: Any, limit: int = MAX_VALUE) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
