"""Resumable photo uploads: the tus 1.0 protocol (core, creation, creation-with-upload, https://tus.io/
protocols/resumable-upload), the phone's client being tus-js-client. An upload is the caller's own
and is named by the SHA-256 of the whole file, which the phone declares when it creates it — so a
phone whose request was cut, answer and all, knows where to ask how far it got.

    OPTIONS /uploads                   the protocol's version, extensions and largest size
    POST    /uploads                   Upload-Length, Upload-Metadata "sha256 <base64>" [+ bytes from 0]
                                       → 201, Location /uploads/<sha256>, Upload-Offset
    HEAD    /uploads/<sha256>          → Upload-Offset, Upload-Length (equal once the photo is stored)
    PATCH   /uploads/<sha256>          Upload-Offset, bytes from there → 204, Upload-Offset

What arrives is saved while it arrives — every PART_BYTES, and what came before a cut — in the
database, so that whichever instance of the API takes the next request continues it. When the last
byte is in, the whole is checked against its name and stored as `POST /media` stores a photo
(`store_photo_once`), and the parts are deleted in the same transaction. Parts are appended only at
the offset the upload has reached (a conditional update), so two requests racing on one upload
cannot interleave. Untouched partial uploads are deleted after a day (`prune_partial_uploads`, run by
the daily retention).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from backend.auth.actor import Actor
from backend.auth.bearer import require_request_actor
from backend.core.db import SessionFactory
from backend.core.errors import ErrorCode, InvalidInput, InvalidState, NotFound
from backend.core.orm import utcnow
from backend.core.settings import Settings
from backend.media.access import access_media
from backend.media.errors import MediaTooLarge
from backend.media.models import Media, PartialUpload, PartialUploadPart
from backend.media.service import check_uploader, is_sha256, store_photo_once
from backend.media.storage import MediaStorage

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload"
OFFSET_STREAM = "application/offset+octet-stream"
PART_BYTES = 32 * 1024  # saved as they arrive: a cut loses at most this much
MAX_PARTIAL_PER_USER = 20  # uploads under way at once, per account
PARTIAL_KEEP = timedelta(hours=24)
_UNKNOWN = "没有这个未完成的上传，请重新上传"


class OffsetMismatch(InvalidState):
    """A PATCH whose Upload-Offset is not where the upload has got to (tus: 409)."""

    code = ErrorCode.UPLOAD_OFFSET_MISMATCH

    def __init__(self, received: int) -> None:
        super().__init__(f"上传位置不一致：服务器已收到 {received} 字节，请从这里继续")
        self.received = received


def resumable_routes() -> list[Route]:
    return [
        Route("/uploads", create_upload, methods=["POST", "OPTIONS"]),
        Route("/uploads/{sha256}", upload_state, methods=["HEAD"]),
        Route("/uploads/{sha256}", append_to_upload, methods=["PATCH"]),
    ]


def _headers(**values: int | str) -> dict[str, str]:
    named = {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store"}
    named.update({name.replace("_", "-"): str(value) for name, value in values.items()})
    return named


async def create_upload(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if request.method == "OPTIONS":
        return Response(
            status_code=204,
            headers={
                "Tus-Version": TUS_VERSION,
                "Tus-Extension": EXTENSIONS,
                "Tus-Max-Size": str(settings.max_photo_bytes),
            },
        )
    actor = check_uploader(require_request_actor(request))  # before a single byte of the body is read
    _require_tus(request)
    length = _int_header(request, "upload-length")
    if length < 1:
        raise InvalidInput("上传长度必须大于 0", field="Upload-Length")
    if length > settings.max_photo_bytes:
        raise MediaTooLarge(settings.max_photo_bytes)
    sha256 = _declared_sha256(request.headers.get("upload-metadata", ""))
    factory: SessionFactory = request.app.state.session_factory
    async with factory.begin() as session:
        await _start(session, actor, sha256, length)
    received = 0
    if request.headers.get("content-type", "").lower() == OFFSET_STREAM:
        received = await _receive(request, factory, actor, sha256, length, 0)
    if received == length:
        await _complete(request, actor, sha256)
    return Response(status_code=201, headers=_headers(Location=f"/uploads/{sha256}", Upload_Offset=received))


async def upload_state(request: Request) -> Response:
    actor = check_uploader(require_request_actor(request))
    sha256 = _path_sha256(request)
    factory: SessionFactory = request.app.state.session_factory
    async with factory() as session:
        upload = await session.get(PartialUpload, (actor.user_id, sha256))
        if upload is not None:
            return Response(headers=_headers(Upload_Offset=upload.received, Upload_Length=upload.length))
        media = await access_media(session, actor, sha256)  # stored already: nothing left to send
    return Response(headers=_headers(Upload_Offset=media.size_bytes, Upload_Length=media.size_bytes))


async def append_to_upload(request: Request) -> Response:
    actor = check_uploader(require_request_actor(request))
    _require_tus(request)
    sha256 = _path_sha256(request)
    if request.headers.get("content-type", "").lower() != OFFSET_STREAM:
        raise InvalidInput(f"上传内容类型必须是 {OFFSET_STREAM}", field="Content-Type")
    offset = _int_header(request, "upload-offset")
    factory: SessionFactory = request.app.state.session_factory
    async with factory() as session:
        upload = await session.get(PartialUpload, (actor.user_id, sha256))
    if upload is None:
        raise NotFound(_UNKNOWN)
    if offset != upload.received:
        raise OffsetMismatch(upload.received)
    received = await _receive(request, factory, actor, sha256, upload.length, offset)
    if received == upload.length:
        await _complete(request, actor, sha256)
    return Response(status_code=204, headers=_headers(Upload_Offset=received))


async def prune_partial_uploads(session: AsyncSession, now: datetime | None = None) -> int:
    """Delete the partial uploads nobody continued for a day (their parts go with them) → how many."""
    cutoff = (now or utcnow()) - PARTIAL_KEEP
    stale = list(
        await session.execute(
            select(PartialUpload.user_id, PartialUpload.sha256).where(PartialUpload.updated_at < cutoff)
        )
    )
    for user_id, sha256 in stale:
        await _forget(session, user_id, sha256)
    return len(stale)


async def _start(session: AsyncSession, actor: Actor, sha256: str, length: int) -> None:
    """A new upload of these bytes by this account, from zero (one it had under way starts over)."""
    await _forget(session, actor.user_id, sha256)
    under_way = await session.scalar(select(func.count()).where(PartialUpload.user_id == actor.user_id))
    if (under_way or 0) >= MAX_PARTIAL_PER_USER:
        raise InvalidState(f"同时进行的上传过多（最多 {MAX_PARTIAL_PER_USER} 个），请等其他照片发完再试")
    session.add(PartialUpload(user_id=actor.user_id, sha256=sha256, length=length, received=0))


async def _receive(
    request: Request, factory: SessionFactory, actor: Actor, sha256: str, length: int, offset: int
) -> int:
    """Save the body from `offset` as it arrives → the offset reached. What arrived before a cut is
    saved too, then the cut goes on up (nobody is there to answer)."""
    buffer = bytearray()
    try:
        async for chunk in request.stream():
            if offset + len(buffer) + len(chunk) > length:
                raise InvalidInput(f"上传内容超过声明的长度 {length} 字节", field="Upload-Length")
            buffer += chunk
            if len(buffer) >= PART_BYTES:
                offset = await _append(factory, actor, sha256, offset, bytes(buffer))
                buffer.clear()
    except ClientDisconnect:
        if buffer:
            await _append(factory, actor, sha256, offset, bytes(buffer))
        raise
    if buffer:
        offset = await _append(factory, actor, sha256, offset, bytes(buffer))
    return offset


async def _append(factory: SessionFactory, actor: Actor, sha256: str, offset: int, data: bytes) -> int:
    """Add a part at `offset`, only if the upload is still there and has reached exactly `offset`."""
    async with factory.begin() as session:
        moved = await session.execute(
            update(PartialUpload)
            .where(
                PartialUpload.user_id == actor.user_id,
                PartialUpload.sha256 == sha256,
                PartialUpload.received == offset,
            )
            .values(received=offset + len(data), updated_at=utcnow())
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            upload = await session.get(PartialUpload, (actor.user_id, sha256))
            if upload is None:
                raise NotFound(_UNKNOWN)
            raise OffsetMismatch(upload.received)
        session.add(PartialUploadPart(user_id=actor.user_id, sha256=sha256, offset=offset, data=data))
    return offset + len(data)


async def _complete(request: Request, actor: Actor, sha256: str) -> None:
    """The last byte is in: the whole, checked against its name, stored as a photo; the parts go."""
    settings: Settings = request.app.state.settings
    storage: MediaStorage = request.app.state.media_storage
    factory: SessionFactory = request.app.state.session_factory
    async with factory() as session:
        parts = await session.scalars(
            select(PartialUploadPart.data)
            .where(PartialUploadPart.user_id == actor.user_id, PartialUploadPart.sha256 == sha256)
            .order_by(PartialUploadPart.offset)
        )
        data = b"".join(parts)
    if hashlib.sha256(data).hexdigest() != sha256:
        async with factory.begin() as session:
            await _forget(session, actor.user_id, sha256)
        raise InvalidInput("照片内容与其校验值不符，已丢弃，请重新上传", field="Upload-Metadata")
    try:
        async with factory.begin() as session:
            await _forget(session, actor.user_id, sha256)
            await store_photo_once(session, storage, actor, data, max_bytes=settings.max_photo_bytes)
    except IntegrityError:  # another account stored the same bytes at this moment: the photo is there
        async with factory.begin() as session:
            await _forget(session, actor.user_id, sha256)
            if await session.get(Media, sha256) is None:
                raise
    except Exception:
        # Not stored (a full disk, not a photo): a whole upload kept would answer "complete" to the
        # phone's next question, so it goes; the phone sends the photo again when it retries.
        async with factory.begin() as session:
            await _forget(session, actor.user_id, sha256)
        raise


async def _forget(session: AsyncSession, user_id: int, sha256: str) -> None:
    await session.execute(
        delete(PartialUploadPart).where(PartialUploadPart.user_id == user_id, PartialUploadPart.sha256 == sha256)
    )
    await session.execute(delete(PartialUpload).where(PartialUpload.user_id == user_id, PartialUpload.sha256 == sha256))


def _require_tus(request: Request) -> None:
    if request.headers.get("tus-resumable") != TUS_VERSION:
        raise InvalidInput(f"可续传上传需要请求头 Tus-Resumable: {TUS_VERSION}", field="Tus-Resumable")


def _int_header(request: Request, name: str) -> int:
    value = request.headers.get(name, "")
    if not value.isdigit() or len(value) > 12:
        raise InvalidInput(f"请求头 {name} 必须是非负整数", field=name)
    return int(value)


def _path_sha256(request: Request) -> str:
    sha256 = request.path_params["sha256"]
    if not is_sha256(sha256):
        raise NotFound(_UNKNOWN)
    return str(sha256)


def _declared_sha256(metadata: str) -> str:
    """The `sha256` pair of Upload-Metadata ("key base64value,key base64value")."""
    for pair in metadata.split(","):
        key, _, value = pair.strip().partition(" ")
        if key == "sha256":
            try:
                sha256 = base64.b64decode(value, validate=True).decode("ascii")
            except (binascii.Error, UnicodeDecodeError):
                break
            if is_sha256(sha256):
                return sha256
            break
    raise InvalidInput(
        "Upload-Metadata 须含照片内容的 sha256（64 位小写十六进制，base64 编码）", field="Upload-Metadata"
    )
