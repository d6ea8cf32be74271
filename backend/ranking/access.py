"""The door to rankings, live and published (see backend/org/access.py for what a door is).

Who reads a ranking (the one rule, docs/ASSESSMENT.md "Who sees the ranking"):
- the county: everything of its county — live rankings, charts, every published row;
- a township: the same as the county's staff only when the county has opened the ranking to the
  townships (晾晒, CountyRules.townships_see_ranking = 1, a recorded decision: visibility.py);
  while it is closed (the default) a township reads nothing of any ranking — no live ranking, no
  charts, no published snapshot, not even its own secretaries' rows (their grades reach the
  township through the assessment itself, not through a ranking);
- a first secretary: the list of published rankings and their own row of each (snapshots.py cuts);
- members: nothing.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import Forbidden
from backend.org.access import STAFF_ROLES, one_in_scope, require_role
from backend.org.county_settings import rules_for
from backend.org.models import Role
from backend.ranking.models import RankingSnapshot

RANKING_CLOSED = "县里尚未向镇街开放排名（晾晒），如需查看请联系县委组织部"


async def townships_see_ranking(session: AsyncSession, county_id: int) -> bool:
    return (await rules_for(session, county_id)).townships_see_ranking == 1


async def require_ranking_reader(session: AsyncSession, actor: Actor | None, *roles: Role) -> Actor:
    """`roles` may read rankings; a township only while its county has opened them to townships."""
    actor = require_role(actor, *roles)
    if actor.role is Role.TOWNSHIP and not await townships_see_ranking(session, actor.county_id):
        raise Forbidden(RANKING_CLOSED)
    return actor


def scope_ranking_snapshots(actor: Actor) -> ColumnElement[bool]:
    """Published rankings of the caller's county (call require_ranking_reader first)."""
    return RankingSnapshot.county_id == actor.county_id if actor.role in STAFF_ROLES else false()


async def access_ranking_snapshot(
    session: AsyncSession, actor: Actor | None, snapshot_id: int, *, for_update: bool = False
) -> RankingSnapshot:
    actor = await require_ranking_reader(session, actor, *STAFF_ROLES)
    stmt = select(RankingSnapshot).where(RankingSnapshot.id == snapshot_id, scope_ranking_snapshots(actor))
    return await one_in_scope(session, stmt, "排名发布记录不存在", for_update=for_update)
