"""Village household rosters."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.pagination import Page, paginate
from backend.org.access import STAFF_ROLES, access_org_unit, require_role
from backend.org.models import Household, OrgKind

_ORDER = (Household.code, Household.id)


async def list_households(
    session: AsyncSession,
    actor: Actor | None,
    *,
    village_id: int,
    search: str | None,
    first: int | None,
    after: str | None,
) -> Page[Household]:
    # The roster holds phone numbers: staff of that village's line only.
    require_role(actor, *STAFF_ROLES)
    village = await access_org_unit(session, actor, village_id, kind=OrgKind.VILLAGE)
    stmt = select(Household).where(Household.village_id == village.id)
    if search:
        term = search.strip()
        stmt = stmt.where(
            or_(Household.head_name.contains(term, autoescape=True), Household.code.startswith(term, autoescape=True))
        )
    return await paginate(session, stmt, _ORDER, first=first, after=after)
