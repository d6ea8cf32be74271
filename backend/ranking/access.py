"""The door to a published ranking (see backend/org/access.py for what a door is).

A published ranking is aired to the whole county's staff: the county and every township read all
of its rows, a first secretary only their own row (the caller cuts the rows: snapshots.py).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.org.access import STAFF_ROLES, one_in_scope, require_role
from backend.ranking.models import RankingSnapshot


def scope_ranking_snapshots(actor: Actor) -> ColumnElement[bool]:
    return RankingSnapshot.county_id == actor.county_id if actor.role in STAFF_ROLES else false()


async def access_ranking_snapshot(
    session: AsyncSession, actor: Actor | None, snapshot_id: int, *, for_update: bool = False
) -> RankingSnapshot:
    actor = require_role(actor, *STAFF_ROLES)
    stmt = select(RankingSnapshot).where(RankingSnapshot.id == snapshot_id, scope_ranking_snapshots(actor))
    return await one_in_scope(session, stmt, "排名发布记录不存在", for_update=for_update)
