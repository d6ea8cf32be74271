"""Pruning the security log past its retention (安全日志保存期限), keeping its chain verifiable.

Per county (and the deployment's county 0), the oldest security events older than the county's
`security_log_retention_days` (never under SECURITY_LOG_MIN_DAYS) go as one prefix of the
SECURITY chain: first an anchor is written with the last pruned event's seq and hash, then the
events up to it are deleted. `verify.py` starts the chain after its newest anchor. The business
trail is never touched.

How the DELETE passes the database's refusal (migration 0016): the trigger lets a row go only when
it is a security event, older than 183 days by the database's own clock, and an anchor of its
county and chain covers its seq and was cut after its time. Ordinary code that deletes by accident
has written no anchor and is refused; an anchor cannot be edited or deleted either. The chain's
newest event is always kept, so a new event still links to a stored one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit.models import SECURITY, AuditAnchor, AuditEvent
from backend.org.county_settings import SECURITY_LOG_MIN_DAYS, rules_for


@dataclass(frozen=True)
class PrunedChain:
    county_id: int
    through_seq: int
    events: int


async def _prune_county(session: AsyncSession, county_id: int, now: datetime) -> PrunedChain | None:
    days = max((await rules_for(session, county_id)).security_log_retention_days, SECURITY_LOG_MIN_DAYS)
    cutoff = now - timedelta(days=days)
    in_chain = (AuditEvent.county_id == county_id, AuditEvent.chain == SECURITY)
    head = await session.scalar(select(func.max(AuditEvent.seq)).where(*in_chain))
    first_kept = await session.scalar(select(func.min(AuditEvent.seq)).where(*in_chain, AuditEvent.at >= cutoff))
    through = min(first_kept or head or 0, head or 0) - 1  # a strict prefix, never the head
    oldest = await session.scalar(select(func.min(AuditEvent.seq)).where(*in_chain))
    if oldest is None or through < oldest:
        return None
    last = (await session.execute(select(AuditEvent.hash).where(*in_chain, AuditEvent.seq == through))).scalar_one()
    count = through - oldest + 1
    session.add(AuditAnchor(county_id=county_id, chain=SECURITY, seq=through, hash=last, cutoff=cutoff, pruned=count))
    await session.flush()
    await session.execute(delete(AuditEvent).where(*in_chain, AuditEvent.seq <= through))
    return PrunedChain(county_id, through, count)


async def prune_security_log(session: AsyncSession, now: datetime | None = None) -> list[PrunedChain]:
    """Every county's security chain, in the caller's transaction."""
    now = now or datetime.now(UTC)
    counties = await session.scalars(select(AuditEvent.county_id).where(AuditEvent.chain == SECURITY).distinct())
    pruned = [await _prune_county(session, county_id, now) for county_id in sorted(counties)]
    return [p for p in pruned if p is not None]
