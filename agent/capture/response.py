"""What the server answered: status, kept headers, redirect chain, address, TLS; and what a
failed navigation means, in words a user can act on."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from agent.errors import first_line
from storage.times import from_timestamp

KEPT_HEADERS = (
    "content-type", "content-length", "content-language", "last-modified", "etag", "date",
    "server", "cache-control", "expires", "location", "x-frame-options",
    "content-security-policy", "strict-transport-security",
)


async def response_meta(response: Any) -> dict[str, Any]:
    if response is None:
        return {"status": None, "headers": {}, "server": None, "tls": None, "redirects": [],
                "response_url": None}
    hops = []
    req = response.request.redirected_from
    while req is not None:
        prior = await req.response()
        hops.append({"url": req.url, "status": prior.status if prior else None})
        req = req.redirected_from
    hops.reverse()
    headers = await response.all_headers()
    kept = {k: v for k, v in sorted(headers.items()) if k in KEPT_HEADERS}
    server = await response.server_addr()
    tls = await response.security_details()
    return {
        "status": response.status,
        "headers": kept,
        "server": {"ip": server["ipAddress"], "port": server["port"]} if server else None,
        "tls": _tls(tls) if tls else None,
        "redirects": hops,
        "response_url": response.url,
    }


def _tls(details: dict[str, Any]) -> dict[str, Any]:
    def when(ts: Any) -> str | None:
        return from_timestamp(ts) if ts else None

    return {
        "protocol": details.get("protocol"),
        "issuer": details.get("issuer"),
        "subject": details.get("subjectName"),
        "valid_from": when(details.get("validFrom")),
        "valid_to": when(details.get("validTo")),
    }


def navigation_error(url: str, exc: BaseException) -> str:
    msg = first_line(exc)
    host = urlsplit(url).hostname or url
    for code, text in (
        ("ERR_NAME_NOT_RESOLVED", f"cannot resolve host {host}"),
        ("ERR_CONNECTION_REFUSED", f"connection refused by {host}"),
        ("ERR_CONNECTION_RESET", f"connection reset by {host}"),
        ("ERR_CONNECTION_CLOSED", f"connection closed by {host} before a response"),
        ("ERR_EMPTY_RESPONSE", f"empty response from {host}"),
        ("ERR_ADDRESS_UNREACHABLE", f"host {host} is unreachable"),
        ("ERR_INTERNET_DISCONNECTED", "no network"),
        ("ERR_UNSAFE_PORT", f"the browser refuses to connect to port {urlsplit(url).port} (an unsafe port)"),
        ("ERR_CERT", f"the certificate of {host} is not valid (see browser.ignore_https_errors)"),
        ("ERR_SSL", f"TLS handshake with {host} failed"),
        ("ERR_FILE_NOT_FOUND", f"no such file: {url}"),
        ("Timeout", f"no response from {host} within the time bound"),
        ("ERR_ABORTED", f"the browser aborted loading {url} (a download, or blocked)"),
    ):
        if code in msg:
            return text
    return f"cannot load {url}: {msg}"

