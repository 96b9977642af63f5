"""The user's own identifiers, kept only as salted hashes, to find them in captures.

``STORE/identities.json`` (owner-only) holds a random per-store salt and, for each
identifier, ``{id, kind, label, length, hash, added_at}``: ``hash`` is HMAC-SHA256 keyed by
the salt over the normalised value, ``length`` its length in characters. The value itself
is never written. Candidates from a page are normalised the same way and compared.

A salted hash stops a copied file from being looked up in a precomputed table, not a
determined guesser holding the file and the salt (a phone number has only ~10^9 values):
the file is owner-only for that reason.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from storage.errors import StoreError
from storage.times import rfc3339

FILE = "identities.json"
KINDS = ("phone", "email", "id", "name", "address", "other")
# Phone numbers as pages write them: +86 138 1234 5678, 138-1234-5678, 13812345678.
PHONE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4})(?![0-9])")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
ID_CARD = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9Xx])")
_STRIP = re.compile(r"[\s\-\u2010-\u2015\u00b7.·]+")


class IdentityError(StoreError):
    """Raised by storage.evidence.identities for a value that cannot be registered."""


def normalise(kind: str, value: str) -> str:
    """The form that is hashed: no spaces or dashes; e-mail lowercase; phones without +86."""
    value = value.strip()
    if kind == "email":
        return re.sub(r"\s+", "", value).lower()
    if kind == "phone":
        digits = re.sub(r"[^0-9]", "", value)
        return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
    if kind == "id":
        return re.sub(r"[\s\-]+", "", value).upper()
    return _STRIP.sub("", value).casefold()


def guess_kind(value: str) -> str:
    v = value.strip()
    if "@" in v and EMAIL.fullmatch(v.replace(" ", "")):
        return "email"
    if re.fullmatch(r"1[3-9][0-9]{9}", normalise("phone", v)) and not re.search(r"[^0-9+\s\-]", v):
        return "phone"
    if ID_CARD.fullmatch(normalise("id", v)):
        return "id"
    return "other"


@dataclass(frozen=True)
class Identity:
    id: str
    kind: str
    label: str
    length: int
    hash: str
    added_at: str


class Identities:
    """The identities file of one store; every change is written atomically, mode 0600."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / FILE
        self.salt = b""
        self.items: list[Identity] = []
        self._mac: Any = None
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text("utf-8"))
                self.salt = bytes.fromhex(data["salt"])
                self.items = [Identity(**item) for item in data.get("identities") or []]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise StoreError(f"cannot read {self.path}: {exc}") from None

    def digest(self, normalised: str) -> str:
        if self._mac is None:
            self._mac = hmac.new(self.salt, digestmod=hashlib.sha256)
        mac = self._mac.copy()
        mac.update(normalised.encode("utf-8"))
        return mac.hexdigest()

    def add(self, value: str, kind: str | None = None, label: str | None = None) -> Identity:
        kind = kind or guess_kind(value)
        if kind not in KINDS:
            raise IdentityError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
        norm = normalise(kind, value)
        if len(norm) < 2:
            raise IdentityError("the value is too short to look for (at least 2 characters)")
        if kind == "phone" and not re.fullmatch(r"1[3-9][0-9]{9}", norm):
            raise IdentityError("not a mainland mobile number (11 digits starting 13-19)")
        if kind == "email" and not EMAIL.fullmatch(norm):
            raise IdentityError("not an e-mail address")
        if kind == "id" and not ID_CARD.fullmatch(norm):
            raise IdentityError("not an 18-character ID-card number")
        if not self.salt:
            self.salt, self._mac = secrets.token_bytes(32), None
        digest = self.digest(norm)
        for item in self.items:
            if item.hash == digest and item.kind == kind:
                raise IdentityError(f"already registered as {item.id} ({item.label})")
        if label and normalise(kind, label) == norm:
            raise IdentityError("the label would reveal the value; choose another label")
        ident = Identity(id=secrets.token_hex(4), kind=kind, label=label or f"my {kind}",
                         length=len(norm), hash=digest,
                         added_at=rfc3339(timespec="seconds"))
        self.items.append(ident)
        self._save()
        return ident

    def remove(self, ref: str) -> Identity:
        found = [i for i in self.items if i.id == ref or i.label == ref]
        if len(found) != 1:
            raise IdentityError(f"no single identifier with id or label {ref!r}")
        self.items.remove(found[0])
        self._save()
        return found[0]

    def _save(self) -> None:
        data: dict[str, Any] = {"format": "jianyipai-identities/1", "salt": self.salt.hex(),
                                "identities": [asdict(i) for i in self.items]}
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except OSError as exc:
            raise StoreError(f"cannot write {self.path}: {exc.strerror}") from None

    def find(self, text: str, kinds: tuple[str, ...] = KINDS) -> dict[str, int]:
        """{identity id: times seen} for the identifiers (of ``kinds``) that occur in ``text``."""
        items = [i for i in self.items if i.kind in kinds]
        if not items or not text:
            return {}
        by_kind: dict[str, dict[str, list[Identity]]] = {}
        for item in items:
            by_kind.setdefault(item.kind, {}).setdefault(item.hash, []).append(item)
        hits: dict[str, int] = {}

        def check(kind: str, norm: str) -> None:
            for item in by_kind.get(kind, {}).get(self.digest(norm), []):
                hits[item.id] = hits.get(item.id, 0) + 1

        for kind, rx in (("phone", PHONE), ("email", EMAIL), ("id", ID_CARD)):
            if kind in by_kind:
                for m in rx.finditer(text):
                    check(kind, normalise(kind, m.group(0)))
        free = [i for i in items if i.kind in ("name", "address", "other")]
        if free:
            flat = _STRIP.sub("", text).casefold()
            for length in sorted({i.length for i in free}):
                wanted = {i.hash: i for i in free if i.length == length}
                for start in range(max(0, len(flat) - length + 1)):
                    digest = self.digest(flat[start:start + length])
                    if digest in wanted:
                        item = wanted[digest]
                        hits[item.id] = hits.get(item.id, 0) + 1
        return hits
