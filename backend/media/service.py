"""Storing photos: who may upload, and the Media rows (who may see one: backend/media/access.py).

Uploads are idempotent by the SHA-256 of the bytes the phone sent: the phone may retry an upload
any number of times (poor connectivity) and the server processes it once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.media.errors import MediaTooLarge, MediaUnsupported, StorageFull
from backend.media.images import ProcessedPhoto, process_photo, sniff
from backend.media.models import Media
from backend.media.storage import MediaStorage, content_key, is_storage_full
from backend.org.access import require_role, require_secretary
from backend.org.models import OrgUnit, Role

log = logging.getLogger(__name__)

DEFAULT_MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Without an account: one photo of a report, which the phone has compressed to ≤ 300 KB.
PUBLIC_MAX_PHOTO_BYTES = 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class StoredPhoto:
    media: Media
    created: bool  # False when the same bytes had been uploaded before


def is_sha256(value: str) -> bool:
    return bool(_SHA256.fullmatch(value))


def check_uploader(actor: Actor | None) -> Actor:
    """Cheap, database-free part of the upload check, done before reading a body: first
    secretaries (filings, the card, problems) and members (the photo of a problem report)."""
    return require_role(actor, Role.VILLAGE, Role.MEMBER)


async def store_photo(
    session: AsyncSession,
    storage: MediaStorage,
    actor: Actor | None,
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_PHOTO_BYTES,
) -> Media:
    """Store an uploaded photo; see `store_photo_once`."""
    return (await store_photo_once(session, storage, actor, data, max_bytes=max_bytes)).media


async def store_photo_once(
    session: AsyncSession,
    storage: MediaStorage,
    actor: Actor | None,
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_PHOTO_BYTES,
) -> StoredPhoto:
    """First secretaries and members. The same bytes again return the existing row unprocessed.
    Files are written before the row is added, so a failed write (StorageFull) leaves no row
    behind; the caller commits."""
    actor = check_uploader(actor)
    if actor.role is Role.VILLAGE:
        await require_secretary(session, actor)
    return await _store(session, storage, data, max_bytes=max_bytes, actor=actor, county_id=actor.county_id)


async def store_public_photo(
    session: AsyncSession,
    storage: MediaStorage,
    village: OrgUnit,
    data: bytes,
    *,
    max_bytes: int = PUBLIC_MAX_PHOTO_BYTES,
) -> StoredPhoto:
    """A photo uploaded without an account from `village`'s public page (the caller passed the
    village's public door and the rate limits). It has no uploader: nobody can see it until a
    report of that county attaches it (backend/media/access.py)."""
    assert village.county_id is not None
    return await _store(session, storage, data, max_bytes=max_bytes, actor=None, county_id=village.county_id)


async def _store(
    session: AsyncSession,
    storage: MediaStorage,
    data: bytes,
    *,
    max_bytes: int,
    actor: Actor | None,
    county_id: int,
) -> StoredPhoto:
    if len(data) > max_bytes:
        raise MediaTooLarge(max_bytes)
    if sniff(data) is None:
        raise MediaUnsupported()
    digest = hashlib.sha256(data).hexdigest()

    existing = await session.get(Media, digest)
    if existing is not None:
        if not (await storage.exists(existing.stored_key) and await storage.exists(existing.thumb_key)):
            # The row outlived its files (restored database, lost disk): heal from the upload.
            photo = await asyncio.to_thread(process_photo, data)
            await _put_files(storage, photo)
            log.warning("media %s: files were missing and have been rewritten", digest)
        return StoredPhoto(existing, created=False)

    photo = await asyncio.to_thread(process_photo, data)
    stored_key, thumb_key = await _put_files(storage, photo)
    media = Media(
        sha256=digest,
        stored_key=stored_key,
        thumb_key=thumb_key,
        mime=photo.mime,
        size_bytes=len(photo.data),
        width=photo.width,
        height=photo.height,
        taken_at=photo.taken_at,
        exif_lat=photo.lat,
        exif_lng=photo.lng,
        uploaded_by=actor.user_id if actor is not None else None,
        county_id=county_id,
    )
    session.add(media)
    audit.record(
        session,
        actor,
        county_id=county_id,
        entity="media",
        entity_id=digest,
        action="upload",
        detail={"uploadedBytes": len(data), "uploadedMime": photo.source_mime, "storedBytes": len(photo.data)},
    )
    await session.flush()
    uploader = f"user {actor.user_id}" if actor is not None else "a public page"
    log.info("media %s stored by %s (%d → %d bytes)", digest, uploader, len(data), len(photo.data))
    return StoredPhoto(media, created=True)


async def _put_files(storage: MediaStorage, photo: ProcessedPhoto) -> tuple[str, str]:
    stored_key = content_key(photo.data, photo.ext)
    thumb_key = content_key(photo.thumb, photo.thumb_ext)
    try:
        await storage.put(stored_key, photo.data)
        await storage.put(thumb_key, photo.thumb)
    except OSError as exc:  # a store that did not translate "no space" itself
        if is_storage_full(exc):
            log.error("media storage full: %s", exc)
            raise StorageFull() from exc
        raise
    return stored_key, thumb_key
