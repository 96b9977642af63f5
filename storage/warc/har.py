"""Turn the HAR that Playwright records into a gzipped WARC that web-archive tools read.

Chromium hands us bodies already decoded, so a response's Content-Encoding and
Transfer-Encoding no longer describe the stored bytes: they are kept under
``X-Archive-Orig-*`` names and Content-Length is set to the stored length.

Given ``payload_origin(url, digest)``, a response whose body an earlier snapshot's WARC
already holds (same URL, same WARC-Payload-Digest) is written as a WARC 1.1 revisit
record (identical-payload-digest: headers, no body) naming that snapshot. Documents
(HTML, and the URLs in ``keep``) are always kept whole: they are the evidence of what the
page sent, and each capture's WARC should show it without help from another.
A revisit keeps no request record: per record the WARC costs ~600 B of headers, the
request of an unchanged sub-resource says nothing the manifest (user agent, locale) and
the original's request record do not, and WARC does not require one.
"""
from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.warc.revisits import SNAPSHOT_HEADER, Payload, PayloadOrigin, payload_digest

_DROP = {"content-encoding", "transfer-encoding", "content-length"}
_SECRET = {"cookie", "set-cookie", "authorization", "proxy-authorization"}
_PASSWORD = re.compile(rb"pass(word|wd)?|pwd|token|secret", re.IGNORECASE)
_HTTP_VERSION = re.compile(r"^HTTP/\d(\.\d)?$")
_DOCUMENT = ("text/html", "application/xhtml+xml")
REVISIT_MIN = 200  # bytes: a smaller body costs less than the revisit's extra headers

PayloadLookup = Callable[[str, str], PayloadOrigin | None]


@dataclass
class Warc:
    """A WARC made from a HAR: its bytes, how many responses it holds, and the payloads it
    holds in full (what the index needs for later revisits, without parsing it again)."""

    data: bytes
    responses: int
    payloads: list[Payload] = field(default_factory=list)


def _protocol(version: str | None) -> str:
    if version and _HTTP_VERSION.match(version.upper()):
        return version.upper()
    return "HTTP/1.1"


def _body(content: dict[str, Any]) -> bytes:
    text = content.get("text")
    if text is None:
        return b""
    if content.get("encoding") == "base64":
        return base64.b64decode(text)
    return text.encode("utf-8")


def entry_body(entry: dict[str, Any]) -> bytes:
    """The response body a HAR entry holds (decoded, as the browser handed it over)."""
    return _body((entry.get("response") or {}).get("content") or {})


def _headers(pairs: list[dict[str, str]]) -> list[tuple[str, str]]:
    out = []
    for h in pairs:
        name, value = h.get("name", ""), h.get("value", "")
        if not name or name.startswith(":"):  # HTTP/2 pseudo-headers
            continue
        if name.lower() in _SECRET:  # session cookies and credentials never reach an artifact
            value = "(removed by jianyipai)"
        out.append((name, value))
    return out


def har_to_warc(har: dict[str, Any], *, software: str, info: dict[str, str] | None = None,
                payload_origin: PayloadLookup | None = None,
                keep: Collection[str] = ()) -> Warc:
    """The gzipped WARC of the HAR's answered requests."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="1.1")
    fields = {"software": software, "format": "WARC File Format 1.1"}
    fields.update(info or {})
    writer.write_record(writer.create_warcinfo_record("capture.warc.gz", fields))
    written = 0
    held: list[Payload] = []
    for entry in har.get("log", {}).get("entries", []):
        req, resp = entry.get("request", {}), entry.get("response", {})
        url = req.get("url", "")
        if not url.startswith(("http://", "https://")):
            continue
        status = int(resp.get("status") or 0)
        if status <= 0:
            continue  # never answered: nothing to archive
        date = entry.get("startedDateTime")
        warc_headers: dict[str, str] = {}
        if date:
            warc_headers["WARC-Date"] = date  # ISO 8601 UTC, as WARC 1.1 allows
        if entry.get("serverIPAddress"):
            warc_headers["WARC-IP-Address"] = str(entry["serverIPAddress"]).strip("[]")
        version = resp.get("httpVersion") or ""
        if version and not _HTTP_VERSION.match(version.upper()):
            warc_headers["WARC-Protocol"] = version.lower()

        body = _body(resp.get("content") or {})
        headers = []
        for name, value in _headers(resp.get("headers", [])):
            if name.lower() in _DROP:
                if name.lower() != "content-length":
                    headers.append((f"X-Archive-Orig-{name}", value))
                continue
            headers.append((name, value))
        headers.append(("Content-Length", str(len(body))))
        status_line = f"{status} {resp.get('statusText') or ''}".strip()
        http = StatusAndHeaders(status_line, headers, protocol=_protocol(version))
        origin = None
        if payload_origin is not None and len(body) >= REVISIT_MIN and url not in keep \
                and not _is_document(headers):
            digest = payload_digest(body)
            origin = payload_origin(url, digest)
        if origin is not None:
            record = writer.create_revisit_record(
                url, origin.digest, origin.url, origin.warc_date, http_headers=http,
                warc_headers_dict={**warc_headers, "WARC-Refers-To": origin.record_id,
                                   SNAPSHOT_HEADER: origin.snapshot_id},
            )
        else:
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body),
                http_headers=http, warc_headers_dict=dict(warc_headers),
            )
        writer.write_record(record)
        written += 1
        if origin is not None:
            continue  # see the module's note: a revisit keeps no request record
        if body:
            h = record.rec_headers
            held.append(Payload(url, h.get_header("WARC-Payload-Digest"), h.get_header("WARC-Date"),
                                h.get_header("WARC-Record-ID")))

        post = req.get("postData") or {}
        req_body = (post.get("text") or "").encode("utf-8")
        if _PASSWORD.search(req_body):
            req_body = b""  # a form that carries a password or token is not kept
        path = _request_target(url)
        # warcio's form for requests: "VERB target HTTP/x" (the verb takes the protocol slot)
        req_http = StatusAndHeaders(
            f"{req.get('method', 'GET')} {path} {_protocol(req.get('httpVersion'))}",
            _headers(req.get("headers", [])), is_http_request=True,
        )
        req_record = writer.create_warc_record(
            url, "request", payload=io.BytesIO(req_body), length=len(req_body),
            http_headers=req_http,
            warc_headers_dict={
                **({"WARC-Date": warc_headers["WARC-Date"]} if "WARC-Date" in warc_headers else {}),
                "WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(req_record)
    return Warc(buf.getvalue(), written, held)


def _is_document(headers: list[tuple[str, str]]) -> bool:
    mime = next((v for k, v in headers if k.lower() == "content-type"), "")
    return mime.split(";")[0].strip().lower() in _DOCUMENT


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
