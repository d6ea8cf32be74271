"""Walking the audit trail's hash chains and reporting the first broken link per county.

A chain is intact when its events carry seq 1, 2, 3... without gaps, each `prev_hash` equals the
previous event's `hash` (GENESIS for the first) and each `hash` matches the event's content.
Editing an event breaks its hash; deleting one leaves a gap in seq. Removing the newest events
leaves a shorter but intact chain: compare the reported head hash with one recorded earlier."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit.chain import GENESIS, event_hash
from backend.audit.models import AuditEvent
from backend.org.models import OrgKind, OrgUnit

_BATCH = 1000
# The columns a link's hash is recomputed from.
_HASHED = (
    "county_id",
    "seq",
    "at",
    "actor_user_id",
    "entity",
    "entity_id",
    "action",
    "version",
    "detail",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    event_id: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    county_id: int
    county_code: str
    events: int
    head_hash: str
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None


class UnknownCounty(LookupError):
    pass


async def verify_county(session: AsyncSession, county_id: int, county_code: str = "") -> ChainReport:
    """Walk one county's chain in seq order (streamed, constant memory)."""
    columns = [getattr(AuditEvent, name) for name in ("id", *_HASHED)]
    rows = await session.stream(
        select(*columns)
        .where(AuditEvent.county_id == county_id)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=_BATCH)
    )
    events, prev_hash = 0, GENESIS
    async for row in rows:
        expected_seq = events + 1
        reason = None
        if row.seq != expected_seq:
            reason = f"序号不连续：应为 {expected_seq}，实为 {row.seq}（有记录被删除）"
        elif row.prev_hash != prev_hash:
            reason = "prev_hash 与上一条记录的哈希不符"
        elif row.hash != event_hash(row):
            reason = "记录内容与其哈希不符（记录被修改）"
        if reason is not None:
            await rows.close()
            return ChainReport(county_id, county_code, events, prev_hash, BrokenLink(row.seq, row.id, reason))
        events, prev_hash = expected_seq, row.hash
    return ChainReport(county_id, county_code, events, prev_hash, None)


async def verify_audit(session: AsyncSession, county_code: str | None = None) -> list[ChainReport]:
    """One report per county: the given one, or every county plus any county id found only in
    the audit trail."""
    counties = select(OrgUnit.id, OrgUnit.code).where(OrgUnit.kind == OrgKind.COUNTY)
    if county_code is not None:
        counties = counties.where(OrgUnit.code == county_code)
    codes = {row.id: row.code for row in await session.execute(counties)}
    if county_code is not None:
        if not codes:
            raise UnknownCounty(county_code)
    else:
        for county_id in await session.scalars(select(AuditEvent.county_id).distinct()):
            codes.setdefault(county_id, f"#{county_id}")
    return [await verify_county(session, county_id, codes[county_id]) for county_id in sorted(codes)]
