"""The demo's own staff acting through the services, as the people at their desks would."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.org.models import OrgUnit, Role, User


async def county_actor(session: AsyncSession, county_id: int) -> Actor:
    user_id = await session.scalar(
        select(User.id).where(User.role == Role.COUNTY, User.org_unit_id == county_id).order_by(User.id).limit(1)
    )
    if user_id is None:
        raise RuntimeError("the demo county has no county account")
    return Actor(user_id=user_id, role=Role.COUNTY, org_unit_id=county_id, county_id=county_id)


async def township_actors(session: AsyncSession, county_id: int) -> dict[int, Actor]:
    """One township account per township, by township id."""
    rows = await session.execute(
        select(User.id, User.org_unit_id)
        .join(OrgUnit, OrgUnit.id == User.org_unit_id)
        .where(User.role == Role.TOWNSHIP, OrgUnit.county_id == county_id)
        .order_by(User.id)
    )
    actors: dict[int, Actor] = {}
    for user_id, township_id in rows:
        actors.setdefault(
            township_id,
            Actor(
                user_id=user_id,
                role=Role.TOWNSHIP,
                org_unit_id=township_id,
                county_id=county_id,
                township_id=township_id,
            ),
        )
    return actors
