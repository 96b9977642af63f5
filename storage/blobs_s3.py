"""Blobs in an S3-compatible bucket (AWS S3, MinIO, SeaweedFS, Ceph…): a group's shared store.

``[storage] blobs = "s3://BUCKET[/PREFIX]?endpoint=URL&region=NAME&profile=NAME"`` puts every
blob at ``PREFIX/blobs/ab/abcdef…``, named by its SHA-256 like the folder store's files. The
credentials come from where AWS's SDK looks for them (``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY``, or a named profile in ``~/.aws/credentials``), never from the URL,
so the URL can be logged, shown in errors and kept in a shared config file.

Write-once: a blob that is there is never written again. ``put`` asks first, then writes with
``If-None-Match: *`` so that the server refuses to replace an object that appeared meanwhile.
Where a server does not take that condition, the write is check-then-put; a race between two
writers then only ever writes the bytes that hash to the key, the bytes already there, so no
reader can see anything else (an S3 PUT replaces an object whole, never in part).

Integrity on read: ``get`` hashes what came back and refuses bytes that do not hash to the key.
"""
from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from storage.blobs import HEX64
from storage.canonical import sha256_hex
from storage.errors import StoreError

_CHUNK = 1 << 20
_PARAMS = ("endpoint", "region", "profile")
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


@dataclass(frozen=True)
class S3Location:
    """Where the blobs are: a bucket, a key prefix and how to reach the server."""

    bucket: str
    prefix: str = ""  # "" or "some/path/"
    endpoint: str | None = None  # None: AWS itself
    region: str | None = None
    profile: str | None = None

    @classmethod
    def parse(cls, url: str) -> S3Location:
        """Read ``storage.blobs``; a wrong URL is a one-line StoreError that never repeats a
        secret someone put in it."""
        parts = urlsplit(url.strip())
        if parts.scheme != "s3":
            raise StoreError("storage.blobs must be an s3://BUCKET?endpoint=… URL")
        if "@" in parts.netloc:
            raise StoreError("storage.blobs must not hold credentials: set AWS_ACCESS_KEY_ID and "
                             "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) in the environment instead")
        if not parts.hostname:
            raise StoreError(f"storage.blobs names no bucket: {url}")
        query: dict[str, str] = {}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key not in _PARAMS:
                raise StoreError(f"storage.blobs: unknown parameter {key!r} (known: {', '.join(_PARAMS)})")
            query[key] = value
        endpoint = query.get("endpoint") or None
        if endpoint is not None:
            ep = urlsplit(endpoint)
            if ep.scheme not in ("http", "https") or not ep.hostname:
                raise StoreError(f"storage.blobs: endpoint must be an http(s) URL, not {endpoint!r}")
            if "@" in ep.netloc:
                raise StoreError("storage.blobs: the endpoint must not hold credentials")
        prefix = parts.path.strip("/")
        return cls(bucket=parts.netloc, prefix=f"{prefix}/" if prefix else "", endpoint=endpoint,
                   region=query.get("region") or None, profile=query.get("profile") or None)

    def __str__(self) -> str:
        where = f"s3://{self.bucket}/{self.prefix}"
        return f"{where} at {self.endpoint}" if self.endpoint else where


