"""WACZ bundles: snapshots as one zip that web-archive players replay and anyone can check.

Inside (one folder level, as WACZ 1.1.1 and ``wacz validate`` expect)::

    archive/<id>.warc.gz          each snapshot's network responses (stored, not deflated)
    indexes/index.cdx             CDXJ index of every WARC record, sorted by SURT
    pages/pages.jsonl             one line per snapshot's page
    screenshots/<id>.png          the full-page screenshot
    evidence/<id>.manifest.json   the manifest, byte for byte: SHA-256 = <id>
    evidence/<id>.record.json     the extracted record
    evidence/<id>.sig             the store's Ed25519 signature over <id>
    evidence/<id>.tsr             the RFC 3161 token over <id>, when there is one
    evidence/store-ed25519.pub.pem  the key the signatures check against
    datapackage.json              every file above with its SHA-256 and size
    datapackage-digest.json       SHA-256 of datapackage.json, signed (WACZ auth, anonymous:
                                  ECDSA P-384 over the "sha256:…" string, SHA-256, raw r||s)
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from warcio.archiveiterator import ArchiveIterator

from storage.errors import StoreError
from storage.seal import write_once
from storage.store import Store
from storage.times import rfc3339
from storage.warc.revisits import supporting_snapshots

WACZ_VERSION = "1.1.1"
_CURVE_BYTES = 48  # P-384


class ExportError(StoreError):
    """Raised by storage.warc.wacz when a bundle cannot be made."""


def surt(url: str) -> str:
    """Sort-friendly URL key for CDXJ: host reversed by label, lowercase, query sorted."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    key = ",".join(reversed(host.split(".")))
    default = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port and parts.port != default:
        key += f":{parts.port}"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{key}){(parts.path or '/').lower()}" + (f"?{query.lower()}" if query else "")


def cdxj_lines(warc: bytes, filename: str) -> list[str]:
    lines = []
    it = ArchiveIterator(io.BytesIO(warc))
    for record in it:
        if record.rec_type not in ("response", "resource", "revisit"):
            continue
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        date = record.rec_headers.get_header("WARC-Date") or ""
        digits = "".join(c for c in date if c.isdigit())[:14].ljust(14, "0")
        entry: dict[str, Any] = {"url": url, "filename": filename}
        if record.http_headers is not None:
            entry["status"] = record.http_headers.get_statuscode()
            mime = record.http_headers.get_header("Content-Type") or ""
            entry["mime"] = "warc/revisit" if record.rec_type == "revisit" else mime.split(";")[0].strip()
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        if digest:
            entry["digest"] = digest
        record.content_stream().read()
        entry["offset"] = it.get_record_offset()
        entry["length"] = it.get_record_length()
        lines.append(f"{surt(url)} {digits} {json.dumps(entry, sort_keys=True)}")
    return lines


def _signing_key(store: Store) -> ec.EllipticCurvePrivateKey:
    path = store.root / "keys" / "wacz-ecdsa-p384.key"
    if not path.exists():
        path.parent.mkdir(mode=0o700, exist_ok=True)
        key = ec.generate_private_key(ec.SECP384R1())
        write_once(path, key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()), 0o600)
    loaded = serialization.load_pem_private_key(path.read_bytes(), None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey):
        raise ExportError(f"{path} is not an ECDSA key")
    return loaded


