"""Photos in an S3-compatible object store (MinIO, Ceph RGW, AWS S3, …): PutObject, GetObject
and HeadObject on a private bucket. The app serves the bytes itself, so the access checks of
`access_media` hold whatever the bucket is.

boto3 is synchronous; each call runs in a worker thread (one shared client, which is
thread-safe). Objects are written whole by PutObject, so a reader never sees half a photo.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
from typing import TYPE_CHECKING, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ReadTimeoutError
from botocore.exceptions import ConnectionError as BotoConnectionError

from backend.media.errors import StorageFull
from backend.media.storage import checked_key

if TYPE_CHECKING:  # the stubs are a dev dependency
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)

# Refusals that mean "no room": MinIO's full drives (507) and hard bucket quota (400), the
# generic 507, Ceph RGW's quota (403) and a server-side object size cap.
FULL_ERROR_CODES = frozenset(
    {
        "XMinioStorageFull",
        "XMinioStorageBackendFull",
        "XMinioAdminBucketQuotaExceeded",
        "InsufficientStorage",
        "QuotaExceeded",
        "EntityTooLarge",
    }
)
INSUFFICIENT_STORAGE = 507
_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
_UNREACHABLE = (BotoConnectionError, ReadTimeoutError)  # refused, DNS, connect and read timeouts
_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


class MediaStorageError(RuntimeError):
    """The object store failed for another reason than being full (bad credentials, no such
    bucket): an operator's problem, logged and answered as an internal error."""


class MediaStoreUnreachable(MediaStorageError, ConnectionError):
    """The object store could not be reached or answered 5xx after the retries: answered like a
    database outage (503 SERVICE_UNAVAILABLE, Retry-After; backend/core/unavailable.py), so the phone
    keeps the photo in its outbox and tries again."""


def client_config(
    *, addressing_style: Literal["path", "virtual"] = "path", connect_timeout: float = 5, attempts: int = 3
) -> Config:
    return Config(
        # Path-style (`endpoint/bucket/key`) works with MinIO, Ceph and a bare IP; Aliyun OSS and
        # Tencent COS want "virtual" (`bucket.endpoint/key`).
        s3={"addressing_style": addressing_style},
        # Newer botocore sends CRC32 trailers in aws-chunked bodies by default, which many
        # S3-compatible servers reject; Content-MD5 (see `put`) is understood everywhere.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        connect_timeout=connect_timeout,
        read_timeout=30,
        retries={"max_attempts": attempts, "mode": "standard"},
    )


class S3Storage:
    """Objects `<prefix><key>` in `bucket`. The bucket must exist; the app never creates it."""

    def __init__(self, client: S3Client, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    @classmethod
    def connect(
        cls,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str = "",
        region: str = "us-east-1",
        access_key_id: str = "",
        secret_access_key: str = "",
        config: Config | None = None,
    ) -> S3Storage:
        """Empty credentials fall back to boto3's usual chain (AWS_* variables, instance role)."""
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=config or client_config(),
        )
        return cls(client, bucket, prefix)

    def object_name(self, key: str) -> str:
        return self.prefix + checked_key(key)

    async def put(self, key: str, data: bytes) -> None:
        """Overwriting a content-addressed key stores the same bytes again: harmless, so no
        conditional write is needed (not every S3-compatible server supports one)."""
        name = self.object_name(key)
        md5 = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
        content_type = _CONTENT_TYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")
        try:
            await asyncio.to_thread(
                self.client.put_object,
                Bucket=self.bucket,
                Key=name,
                Body=data,
                ContentType=content_type,
                ContentMD5=md5,
            )
        except ClientError as exc:
            if is_full(exc):
                log.error("media storage full: s3://%s/%s: %s", self.bucket, name, _describe(exc))
                raise StorageFull() from exc
            raise self._failure("PutObject", name, exc) from exc
        except BotoCoreError as exc:
            raise self._failure("PutObject", name, exc) from exc

    async def get(self, key: str) -> bytes | None:
        name = self.object_name(key)
        try:
            return await asyncio.to_thread(self._read, name)
        except ClientError as exc:
            if _error_code(exc) in _MISSING_CODES:
                return None
            raise self._failure("GetObject", name, exc) from exc
        except BotoCoreError as exc:
            raise self._failure("GetObject", name, exc) from exc

    async def exists(self, key: str) -> bool:
        name = self.object_name(key)
        try:
            await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=name)
        except ClientError as exc:
            if _error_code(exc) in _MISSING_CODES:
                return False
            raise self._failure("HeadObject", name, exc) from exc
        except BotoCoreError as exc:
            raise self._failure("HeadObject", name, exc) from exc
        return True

    async def delete(self, key: str) -> None:
        """DeleteObject succeeds for a key that is already gone."""
        name = self.object_name(key)
        try:
            await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=name)
        except (ClientError, BotoCoreError) as exc:
            raise self._failure("DeleteObject", name, exc) from exc

    def _read(self, name: str) -> bytes:
        body = self.client.get_object(Bucket=self.bucket, Key=name)["Body"]
        try:
            return body.read()
        finally:
            body.close()

    def _failure(self, operation: str, name: str, exc: Exception) -> MediaStorageError:
        detail = _describe(exc) if isinstance(exc, ClientError) else str(exc)
        message = f"S3 {operation} s3://{self.bucket}/{name} failed: {detail}"
        if isinstance(exc, _UNREACHABLE) or (isinstance(exc, ClientError) and _status(exc) >= 500):
            return MediaStoreUnreachable(message)
        return MediaStorageError(message)


def is_full(exc: ClientError) -> bool:
    return _error_code(exc) in FULL_ERROR_CODES or _status(exc) == INSUFFICIENT_STORAGE


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _describe(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return f"HTTP {status} {error.get('Code', '?')}: {error.get('Message', '')}".rstrip(": ")
