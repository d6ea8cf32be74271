"""After a correct password: does this login need a second step, and which one?"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import SecondFactor
from backend.auth.second_factor import challenges
from backend.auth.second_factor.policy import may_enrol, totp_required_for_county
from backend.core.settings import Settings
from backend.org.models import OrgUnit, Role, User


async def confirmed_factor(session: AsyncSession, user_id: int, *, for_update: bool = False) -> SecondFactor | None:
    stmt = select(SecondFactor).where(SecondFactor.user_id == user_id, SecondFactor.confirmed_at.is_not(None))
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def must_enrol(session: AsyncSession, settings: Settings, user: User) -> bool:
    """A county account of a county that requires a second factor (township accounts may, not must)."""
    if user.role is not Role.COUNTY:
        return False
    county_id = (await session.execute(select(OrgUnit.county_id).where(OrgUnit.id == user.org_unit_id))).scalar_one()
    return await totp_required_for_county(session, settings, county_id or user.org_unit_id)


async def second_step(
    session: AsyncSession, settings: Settings, user: User, now: datetime
) -> challenges.Challenge | None:
    if not may_enrol(user.role):
        return None
    if await confirmed_factor(session, user.id) is not None:
        return await challenges.issue(session, user.id, "verify", now)
    if await must_enrol(session, settings, user):
        return await challenges.issue(session, user.id, "enrol", now)
    return None
