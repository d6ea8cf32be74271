"""Walking the audit trail's hash chains and reporting the first broken link per county.

A chain is intact when its events carry seq 1, 2, 3... without gaps, each `prev_hash` equals the
previous event's `hash` (GENESIS for the first) and each `hash` matches the event's content.
Editing an event breaks its hash; deleting one leaves a gap in seq. Removing the newest events
leaves a shorter but intact chain: compare the reported head hash with one recorded earlier.

Each county has two chains (`backend.audit.models`): the business TRAIL, reported for every
county, and the SECURITY log, reported where it has events. A security chain whose oldest events
the retention prune removed starts after its newest anchor (the last pruned seq and hash)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit.chain import GENESIS, event_hash
from backend.audit.models import SECURITY, TRAIL, AuditAnchor, AuditEvent
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
    chain: str = TRAIL
    starts_after: int = 0  # the anchor's seq: events 1..starts_after were pruned

    @property
    def ok(self) -> bool:
        return self.broken is None


class UnknownCounty(LookupError):
    pass


async def _anchor(session: AsyncSession, county_id: int, chain: str) -> tuple[int, str]:
    row = (
        await session.execute(
            select(AuditAnchor.seq, AuditAnchor.hash)
            .where(AuditAnchor.county_id == county_id, AuditAnchor.chain == chain)
            .order_by(AuditAnchor.seq.desc())
            .limit(1)
        )
    ).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


async def verify_county(
    session: AsyncSession, county_id: int, county_code: str = "", chain: str = TRAIL
) -> ChainReport:
    """Walk one county's chain in seq order (streamed, constant memory), from its anchor if pruned."""
    start, prev_hash = await _anchor(session, county_id, chain)
    columns = [getattr(AuditEvent, name) for name in ("id", *_HASHED)]
    rows = await session.stream(
        select(*columns)
        .where(AuditEvent.county_id == county_id, AuditEvent.chain == chain, AuditEvent.seq > start)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=_BATCH)
    )
    events = 0
    async for row in rows:
        expected_seq = start + events + 1
        reason = None
        if row.seq != expected_seq:
            reason = f"序号不连续：应为 {expected_seq}，实为 {row.seq}（有记录被删除）"
        elif row.prev_hash != prev_hash:
            reason = "prev_hash 与上一条记录的哈希不符"
        elif row.hash != event_hash(row):
            reason = "记录内容与其哈希不符（记录被修改）"
        if reason is not None:
            await rows.close()
            broken = BrokenLink(row.seq, row.id, reason)
            return ChainReport(county_id, county_code, events, prev_hash, broken, chain, start)
        events, prev_hash = events + 1, row.hash
    if start and not events:  # the prune keeps a chain's newest event, so it cannot be empty here
        reason = f"锚点（第 {start} 条）之后的记录全部缺失"
        return ChainReport(county_id, county_code, 0, prev_hash, BrokenLink(start + 1, 0, reason), chain, start)
    return ChainReport(county_id, county_code, events, prev_hash, None, chain, start)


async def verify_audit(session: AsyncSession, county_code: str | None = None) -> list[ChainReport]:
    """One report per county's business trail: the given county, or every county plus any county
    id found only in the audit trail; then one per security chain that has events (county 0 is
    the deployment's own: failed logins for a phone that matches no account)."""
    counties = select(OrgUnit.id, OrgUnit.code).where(OrgUnit.kind == OrgKind.COUNTY)
    if county_code is not None:
        counties = counties.where(OrgUnit.code == county_code)
    codes = {row.id: row.code for row in await session.execute(counties)}
    if county_code is not None:
        if not codes:
            raise UnknownCounty(county_code)
    else:
        trail_counties = select(AuditEvent.county_id).where(AuditEvent.chain == TRAIL).distinct()
        for county_id in await session.scalars(trail_counties):
            codes.setdefault(county_id, f"#{county_id}")
    reports = [await verify_county(session, county_id, codes[county_id]) for county_id in sorted(codes)]
    secured = select(AuditEvent.county_id).where(AuditEvent.chain == SECURITY).distinct()
    if county_code is not None:
        secured = secured.where(AuditEvent.county_id.in_(codes))
    for county_id in sorted(await session.scalars(secured)):
        reports.append(await verify_county(session, county_id, codes.get(county_id, f"#{county_id}"), SECURITY))
    return reports
