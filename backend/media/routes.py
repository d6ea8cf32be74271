"""HTTP endpoints for photos: `POST /media`, `GET /media/{sha256}`, `GET /media/{sha256}/thumb`,
and `POST /public/villages/{id}/photos` (a report's photo without an account).

Plain HTTP rather than GraphQL: an upload is raw bytes (or one multipart field `file`) and a
photo is served with real caching headers. Authentication is the same bearer token as GraphQL,
in the Authorization header only (never in the URL, where it would end up in logs and history);
the PWA fetches photos with the header and shows them through blob URLs. Refusals are raised
and answered by the one error handler (`backend/core/http_errors.py`): 401 UNAUTHENTICATED,
403 FORBIDDEN, 404 MEDIA_MISSING, 413 MEDIA_TOO_LARGE, 415 MEDIA_UNSUPPORTED, 507 STORAGE_FULL.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from backend.auth.bearer import request_actor, require_request_actor
from backend.core.db import SessionFactory
from backend.core.errors import InvalidInput
from backend.core.settings import Settings
from backend.media.access import access_media
from backend.media.errors import MediaMissing, MediaTooLarge
from backend.media.models import Media
from backend.media.service import (
    PUBLIC_MAX_PHOTO_BYTES,
    StoredPhoto,
    check_uploader,
    is_sha256,
    store_photo_once,
    store_public_photo,
)
from backend.media.storage import MediaStorage
from backend.org.access import access_org_unit
from backend.org.models import OrgKind

log = logging.getLogger(__name__)

CACHE_FOREVER = "private, max-age=31536000, immutable"
MULTIPART_OVERHEAD = 16 * 1024  # boundaries and part headers around the one file

_MIME_BY_EXT = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def media_routes() -> list[Route]:
    return [
        Route("/media", upload_media, methods=["POST"]),
        Route("/media/{sha256}", get_photo, methods=["GET"]),
        Route("/media/{sha256}/thumb", get_thumbnail, methods=["GET"]),
        Route("/public/villages/{village_id:id}/photos", upload_public_photo, methods=["POST"]),
    ]


def media_json(media: Media) -> dict[str, Any]:
    return {
        "sha256": media.sha256,
        "width": media.width,
        "height": media.height,
        "mime": media.mime,
        "takenAt": _iso(media.taken_at),
        "lat": media.exif_lat,
        "lng": media.exif_lng,
        "url": f"/media/{media.sha256}",
        "thumbUrl": f"/media/{media.sha256}/thumb",
    }


async def upload_media(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    storage: MediaStorage = request.app.state.media_storage
    session_factory: SessionFactory = request.app.state.session_factory
    actor = check_uploader(require_request_actor(request))  # before a single byte of the body is read
    data = await _read_upload(request, settings.max_photo_bytes)
    try:
        async with session_factory.begin() as session:
            stored = await store_photo_once(session, storage, actor, data, max_bytes=settings.max_photo_bytes)
    except IntegrityError as exc:
        stored = await _stored_concurrently(session_factory, data, exc)
    return JSONResponse(media_json(stored.media), status_code=201 if stored.created else 200)


async def upload_public_photo(request: Request) -> Response:
    """A photo for a report made without an account on a village's public page. Guarded by the
    per-address limit (before the body is read), 1 MB, the village's public door, and it stays
    invisible until a report attaches it. The answer names the photo and nothing else: the same
    bytes uploaded before by someone else must not tell this caller anything about that upload."""
    settings: Settings = request.app.state.settings
    storage: MediaStorage = request.app.state.media_storage
    session_factory: SessionFactory = request.app.state.session_factory
    await request.app.state.rate_limits.for_request(request).public_photo()  # before reading the body
    async with session_factory() as session:
        village_id = int(request.path_params["village_id"])
        village = await access_org_unit(session, None, village_id, kind=OrgKind.VILLAGE, to="public")
    max_bytes = min(settings.max_photo_bytes, PUBLIC_MAX_PHOTO_BYTES)
    data = await _read_upload(request, max_bytes)
    try:
        async with session_factory.begin() as session:
            stored = await store_public_photo(session, storage, village, data, max_bytes=max_bytes)
    except IntegrityError as exc:
        stored = await _stored_concurrently(session_factory, data, exc)
    return JSONResponse({"sha256": stored.media.sha256}, status_code=201 if stored.created else 200)


async def get_photo(request: Request) -> Response:
    return await _serve(request, thumbnail=False)


async def get_thumbnail(request: Request) -> Response:
    return await _serve(request, thumbnail=True)


async def _serve(request: Request, *, thumbnail: bool) -> Response:
    session_factory: SessionFactory = request.app.state.session_factory
    storage: MediaStorage = request.app.state.media_storage
    sha256 = request.path_params["sha256"]
    if not is_sha256(sha256):
        raise MediaMissing("照片不存在")
    actor = request_actor(request)
    async with session_factory() as session:
        media = await access_media(session, actor, sha256)
    key = media.thumb_key if thumbnail else media.stored_key
    headers = {
        "cache-control": CACHE_FOREVER,
        "etag": f'"{key.rsplit("/", 1)[-1]}"',
        "vary": "Authorization",
        "x-content-type-options": "nosniff",
        "cross-origin-resource-policy": "same-origin",
    }
    if headers["etag"] in _etags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    data = await storage.get(key)
    if data is None:
        log.error("media %s: file %s missing from storage", sha256, key)
        raise MediaMissing("照片文件缺失，请上传者重新同步")
    return Response(data, media_type=_MIME_BY_EXT.get(key.rsplit(".", 1)[-1], media.mime), headers=headers)


async def _read_upload(request: Request, max_bytes: int) -> bytes:
    """The uploaded bytes: the raw body, or the multipart field `file`. A body over the limit is
    refused on its declared length, or as soon as the stream passes the limit."""
    multipart = request.headers.get("content-type", "").lower().startswith("multipart/form-data")
    body_limit = max_bytes + MULTIPART_OVERHEAD if multipart else max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > body_limit:
        raise MediaTooLarge(max_bytes)
    stream = _limited(request.stream(), body_limit, max_bytes)
    if not multipart:
        data = b"".join([chunk async for chunk in stream])
    else:
        data = await _multipart_file(request, stream)
    if not data:
        raise InvalidInput("没有收到照片：请直接发送图片内容，或用表单字段 file 上传", field="file")
    return data


async def _multipart_file(request: Request, stream: AsyncGenerator[bytes, None]) -> bytes:
    parser = MultiPartParser(request.headers, stream, max_files=1, max_fields=8)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise InvalidInput("上传格式错误：表单中只能有一个文件字段 file", field="file") from exc
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("表单中缺少文件字段 file", field="file")
        return await upload.read()
    finally:
        await form.close()


async def _limited(chunks: AsyncIterator[bytes], body_limit: int, max_bytes: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > body_limit:
            raise MediaTooLarge(max_bytes)
        if chunk:
            yield chunk


async def _stored_concurrently(session_factory: SessionFactory, data: bytes, error: IntegrityError) -> StoredPhoto:
    """Two identical uploads raced and the other one committed first: the row is theirs."""
    async with session_factory() as session:
        media = await session.get(Media, hashlib.sha256(data).hexdigest())
    if media is None:
        raise error
    return StoredPhoto(media, created=False)


def _etags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None
