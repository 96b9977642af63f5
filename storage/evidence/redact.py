"""Masking the user's own personal data in what they hand over: text, records, WARCs.

Phone numbers keep their first three and last four digits (138****5678), ID-card numbers
their first six and last four, e-mail its first letter and domain; street addresses are
masked after the district. Every redacted file says which original hash it derives from.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_ID_CARD = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9Xx])")
_PHONE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9])[- ]?[0-9]{4}[- ]?([0-9]{4})(?![0-9])")
_EMAIL = re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_CN_STREET = re.compile(
    r"(?<=[省市区县旗镇乡])[\u4e00-\u9fa5A-Za-z0-9]{1,20}?(?:路|街|大道|巷|弄|胡同|村)"
    r"[0-9A-Za-z\-]*(?:号|弄)?(?:[0-9A-Za-z\-]+(?:栋|幢|号楼|单元|层|楼|室|号))*")
_EN_STREET = re.compile(
    r"\b[0-9]{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr)\b\.?")
MASK = "****"
# What the screenshot pass looks for (storage.evidence.screenmask), as (kind, pattern): the same as text.
PATTERNS = (("id", _ID_CARD), ("phone", _PHONE), ("email", _EMAIL), ("address", _CN_STREET),
            ("address", _EN_STREET))


def redact_text(text: str) -> str:
    text = _ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _PHONE.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2)}", text)
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = _CN_STREET.sub(MASK, text)
    return _EN_STREET.sub(MASK, text)


def redact_obj(obj: Any) -> Any:
    if isinstance(obj, str):
        return redact_text(obj)
    if isinstance(obj, list):
        return [redact_obj(v) for v in obj]
    if isinstance(obj, dict):
        return {k: redact_obj(v) for k, v in obj.items()}
    return obj


_TEXTUAL = ("text/", "application/json", "application/javascript", "application/xhtml",
            "application/ld+json", "application/xml")


def redact_warc(warc: bytes) -> bytes:
    """The same WARC with textual payloads (and headers) masked; lengths and digests redone."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for record in ArchiveIterator(io.BytesIO(warc)):
        payload = record.content_stream().read()
        http = record.http_headers
        mime = (http.get_header("Content-Type") or "") if http is not None else ""
        if record.rec_type in ("response", "request", "resource") and (
                mime.startswith(_TEXTUAL) or record.rec_type == "request"):
            payload = redact_text(payload.decode("utf-8", "replace")).encode("utf-8")
        if http is not None:
            revisit = record.rec_type == "revisit"  # headers only: its Content-Length is the original's
            headers = [(k, redact_text(v)) for k, v in http.headers if revisit or k.lower() != "content-length"]
            if not revisit:
                headers.append(("Content-Length", str(len(payload))))
            http = StatusAndHeaders(redact_text(http.statusline), headers, protocol=http.protocol)
        keep = {k: v for k, v in record.rec_headers.headers
                if k in ("WARC-Date", "WARC-IP-Address", "WARC-Protocol", "WARC-Concurrent-To")
                or (record.rec_type == "revisit" and k.startswith(("WARC-Refers-To", "WARC-Profile",
                                                                   "WARC-Payload-Digest")))}
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        if record.rec_type == "warcinfo":
            writer.write_record(writer.create_warc_record(
                uri, "warcinfo", payload=io.BytesIO(payload), length=len(payload),
                warc_headers_dict={**keep, "Content-Type": "application/warc-fields"}))
            continue
        writer.write_record(writer.create_warc_record(
            redact_text(uri), record.rec_type, payload=io.BytesIO(payload), length=len(payload),
            http_headers=http, warc_headers_dict=keep))
    return out.getvalue()


def export_transform(snapshot_id: str, name: str, data: bytes) -> tuple[bytes | None, dict[str, Any]]:
    """For storage.warc.wacz.export: mask what can be masked, withhold what cannot.

    A masked manifest no longer hashes to its id, so the signature and timestamp beside
    it seal the original; the datapackage's ``derived`` list names that original's hash.
    """
    origin = {"derived_from": {"snapshot": snapshot_id, "artifact": name,
                               "sha256": hashlib.sha256(data).hexdigest()}, "redacted": True}
    if name in ("index", "pages"):  # bundle files made at export time: no original to name
        return redact_text(data.decode("utf-8")).encode("utf-8"), {}
    if name in ("record", "manifest"):
        new = json.dumps(redact_obj(json.loads(data)), ensure_ascii=False, indent=2).encode("utf-8")
        return new, origin
    if name == "warc":
        return redact_warc(data), origin
    if name == "chat_html":
        return redact_text(data.decode("utf-8", "replace")).encode("utf-8"), origin
    if name == "screenshot":
        return None, {**origin, "withheld": "screenshots are not masked in bundles; see the report"}
    return data, origin
