"""Forgetting photos uploaded without an account that no report ever attached.

A villager may pick a photo on a public page and then never send the report (closed the page,
lost signal for good). Such a photo is invisible to everyone (backend/media/access.py); after
`UNATTACHED_KEEP` it is deleted, row and files, by `python -m backend.cli prune-public-data`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.orm import utcnow
from backend.filings.models import FilingPhoto
from backend.media.models import Media
from backend.media.storage import MediaStorage
from backend.problems.models import ProblemPhoto
from backend.service_card.models import ServiceCard

UNATTACHED_KEEP = timedelta(hours=24)


async def prune_unattached_public_photos(
    session: AsyncSession, storage: MediaStorage, now: datetime | None = None
) -> int:
    """Delete photos uploaded without an account more than a day ago that nothing shows → how many.
    Rows go first (the caller commits); a file is removed only when no other row names it."""
    cutoff = (now or utcnow()) - UNATTACHED_KEEP
    shown = or_(
        exists().where(ProblemPhoto.media_sha256 == Media.sha256),
        exists().where(FilingPhoto.media_sha256 == Media.sha256),
        exists().where(ServiceCard.photo_sha256 == Media.sha256),
    )
    stale = (
        await session.execute(
            select(Media.sha256, Media.stored_key, Media.thumb_key).where(
                Media.uploaded_by.is_(None), Media.created_at < cutoff, ~shown
            )
        )
    ).all()
    if not stale:
        return 0
    await session.execute(delete(Media).where(Media.sha256.in_([row.sha256 for row in stale])))
    keys = {key for row in stale for key in (row.stored_key, row.thumb_key)}
    still_named = set(await session.scalars(select(Media.stored_key).where(Media.stored_key.in_(keys)))) | set(
        await session.scalars(select(Media.thumb_key).where(Media.thumb_key.in_(keys)))
    )
    for key in keys - still_named:
        await storage.delete(key)
    return len(stale)
