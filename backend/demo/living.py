"""Seeding the demo county's activity: plan it (`backend.demo.activity`) and write it in bulk
(`backend.demo.bulk`), with the pooled photos stored through the configured media storage."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.settings import Settings
from backend.demo.activity import local_day, local_time, plan_county
from backend.demo.bulk import BulkWriter, Counts
from backend.demo.photos import PhotoPool
from backend.demo.world import load_world
from backend.media.storage_factory import media_storage_from_settings

logger = logging.getLogger(__name__)


async def seed_demo_activity(
    session: AsyncSession, settings: Settings, county_id: int, *, seed: int = 2026, now: datetime
) -> Counts:
    """The county's filings, reviews, photos, service cards, problems, check-ins and roll call
    as of the start of `now`'s day in Beijing (so the same seed on the same day gives the same
    county), in the caller's transaction (flushed, not committed)."""
    as_of = local_time(local_day(now), 0)
    world = await load_world(session, county_id, settings.public_base_url)
    pool = PhotoPool(seed)
    await pool.store_files(media_storage_from_settings(settings))
    writer = BulkWriter(session, world, pool)
    for plan in plan_county(world, pool, seed, as_of):
        await writer.write(plan)
    counts = await writer.finish()
    logger.info("demo activity: %s rows, %s audit events", counts.rows, counts.events)
    return counts
