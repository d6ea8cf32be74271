"""Reading published rankings (晾晒排名).

County: its county's snapshots, every row. Township: every row of its county's snapshots while
the county has opened the ranking to townships (晾晒), nothing otherwise (access.py). Village (a first secretary): the list, and only their own
row of each. Members: nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from sqlalchemy import RowMapping, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.common import parse_period
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.org.access import STAFF_ROLES, require_secretary
from backend.org.models import Role
from backend.ranking.access import access_ranking_snapshot, require_ranking_reader, scope_ranking_snapshots
from backend.ranking.compute import GroupPage, clean_search, group_pages, to_row
from backend.ranking.groups import parse_group_key
from backend.ranking.models import RankingSnapshot
from backend.ranking.rows import RankingRow
from backend.ranking.sql import Cut, snapshot_statement


@dataclass(frozen=True, slots=True)
class SnapshotView:
    snapshot: RankingSnapshot
    groups: list[GroupPage]


async def list_snapshots(
    session: AsyncSession, actor: Actor | None, period: str | None = None
) -> list[RankingSnapshot]:
    """The caller's county's published rankings, newest first."""
    actor = await require_ranking_reader(session, actor, *STAFF_ROLES)
    stmt = select(RankingSnapshot).where(scope_ranking_snapshots(actor))
    if period is not None:
        stmt = stmt.where(RankingSnapshot.period == parse_period(period).text)
    return list(await session.scalars(stmt.order_by(RankingSnapshot.id.desc()).limit(200)))


async def _access_snapshot(session: AsyncSession, actor: Actor | None, snapshot_id: int) -> tuple[RankingSnapshot, Cut]:
    """The snapshot and the rows the caller may see of it."""
    snapshot = await access_ranking_snapshot(session, actor, snapshot_id)
    assert actor is not None
    if actor.role is Role.VILLAGE:
        own = await require_secretary(session, actor)
        return snapshot, Cut(secretary_id=own.id)
    return snapshot, Cut()


async def _fetch(
    session: AsyncSession, snapshot: RankingSnapshot, cut: Cut, group_key: str | None
) -> Sequence[RowMapping]:
    params: dict[str, object] = {
        "snapshot_id": snapshot.id,
        "excellent_pct": int(snapshot.rules.get("excellent_quota_pct", 0)),
        "good_pct": int(snapshot.rules.get("good_quota_pct", 0)),
    }
    if group_key:
        params["group_key"] = parse_group_key(group_key).key
    sql = snapshot_statement(cut, params, group_filter=bool(group_key))
    return (await session.execute(text(sql), params)).mappings().all()


async def snapshot_view(
    session: AsyncSession,
    actor: Actor | None,
    snapshot_id: int,
    *,
    group_key: str | None = None,
    township_id: int | None = None,
    search: str | None = None,
    first: int = 20,
) -> SnapshotView:
    """A published ranking: every group's counts, quotas and first `first` visible rows."""
    if not 1 <= first <= 100:
        raise InvalidInput("每组条数应在 1 到 100 之间", field="first")
    snapshot, cut = await _access_snapshot(session, actor, snapshot_id)
    cut = Cut(secretary_id=cut.secretary_id, township_id=township_id, search=clean_search(search), per_group=first)
    return SnapshotView(snapshot, group_pages(await _fetch(session, snapshot, cut, group_key), live=False))


async def iter_snapshot_rows(
    session: AsyncSession, actor: Actor | None, snapshot_id: int, *, group_key: str | None = None
) -> AsyncIterator[RankingRow]:
    """Every row of a published ranking the caller may see, by group key then position."""
    snapshot, cut = await _access_snapshot(session, actor, snapshot_id)
    for m in await _fetch(session, snapshot, cut, group_key):
        yield to_row(m, live=False)