class S3BlobStore:
    """Blob objects ``PREFIX/blobs/ab/abcdef…`` in a bucket; the same interface as the folder's
    ``BlobStore`` (``storage.blobs.Blobs``)."""

    def __init__(self, location: S3Location) -> None:
        self.location = location
        self._s3: Any = None  # made on first use: commands that read only the index never need it
        self._bucket_ok = False
        self._conditional = True  # until the server says it does not take If-None-Match

    @classmethod
    def from_url(cls, url: str) -> S3BlobStore:
        return cls(S3Location.parse(url))

    def _client(self) -> Any:
        """The client, once the bucket answered: so that a missing bucket or wrong keys are
        said as such, and never read as missing blobs (a HEAD's 404 and 403 have no reason)."""
        if self._s3 is None:
            self._s3 = _client(self.location)
        if not self._bucket_ok:
            try:
                self._s3.head_bucket(Bucket=self.location.bucket)
            except (BotoCoreError, ClientError) as exc:
                raise self._error(exc, "open the bucket") from None
            self._bucket_ok = True
        return self._s3

    def key(self, digest: str) -> str:
        if not HEX64.match(digest):
            raise StoreError(f"not a SHA-256 digest: {digest!r}")
        return f"{self.location.prefix}blobs/{digest[:2]}/{digest}"

    def exists(self, digest: str) -> bool:
        try:
            self._client().head_object(Bucket=self.location.bucket, Key=self.key(digest))
        except (BotoCoreError, ClientError) as exc:
            if _code(exc) in _NOT_FOUND:
                return False
            raise self._error(exc, f"look for blob {digest}") from None
        return True

    def put(self, data: bytes) -> str:
        """Store ``data`` unless it is there; return its digest. Never replaces an object."""
        digest = sha256_hex(data)
        if self.exists(digest):
            return digest
        args = {"Bucket": self.location.bucket, "Key": self.key(digest), "Body": data,
                "ContentType": "application/octet-stream",
                # the server checks the bytes it got against the name they go under
                "ChecksumSHA256": base64.b64encode(bytes.fromhex(digest)).decode("ascii")}
        for attempt in range(5):
            try:
                if self._conditional:
                    self._client().put_object(IfNoneMatch="*", **args)
                else:
                    self._client().put_object(**args)
                return digest
            except (BotoCoreError, ClientError) as exc:
                code = _code(exc)
                if code in ("PreconditionFailed", "412"):
                    return digest  # written meanwhile, by its name with these very bytes
                if code in ("ConditionalRequestConflict", "409") and attempt < 4:
                    time.sleep(0.2 * (attempt + 1))  # another writer of the same blob is mid-way
                    continue
                if self._conditional and code in ("NotImplemented", "501"):
                    self._conditional = False  # check-then-put from now on (see the module doc)
                    if not self.exists(digest):
                        continue
                    return digest
                raise self._error(exc, f"store blob {digest}") from None
        raise StoreError(f"could not store blob {digest} in {self.location}: the server kept "
                         "reporting a conflicting write")

    def get(self, digest: str) -> bytes:
        """The blob's bytes, checked: bytes that no longer hash to the name are refused."""
        try:
            obj = self._client().get_object(Bucket=self.location.bucket, Key=self.key(digest))
            data = obj["Body"].read()
        except (BotoCoreError, ClientError) as exc:
            if _code(exc) in _NOT_FOUND:
                raise StoreError(f"blob {digest} is missing from the store") from None
            raise self._error(exc, f"read blob {digest}") from None
        actual = sha256_hex(data)
        if actual != digest:
            raise StoreError(f"blob {digest} in {self.location} is corrupt: its bytes now hash "
                             f"to {actual}")
        return data

    def rehash(self, digest: str) -> tuple[str, int] | None:
        """Digest and size of the object's bytes now, or None when it is gone (read in full:
        a server's own checksums are not evidence)."""
        h = hashlib.sha256()
        size = 0
        try:
            obj = self._client().get_object(Bucket=self.location.bucket, Key=self.key(digest))
            for chunk in obj["Body"].iter_chunks(_CHUNK):
                h.update(chunk)
                size += len(chunk)
        except (BotoCoreError, ClientError) as exc:
            if _code(exc) in _NOT_FOUND:
                return None
            raise self._error(exc, f"read blob {digest}") from None
        return h.hexdigest(), size

    def __iter__(self) -> Iterator[str]:
        """Every blob's name, in order (S3 lists keys sorted)."""
        start = f"{self.location.prefix}blobs/"
        try:
            pages = self._client().get_paginator("list_objects_v2").paginate(
                Bucket=self.location.bucket, Prefix=start)
            for page in pages:
                for obj in page.get("Contents") or []:
                    yield obj["Key"].rsplit("/", 1)[-1]
        except (BotoCoreError, ClientError) as exc:
            raise self._error(exc, "list the blobs") from None

    def _error(self, exc: Exception, what: str) -> StoreError:
        """One line for a user: what failed, where, and the server's or SDK's reason."""
        code = _code(exc)
        hint = {
            "NoSuchBucket": "the bucket does not exist; create it first",
            "AccessDenied": "the credentials may not do this",
            "InvalidAccessKeyId": "the access key is not known to the server",
            "SignatureDoesNotMatch": "the secret key is wrong",
            "404": "the bucket does not exist; create it first",  # HEAD bucket: no reason given
            "403": "access denied: wrong credentials, or they may not use this bucket",
        }.get(code or "")
        if isinstance(exc, NoCredentialsError):
            hint = "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)"
        reason = hint or code or (str(exc).splitlines() or [type(exc).__name__])[0]
        return StoreError(f"cannot {what} in {self.location}: {reason}")


def _code(exc: Exception) -> str | None:
    """The S3 error code (or HTTP status) of a botocore ClientError; None for other errors."""
    if not isinstance(exc, ClientError):
        return None
    response = exc.response
    error = response.get("Error") or {}
    return str(error.get("Code") or (response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or "") or None


def _client(location: S3Location) -> Any:
    """An S3 client for ``location`` (safe to share between threads)."""
    try:
        session = boto3.session.Session(profile_name=location.profile)
        return session.client(
            "s3", endpoint_url=location.endpoint,
            region_name=location.region or session.region_name or "us-east-1",
            config=Config(
                # servers on a plain host:port (MinIO, SeaweedFS) serve buckets as paths
                s3={"addressing_style": "path" if location.endpoint else "auto"},
                retries={"mode": "standard", "max_attempts": 5},
                connect_timeout=10, read_timeout=60))
    except BotoCoreError as exc:
        raise StoreError(f"cannot reach {location}: {exc}") from None
