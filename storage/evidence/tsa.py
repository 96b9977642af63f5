"""RFC 3161 trusted timestamps over snapshot ids.

The message imprint is the snapshot id itself: SHA-256 of the manifest. The authority's
reply (a DER ``TimeStampResp``) is kept write-once as ``STORE/seals/<id>.tsr``; OpenSSL
checks it with ``openssl ts -verify -in ID.tsr -digest ID -CAfile tsa-ca.pem``.

An authority that is down never loses a capture: the attempt is written to
``STORE/seals/stamps.log`` (JSON lines, append-only) and the snapshot stays *pending*
until a later ``stamp_pending`` call (next capture, ``jianyipai stamp``) gets a token.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from storage.errors import StoreError
from storage.seal import Sealer
from storage.times import rfc3339

MEDIA_TYPE = "application/timestamp-reply"


class TimestampError(StoreError):
    """Raised by storage.evidence.tsa when no authority gave a valid token for a snapshot."""


@dataclass
class Stamp:
    snapshot_id: str
    tsa: str
    gen_time: str


def _now() -> str:
    return rfc3339(timespec="seconds")


def _log(sealer: Sealer, entry: dict[str, Any]) -> None:
    sealer.dir.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(sealer.dir / "stamps.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def request_token(url: str, snapshot_id: str, timeout: float) -> bytes:
    """Ask one authority for a token over the id; return the DER reply once it checks out."""
    digest = bytes.fromhex(snapshot_id)
    nonce = secrets.randbits(63)
    query = tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest},
        "nonce": nonce,
        "cert_req": True,
    }).dump()
    http = urllib.request.Request(url, data=query, method="POST",
                                  headers={"Content-Type": "application/timestamp-query"})
    try:
        with urllib.request.urlopen(http, timeout=timeout) as resp:  # noqa: S310 (configured URL)
            body = resp.read()
    except urllib.error.HTTPError as exc:
        raise TimestampError(f"{url} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TimestampError(f"{url} unreachable: {reason}") from None
    try:
        reply = tsp.TimeStampResp.load(body)
        status = reply["status"]["status"].native
        info = _tst_info(reply) if status in ("granted", "granted_with_mods") else None
    except ValueError:
        raise TimestampError(f"{url} sent something that is not a time-stamp reply") from None
    if info is None:
        raise TimestampError(f"{url} refused: status {status}")
    if info["message_imprint"]["hashed_message"].native != digest:
        raise TimestampError(f"{url} stamped another digest than the one asked for")
    if info["nonce"].native != nonce:
        raise TimestampError(f"{url} answered with the wrong nonce")
    return body


def _signed_data(reply: tsp.TimeStampResp) -> cms.SignedData:
    return reply["time_stamp_token"]["content"]


def _tst_info(reply: tsp.TimeStampResp) -> tsp.TSTInfo:
    return _signed_data(reply)["encap_content_info"]["content"].parsed


def stamp(sealer: Sealer, snapshot_id: str, urls: list[str], timeout: float) -> Stamp:
    """Get a token from the first authority that gives one; log every failure."""
    kept = sealer.read(snapshot_id, "tsr")
    if kept is not None:
        return Stamp(snapshot_id, "", describe(kept)["gen_time"])
    errors = []
    for url in urls:
        try:
            token = request_token(url, snapshot_id, timeout)
        except TimestampError as exc:
            errors.append(str(exc))
            _log(sealer, {"id": snapshot_id, "at": _now(), "tsa": url, "ok": False, "error": str(exc)})
            continue
        sealer.keep(snapshot_id, "tsr", token)
        info = describe(token)
        _log(sealer, {"id": snapshot_id, "at": _now(), "tsa": url, "ok": True,
                      "gen_time": info["gen_time"]})
        return Stamp(snapshot_id, url, info["gen_time"])
    raise TimestampError("; ".join(errors) or "no time-stamping authority configured")


def pending(sealer: Sealer, ids: list[str]) -> list[str]:
    return [i for i in ids if sealer.read(i, "tsr") is None]


def describe(token: bytes) -> dict[str, Any]:
    info = _tst_info(tsp.TimeStampResp.load(token))
    gen = info["gen_time"].native
    return {"gen_time": rfc3339(gen, "auto"),
            "serial": info["serial_number"].native,
            "imprint": info["message_imprint"]["hashed_message"].native.hex(),
            "policy": info["policy"].dotted}


def load_roots(paths: list[str]) -> list[x509.Certificate]:
    roots: list[x509.Certificate] = []
    for p in paths:
        try:
            roots.extend(x509.load_pem_x509_certificates(Path(p).expanduser().read_bytes()))
        except (OSError, ValueError) as exc:
            raise TimestampError(f"cannot read TSA root certificate {p}: {exc}") from None
    return roots


_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


def check(token: bytes, snapshot_id: str, roots: list[x509.Certificate]) -> str | None:
    """None when the token is a valid stamp of this id; else what is wrong.

    Checks the imprint, the CMS signature of the authority over the token, that the
    signer may stamp time (extended key usage) and, with ``roots``, that its certificate
    was issued by one of them. Without roots only integrity is checked, not trust.
    """
    try:
        reply = tsp.TimeStampResp.load(token)
        signed = _signed_data(reply)
        info = _tst_info(reply)
        if info["message_imprint"]["hashed_message"].native != bytes.fromhex(snapshot_id):
            return "timestamp token stamps another digest (token swapped?)"
        signer_info = signed["signer_infos"][0]
        content = signed["encap_content_info"]["content"].contents
        algo = signer_info["digest_algorithm"]["algorithm"].native
        if algo not in _HASHES:
            return f"timestamp token uses an unsupported digest {algo}"
        attrs = signer_info["signed_attrs"]
        wanted = next(a["values"][0].native for a in attrs if a["type"].native == "message_digest")
        if hashlib.new(algo, content).digest() != wanted:
            return "timestamp token content does not match its signed digest (tampered)"
        certs = [x509.load_der_x509_certificate(c.chosen.dump()) for c in signed["certificates"]]
        sid = signer_info["sid"].chosen
        leaf = next((c for c in certs if c.serial_number == sid["serial_number"].native), None)
        if leaf is None:
            return "timestamp token does not carry its signer's certificate"
        signed_bytes = b"\x31" + attrs.dump()[1:]  # signed over as a SET OF, not [0] IMPLICIT
        _verify_sig(leaf.public_key(), signer_info["signature"].native, signed_bytes, _HASHES[algo]())
    except InvalidSignature:
        return "timestamp token signature does not verify (tampered)"
    except (ValueError, KeyError, TypeError, IndexError, StopIteration) as exc:
        return f"timestamp token is not a valid RFC 3161 reply ({type(exc).__name__})"
    try:
        eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
        if x509.ExtendedKeyUsageOID.TIME_STAMPING not in eku.value:
            return "the token's signer certificate is not for time-stamping"
    except x509.ExtensionNotFound:
        return "the token's signer certificate is not for time-stamping"
    if roots and not _chains(leaf, certs, roots):
        return "the authority's certificate does not chain to [evidence] tsa_roots"
    return None


def _verify_sig(key: Any, signature: bytes, data: bytes, algo: hashes.HashAlgorithm) -> None:
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, data, ec.ECDSA(algo))
    elif isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, data, padding.PKCS1v15(), algo)
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key.verify(signature, data)
    else:
        raise InvalidSignature()


def _chains(leaf: x509.Certificate, pool: list[x509.Certificate],
            roots: list[x509.Certificate]) -> bool:
    cert = leaf
    for _ in range(8):
        for root in roots:
            if cert == root or _issued_by(cert, root):
                return True
        parent = next((c for c in pool if c != cert and _issued_by(cert, c)), None)
        if parent is None:
            return False
        cert = parent
    return False


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


@dataclass
class StampRun:
    stamped: list[Stamp] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def stamp_pending(sealer: Sealer, ids: list[str], urls: list[str], timeout: float, *,
                  first: str | None = None, limit: int | None = None,
                  stop_on_failure: bool = False) -> StampRun:
    """Stamp every snapshot of ``ids`` with no token yet; failures are logged and stay pending.

    ``first`` is tried before the others; ``limit`` bounds how many are tried; with
    ``stop_on_failure`` the first failure ends the run (the authorities are down: waiting out
    their time-outs once per pending snapshot would stall every capture behind them).
    """
    run = StampRun()
    if not urls:
        return run
    todo = pending(sealer, ids)
    if first is not None and first in todo:
        todo.remove(first)
        todo.insert(0, first)
    for snapshot_id in todo[:limit]:
        try:
            run.stamped.append(stamp(sealer, snapshot_id, urls, timeout))
        except TimestampError as exc:
            run.failed[snapshot_id] = str(exc)
            if stop_on_failure:
                break
    return run
