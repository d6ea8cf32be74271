from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import Forbidden, NotFound, Unauthenticated
from backend.org.models import Household, OrgKind, OrgUnit, Role, SecretaryProfile, User

STAFF_ROLES = (Role.COUNTY, Role.TOWNSHIP, Role.VILLAGE)


def require_actor(actor: Actor | None) -> Actor:
    if actor is None:
        raise Unauthenticated()
    return actor


def require_role(actor: Actor | None, *roles: Role) -> Actor:
    actor = require_actor(actor)
    if actor.role not in roles:
        raise Forbidden("您的角色无权执行此操作")
    return actor


def scope_org_units(actor: Actor) -> ColumnElement[bool]:
    """Org units the actor may see."""
    match actor.role:
        case Role.COUNTY:
            return OrgUnit.county_id == actor.county_id
        case Role.TOWNSHIP:
            return or_(OrgUnit.id == actor.township_id, OrgUnit.township_id == actor.township_id)
        case Role.VILLAGE | Role.MEMBER:
            return OrgUnit.id == actor.village_id
    return false()


def can_see_unit(actor: Actor, unit: OrgUnit) -> bool:
    match actor.role:
        case Role.COUNTY:
            return unit.county_id == actor.county_id
        case Role.TOWNSHIP:
            return actor.township_id in (unit.id, unit.township_id)
        case Role.VILLAGE | Role.MEMBER:
            return unit.id == actor.village_id
    return False


def can_manage_unit(actor: Actor, unit: OrgUnit) -> bool:
    """Staff (county, township) may administer units inside their jurisdiction."""
    return actor.role in (Role.COUNTY, Role.TOWNSHIP) and can_see_unit(actor, unit)


async def access_org_unit(session: AsyncSession, actor: Actor | None, unit_id: int) -> OrgUnit:
    actor = require_actor(actor)
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("组织不存在")
    if not can_see_unit(actor, unit):
        raise Forbidden()
    return unit


async def access_village(session: AsyncSession, actor: Actor | None, village_id: int) -> OrgUnit:
    unit = await access_org_unit(session, actor, village_id)
    if unit.kind is not OrgKind.VILLAGE:
        raise NotFound("该组织不是村/社区")
    return unit


def scope_secretaries(actor: Actor) -> ColumnElement[bool]:
    match actor.role:
        case Role.COUNTY:
            return SecretaryProfile.county_id == actor.county_id
        case Role.TOWNSHIP:
            return SecretaryProfile.village_id.in_(select(OrgUnit.id).where(OrgUnit.township_id == actor.township_id))
        case Role.VILLAGE:
            return SecretaryProfile.village_id == actor.village_id
    return false()


async def access_secretary(session: AsyncSession, actor: Actor | None, secretary_id: int) -> SecretaryProfile:
    actor = require_role(actor, *STAFF_ROLES)
    row = (
        await session.execute(
            select(SecretaryProfile, OrgUnit)
            .join(OrgUnit, OrgUnit.id == SecretaryProfile.village_id)
            .where(SecretaryProfile.id == secretary_id)
        )
    ).first()
    if row is None:
        raise NotFound("第一书记记录不存在")
    secretary, village = row
    if not can_see_unit(actor, village):
        raise Forbidden()
    return secretary


def scope_users(actor: Actor) -> ColumnElement[bool]:
    """Accounts the actor may list: county → all in county; township → its villages' and its own."""
    match actor.role:
        case Role.COUNTY | Role.TOWNSHIP:
            return User.org_unit_id.in_(select(OrgUnit.id).where(scope_org_units(actor)))
        case Role.VILLAGE | Role.MEMBER:
            return User.id == actor.user_id
    return false()


async def access_user(session: AsyncSession, actor: Actor | None, user_id: int) -> User:
    actor = require_actor(actor)
    row = (
        await session.execute(
            select(User, OrgUnit).join(OrgUnit, OrgUnit.id == User.org_unit_id).where(User.id == user_id)
        )
    ).first()
    if row is None:
        raise NotFound("账号不存在")
    user, unit = row
    if user.id != actor.user_id and not (actor.role in (Role.COUNTY, Role.TOWNSHIP) and can_see_unit(actor, unit)):
        raise Forbidden()
    return user


def scope_households(actor: Actor) -> ColumnElement[bool]:
    match actor.role:
        case Role.COUNTY | Role.TOWNSHIP | Role.VILLAGE:
            return Household.village_id.in_(select(OrgUnit.id).where(scope_org_units(actor)))
    return false()


async def access_household_roster(session: AsyncSession, actor: Actor | None, village_id: int) -> OrgUnit:
    """The roster of a village holds phone numbers: staff of that village's line only."""
    require_role(actor, *STAFF_ROLES)
    return await access_village(session, actor, village_id)


async def require_secretary(session: AsyncSession, actor: Actor | None) -> SecretaryProfile:
    """The caller's own first-secretary record (the latest term); VILLAGE users only."""
    actor = require_role(actor, Role.VILLAGE)
    profile = (
        await session.scalars(
            select(SecretaryProfile)
            .where(SecretaryProfile.user_id == actor.user_id)
            .order_by(SecretaryProfile.term_start.desc())
            .limit(1)
        )
    ).first()
    if profile is None:
        raise NotFound("您的账号未关联第一书记档案，请联系县委组织部")
    return profile


async def require_secretary_with_village(
    session: AsyncSession, actor: Actor | None
) -> tuple[SecretaryProfile, OrgUnit]:
    """The caller's own first-secretary record and its village, in one query."""
    actor = require_role(actor, Role.VILLAGE)
    row = (
        await session.execute(
            select(SecretaryProfile, OrgUnit)
            .join(OrgUnit, OrgUnit.id == SecretaryProfile.village_id)
            .where(SecretaryProfile.user_id == actor.user_id)
            .order_by(SecretaryProfile.term_start.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        raise NotFound("您的账号未关联第一书记档案，请联系县委组织部")
    return row[0], row[1]


def scope_by_jurisdiction(actor: Actor, village_col: Any, township_col: Any, county_col: Any) -> ColumnElement[bool]:
    """For tables that carry village_id / township_id / county_id (filings, problems, check-ins)."""
    match actor.role:
        case Role.COUNTY:
            return county_col == actor.county_id
        case Role.TOWNSHIP:
            return township_col == actor.township_id
        case Role.VILLAGE | Role.MEMBER:
            return village_col == actor.village_id
    return false()


async def township_in_county(session: AsyncSession, actor: Actor, township_id: int | None) -> OrgUnit | None:
    """The township asked for (None: the whole county), refused outside the caller's county."""
    if township_id is None:
        return None
    township = await session.get(OrgUnit, township_id)
    if township is None or township.kind is not OrgKind.TOWNSHIP:
        raise NotFound("镇（街道）不存在")
    if township.county_id != actor.county_id:
        raise Forbidden()
    return township
