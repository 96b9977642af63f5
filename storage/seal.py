"""Seals: the store's Ed25519 key and one write-once signature per snapshot.

Layout (beside the blobs, never inside a manifest, which they seal)::

    STORE/keys/ed25519.key      private key, PKCS#8 PEM, owner-only (0600, folder 0700)
    STORE/keys/ed25519.pub      public key, SubjectPublicKeyInfo PEM: give it to checkers
    STORE/seals/<id>.sig        64-byte Ed25519 signature over the 64 ASCII hex digits of <id>
    STORE/seals/<id>.tsr        RFC 3161 time-stamp response (DER) over <id> (storage.evidence.tsa)

A signature over the id is a signature over the manifest, since the id is its SHA-256.
Anyone can check one with OpenSSL::

    printf %s ID > id.txt
    openssl pkeyutl -verify -pubin -inkey ed25519.pub -rawin -in id.txt -sigfile seals/ID.sig
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from storage.blobs import HEX64
from storage.errors import StoreError
from storage.files import write_once

ALGORITHM = "ed25519"


class SealError(StoreError):
    """Raised by storage.seal when the key or a seal file cannot be read or written."""


def key_id(public: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, hex: names the key in manifests."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


class Sealer:
    """The store's signing key, made on first use, and the seals folder."""

    def __init__(self, root: Path) -> None:
        self.keys = root / "keys"
        self.dir = root / "seals"
        self.private_path = self.keys / "ed25519.key"
        self.public_path = self.keys / "ed25519.pub"
        self._private: Ed25519PrivateKey | None = None

    # -- the key ------------------------------------------------------------------------

    def _load_or_create(self) -> Ed25519PrivateKey:
        if self._private is not None:
            return self._private
        if not self.private_path.exists():
            self.keys.mkdir(mode=0o700, exist_ok=True)
            os.chmod(self.keys, 0o700)
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            write_once(self.private_path, pem, 0o600)  # a racing process may win: load below
        try:
            loaded = serialization.load_pem_private_key(self.private_path.read_bytes(), None)
        except (OSError, ValueError) as exc:
            raise SealError(f"cannot read the store's signing key {self.private_path}: {exc}") from None
        if not isinstance(loaded, Ed25519PrivateKey):
            raise SealError(f"{self.private_path} is not an Ed25519 key")
        if not self.public_path.exists():
            write_once(self.public_path, loaded.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo), 0o644)
        self._private = loaded
        return loaded

    def signer(self) -> dict[str, str]:
        """What a manifest says about the key that seals it (made on first use)."""
        return {"alg": ALGORITHM, "key": key_id(self._load_or_create().public_key())}

    def public_key(self) -> Ed25519PublicKey | None:
        """The public key as kept in keys/ed25519.pub, or None when the store has none."""
        try:
            loaded = serialization.load_pem_public_key(self.public_path.read_bytes())
        except FileNotFoundError:
            return None
        except ValueError:
            raise SealError(f"{self.public_path} is not a PEM public key") from None
        if not isinstance(loaded, Ed25519PublicKey):
            raise SealError(f"{self.public_path} is not an Ed25519 public key")
        return loaded

    # -- seals --------------------------------------------------------------------------

    def path(self, snapshot_id: str, suffix: str) -> Path:
        if not HEX64.match(snapshot_id):
            raise SealError(f"not a snapshot id: {snapshot_id!r}")
        return self.dir / f"{snapshot_id}.{suffix}"

    def sign(self, snapshot_id: str) -> bytes:
        """Sign the id and keep the signature (write-once); return it."""
        signature = self._load_or_create().sign(snapshot_id.encode("ascii"))
        if not self.keep(snapshot_id, "sig", signature):
            return self.read(snapshot_id, "sig") or signature
        return signature

    def keep(self, snapshot_id: str, suffix: str, data: bytes) -> bool:
        """Keep a seal, write-once; True when kept now (False: one was there already)."""
        return write_once(self.path(snapshot_id, suffix), data)

    def read(self, snapshot_id: str, suffix: str) -> bytes | None:
        try:
            return self.path(snapshot_id, suffix).read_bytes()
        except FileNotFoundError:
            return None

    def check(self, snapshot_id: str, signer: object) -> str | None:
        """None when the snapshot's signature verifies; else what is wrong, in a few words."""
        signature = self.read(snapshot_id, "sig")
        if signature is None:
            return "signature missing (seals/<id>.sig)"
        public = self.public_key()
        if public is None:
            return "the store's public key keys/ed25519.pub is missing"
        if isinstance(signer, dict) and signer.get("key") != key_id(public):
            return "signed by another key than keys/ed25519.pub (key replaced?)"
        try:
            public.verify(signature, snapshot_id.encode("ascii"))
        except InvalidSignature:
            return "signature does not verify (seal or manifest tampered with)"
        return None
