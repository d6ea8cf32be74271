"""Batch reads behind the filing DataLoaders: one query for many keys, results in key order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit.models import AuditEvent
from backend.filings.models import FilingPhoto
from backend.org.models import Household, SecretaryProfile, User


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str
    actor_name: str | None
    comment: str | None
    version: int | None


async def households_by_id(session: AsyncSession, ids: Sequence[int]) -> list[Household | None]:
    found = {h.id: h for h in await session.scalars(select(Household).where(Household.id.in_(ids)))}
    return [found.get(i) for i in ids]


async def secretaries_by_id(session: AsyncSession, ids: Sequence[int]) -> list[SecretaryProfile | None]:
    rows = await session.scalars(select(SecretaryProfile).where(SecretaryProfile.id.in_(ids)))
    found = {s.id: s for s in rows}
    return [found.get(i) for i in ids]


async def photos_by_filing(session: AsyncSession, filing_ids: Sequence[str]) -> list[list[str]]:
    rows = await session.execute(
        select(FilingPhoto.filing_id, FilingPhoto.media_sha256)
        .where(FilingPhoto.filing_id.in_(filing_ids))
        .order_by(FilingPhoto.filing_id, FilingPhoto.position)
    )
    grouped: dict[str, list[str]] = defaultdict(list)
    for filing_id, sha256 in rows.tuples():
        grouped[filing_id].append(sha256)
    return [grouped.get(i, []) for i in filing_ids]


async def history_by_filing(session: AsyncSession, filing_ids: Sequence[str]) -> list[list[HistoryEntry]]:
    rows = await session.execute(
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .where(AuditEvent.entity == "filing", AuditEvent.entity_id.in_(filing_ids))
        .order_by(AuditEvent.id)
    )
    grouped: dict[str, list[HistoryEntry]] = defaultdict(list)
    for event, actor_name in rows.tuples():
        grouped[event.entity_id].append(
            HistoryEntry(event.at, event.action, actor_name, event.detail.get("comment"), event.version)
        )
    return [grouped.get(i, []) for i in filing_ids]
