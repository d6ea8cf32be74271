"""Village household rosters."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.pagination import Page, paginate
from backend.org.access import access_household_roster
from backend.org.models import Household

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
    village = await access_household_roster(session, actor, village_id)
    stmt = select(Household).where(Household.village_id == village.id)
    if search:
        term = search.strip()
        stmt = stmt.where(
            or_(Household.head_name.contains(term, autoescape=True), Household.code.startswith(term, autoescape=True))
        )
    return await paginate(session, stmt, _ORDER, first=first, after=after)
