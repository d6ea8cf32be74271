"""The tree helpers (roles, `scope_*` filters, `can_see_unit`) and the doors to the org rows.

A door — `access_<model>(session, actor, id, *, for_update=False, …)` — is the only way a service
loads a row of a place or a person by an id it was given: it reads the row by that id *and* the
caller's scope in one statement, so a row outside the caller's jurisdiction answers exactly like
a row that does not exist (NOT_FOUND, same message). A role that may never do the operation is
refused first, with FORBIDDEN. Each domain keeps its doors in its own `access.py`; the list, and
why one answer, is in docs/SECURITY.md ("Authorization: the doors").
"""

from __future__ import annotations

from typing import Literal, TypeVar

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from backend.auth.actor import Actor
from backend.core.errors import Forbidden, NotFound, Unauthenticated
from backend.org.models import Household, OrgKind, OrgUnit, Role, SecretaryProfile, User

STAFF_ROLES = (Role.COUNTY, Role.TOWNSHIP, Role.VILLAGE)
UnitAccess = Literal["see", "rank", "public"]
T = TypeVar("T")


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


_KIND_LABEL = {OrgKind.COUNTY: "县", OrgKind.TOWNSHIP: "乡镇", OrgKind.VILLAGE: "村/社区"}


async def one_in_scope(session: AsyncSession, stmt: Select[tuple[T]], missing: str, *, for_update: bool = False) -> T:
    """A door's one read: the row by its id *and* the caller's scope, so that a row outside the
    scope and a row that does not exist are the same answer (NOT_FOUND, same message) and an id's
    existence is never revealed. `for_update` reads it under a row lock (PostgreSQL; SQLite
    writes take turns) and refreshes it, for a change that must see the committed version."""
    if for_update:
        # OF the selected table: a join in the scope (a poll's village, a record's secretary)
        # must not lock the parent rows too.
        stmt = stmt.with_for_update(of=stmt.selected_columns[0].table).execution_options(populate_existing=True)
    row = (await session.scalars(stmt)).first()
    if row is None:
        raise NotFound(missing)
    return row


def _scope_units_for(actor: Actor, to: Literal["see", "rank"]) -> ColumnElement[bool]:
    if to == "rank":
        # Rankings are aired to the whole county: a township may filter a published ranking or
        # the trend by any township of its county.
        return OrgUnit.county_id == actor.county_id if actor.role in STAFF_ROLES else false()
    return scope_org_units(actor)


async def access_org_unit(
    session: AsyncSession,
    actor: Actor | None,
    unit_id: int,
    *,
    kind: OrgKind | None = None,
    to: UnitAccess = "see",
    for_update: bool = False,
) -> OrgUnit:
    """An org unit in the caller's jurisdiction (`to="see"`: the tree below the caller; `"rank"`:
    any unit of the caller's county). `to="public"`: any village, for anyone, logged in or not —
    its public page (the service card's QR) and reports made there. `kind`: refused as NOT_FOUND
    when the unit is of another kind."""
    if to == "public":
        scope: ColumnElement[bool] = OrgUnit.kind == OrgKind.VILLAGE
    else:
        scope = _scope_units_for(require_actor(actor), to)
    stmt = select(OrgUnit).where(OrgUnit.id == unit_id, scope)
    unit = await one_in_scope(session, stmt, "组织不存在", for_update=for_update)
    if kind is not None and unit.kind is not kind:
        raise NotFound(f"该组织不是{_KIND_LABEL[kind]}")
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


async def access_secretary(
    session: AsyncSession, actor: Actor | None, secretary_id: int, *, for_update: bool = False
) -> SecretaryProfile:
    """A first-secretary record of the caller's jurisdiction; staff only."""
    actor = require_role(actor, *STAFF_ROLES)
    stmt = select(SecretaryProfile).where(SecretaryProfile.id == secretary_id, scope_secretaries(actor))
    return await one_in_scope(session, stmt, "第一书记记录不存在", for_update=for_update)


def scope_users(actor: Actor) -> ColumnElement[bool]:
    """Accounts the actor may see: county → all in county; township → its villages' and its own;
    everyone else → their own."""
    match actor.role:
        case Role.COUNTY | Role.TOWNSHIP:
            return User.org_unit_id.in_(select(OrgUnit.id).where(scope_org_units(actor)))
        case Role.VILLAGE | Role.MEMBER:
            return User.id == actor.user_id
    return false()


async def access_user(session: AsyncSession, actor: Actor | None, user_id: int, *, for_update: bool = False) -> User:
    actor = require_actor(actor)
    stmt = select(User).where(User.id == user_id, scope_users(actor))
    return await one_in_scope(session, stmt, "账号不存在", for_update=for_update)


def scope_households(actor: Actor) -> ColumnElement[bool]:
    """Staff: the rosters of their villages (they list them). Members: their own village's, only to
    name a household when reporting a problem; they are never shown the roster."""
    match actor.role:
        case Role.COUNTY | Role.TOWNSHIP | Role.VILLAGE:
            return Household.village_id.in_(select(OrgUnit.id).where(scope_org_units(actor)))
        case Role.MEMBER:
            return Household.village_id == actor.village_id
    return false()


async def access_household(
    session: AsyncSession, actor: Actor | None, household_id: int, *, for_update: bool = False
) -> Household:
    actor = require_actor(actor)
    stmt = select(Household).where(Household.id == household_id, scope_households(actor))
    return await one_in_scope(session, stmt, "农户不存在", for_update=for_update)


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


def scope_by_jurisdiction(
    actor: Actor,
    village_col: QueryableAttribute[int | None],
    township_col: QueryableAttribute[int | None],
    county_col: QueryableAttribute[int],
) -> ColumnElement[bool]:
    """For tables that carry village_id / township_id / county_id (filings, problems, check-ins)."""
    match actor.role:
        case Role.COUNTY:
            return county_col == actor.county_id
        case Role.TOWNSHIP:
            return township_col == actor.township_id
        case Role.VILLAGE | Role.MEMBER:
            return village_col == actor.village_id
    return false()