def sign_digest(store: Store, hash_: str, created: str, software: str) -> dict[str, Any]:
    """The anonymous ``signedData`` of the WACZ auth spec over ``hash_`` ("sha256:…")."""
    key = _signing_key(store)
    der = key.sign(hash_.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(_CURVE_BYTES, "big") + s.to_bytes(_CURVE_BYTES, "big")
    spki = key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    return {"hash": hash_, "created": created, "software": software,
            "signature": base64.b64encode(raw).decode("ascii"),
            "publicKey": base64.b64encode(spki).decode("ascii")}


def _now() -> str:
    return rfc3339(timespec="seconds")


Transform = Callable[[str, str, bytes], tuple[bytes | None, dict[str, Any] | None]]


def export(store: Store, refs: list[str], out: Path, *, software: str,
           title: str | None = None, transform: Transform | None = None,
           created: str | None = None) -> dict[str, Any]:
    """Write the bundle to ``out``; return its datapackage.

    ``transform(snapshot_id, name, data)`` may replace a file's bytes (redaction); it
    returns the new bytes and a note naming the original, recorded in the datapackage.
    """
    ids = list(dict.fromkeys(store.resolve(r) for r in refs))
    created = created or _now()
    files: list[tuple[str, bytes, int]] = []  # (path, data, zip compression)
    derived: list[dict[str, Any]] = []
    cdx: list[str] = []
    pages = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})]

    def add(path: str, data: bytes, sid: str | None = None, name: str | None = None,
            stored: bool = False) -> None:
        if transform is not None and sid is not None and name is not None:
            new, note = transform(sid, name, data)
            if note and sid:
                derived.append({"path": path, **note})
            if new is None:
                return  # the transform withheld it (say, a screenshot it cannot mask)
            data = new
        files.append((path, data, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED))

    # the snapshots whose WARCs hold the bodies that revisit records here point at
    support = supporting_snapshots(store, ids)
    for sid in ids + support:
        manifest = json.loads(store.blobs.get(sid))
        arts = manifest.get("artifacts") or {}
        add(f"evidence/{sid}.manifest.json", store.blobs.get(sid), sid, "manifest")
        if "warc" in arts:
            warc_name = f"{sid}.warc.gz"
            before = len(files)
            add(f"archive/{warc_name}", store.blobs.get(arts["warc"]["sha256"]), sid, "warc",
                stored=True)
            if len(files) > before:
                cdx.extend(cdxj_lines(files[-1][1], warc_name))
        if "screenshot" in arts and sid not in support:
            add(f"screenshots/{sid}.png", store.blobs.get(arts["screenshot"]["sha256"]), sid,
                "screenshot", stored=True)
        if "record" in arts and sid not in support:
            add(f"evidence/{sid}.record.json", store.blobs.get(arts["record"]["sha256"]), sid, "record")
        if "chat_html" in arts and sid not in support:  # what a chat's record was read from
            add(f"evidence/{sid}.chat.html", store.blobs.get(arts["chat_html"]["sha256"]), sid,
                "chat_html")
        for suffix in ("sig", "tsr"):
            seal = store.seals.read(sid, suffix)
            if seal is not None:
                add(f"evidence/{sid}.{suffix}", seal)
        if sid in support:
            continue  # its WARC and seals only: not a page of this bundle
        url = manifest.get("final_url") or (manifest.get("target") or {}).get("url")
        page = {"id": sid[:32], "url": url, "ts": manifest.get("captured_at"),
                "title": manifest.get("title") or url}
        pages.append(json.dumps(page, ensure_ascii=False))
    if not any(p.startswith("archive/") for p, _, _ in files):
        raise ExportError("none of these snapshots has a WARC; a WACZ needs one")
    pub = store.seals.public_key()
    if pub is not None:
        add("evidence/store-ed25519.pub.pem", store.seals.public_path.read_bytes())
    add("indexes/index.cdx", ("\n".join(sorted(cdx)) + "\n").encode("utf-8"), "", "index")
    add("pages/pages.jsonl", ("\n".join(pages) + "\n").encode("utf-8"), "", "pages")

    resources = []
    for path, data, _ in files:
        resources.append({"name": path.rsplit("/", 1)[-1].lower(), "path": path,
                          "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    first = json.loads(store.blobs.get(ids[0]))
    package: dict[str, Any] = {
        "profile": "data-package", "wacz_version": WACZ_VERSION, "software": software,
        "created": created, "title": title or f"jianyipai evidence: {len(ids)} snapshots",
        "mainPageURL": first.get("final_url") or (first.get("target") or {}).get("url"),
        "mainPageDate": first.get("captured_at"), "resources": resources,
        "snapshots": ids,
    }
    if support:
        package["supporting"] = support  # WARCs included for the revisits' payloads
    if derived:
        package["derived"] = derived
    package_bytes = json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")
    hash_ = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
    digest = {"path": "datapackage.json", "hash": hash_,
              "signedData": sign_digest(store, hash_, created, software)}
    tmp = out.with_name(out.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            for path, data, compression in files:
                zf.writestr(zipfile.ZipInfo(path, _zip_time(created)), data, compression)
            zf.writestr("datapackage.json", package_bytes, zipfile.ZIP_DEFLATED)
            zf.writestr("datapackage-digest.json", json.dumps(digest, indent=2).encode("utf-8"),
                        zipfile.ZIP_DEFLATED)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {out}: {exc.strerror}") from None
    return package


def _zip_time(created: str) -> tuple[int, int, int, int, int, int]:
    moment = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def verify_digest(bundle: Path) -> str | None:
    """None when datapackage-digest.json's hash and anonymous signature check out."""
    with zipfile.ZipFile(bundle) as zf:
        package = zf.read("datapackage.json")
        digest = json.loads(zf.read("datapackage-digest.json"))
    hash_ = "sha256:" + hashlib.sha256(package).hexdigest()
    if digest.get("hash") != hash_:
        return "datapackage.json does not match datapackage-digest.json"
    signed = digest.get("signedData") or {}
    if signed.get("hash") != hash_:
        return "the signed hash is not datapackage.json's"
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    key = serialization.load_der_public_key(base64.b64decode(signed["publicKey"]))
    raw = base64.b64decode(signed["signature"])
    half = len(raw) // 2
    der = encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return "publicKey is not an ECDSA key"
    try:
        key.verify(der, hash_.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return "signature over datapackage.json's hash does not verify"
    return None
