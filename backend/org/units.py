"""The org tree: listing townships and villages in jurisdiction, creating units, batch counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import Duplicate, Forbidden, InvalidInput
from backend.core.pagination import Page, paginate
from backend.core.validation import check_coordinates, clean_text
from backend.org.access import access_org_unit, require_actor, require_role, scope_org_units
from backend.org.models import Household, OrgKind, OrgUnit, Role

_ORDER = (OrgUnit.code, OrgUnit.id)


@dataclass(frozen=True)
class NewOrgUnit:
    parent_id: int
    kind: OrgKind
    name: str
    code: str
    is_community: bool = False
    center_lat: float | None = None
    center_lng: float | None = None


async def list_townships(
    session: AsyncSession, actor: Actor | None, *, first: int | None, after: str | None
) -> Page[OrgUnit]:
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    stmt = select(OrgUnit).where(scope_org_units(actor), OrgUnit.kind == OrgKind.TOWNSHIP)
    return await paginate(session, stmt, _ORDER, first=first, after=after)


async def list_villages(
    session: AsyncSession,
    actor: Actor | None,
    *,
    township_id: int | None,
    search: str | None,
    first: int | None,
    after: str | None,
) -> Page[OrgUnit]:
    actor = require_actor(actor)
    stmt = select(OrgUnit).where(scope_org_units(actor), OrgUnit.kind == OrgKind.VILLAGE)
    if township_id is not None:
        await access_org_unit(session, actor, township_id)
        stmt = stmt.where(OrgUnit.township_id == township_id)
    if search:
        stmt = stmt.where(OrgUnit.name.contains(search.strip(), autoescape=True))
    return await paginate(session, stmt, _ORDER, first=first, after=after)


async def create_org_unit(session: AsyncSession, actor: Actor | None, new: NewOrgUnit) -> OrgUnit:
    """Counties create townships under themselves and villages under their townships."""
    actor = require_role(actor, Role.COUNTY)
    parent = await access_org_unit(session, actor, new.parent_id)
    expected_parent = {OrgKind.TOWNSHIP: OrgKind.COUNTY, OrgKind.VILLAGE: OrgKind.TOWNSHIP}
    if new.kind not in expected_parent:
        raise Forbidden("只能新建乡镇或村/社区")
    if parent.kind is not expected_parent[new.kind]:
        raise InvalidInput("上级组织类型不正确：乡镇隶属于县，村/社区隶属于乡镇", field="parentId")
    check_coordinates(new.center_lat, new.center_lng)
    unit = OrgUnit(
        kind=new.kind,
        name=clean_text(new.name, "name", "名称", max_length=100),
        code=clean_text(new.code, "code", "代码", max_length=40),
        parent_id=parent.id,
        county_id=actor.county_id,
        is_community=new.is_community and new.kind is OrgKind.VILLAGE,
        center_lat=new.center_lat,
        center_lng=new.center_lng,
    )
    unit.township_id = parent.id if new.kind is OrgKind.VILLAGE else None
    session.add(unit)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Duplicate("代码已被本县其他组织使用", field="code") from exc
    if new.kind is OrgKind.TOWNSHIP:
        unit.township_id = unit.id
        await session.flush()
    return unit


async def village_counts(session: AsyncSession, unit_ids: Sequence[int]) -> dict[int, int]:
    """Villages under each county or township id (0 for villages)."""
    by_township = (
        select(OrgUnit.township_id, func.count())
        .where(OrgUnit.township_id.in_(unit_ids), OrgUnit.kind == OrgKind.VILLAGE)
        .group_by(OrgUnit.township_id)
    )
    by_county = (
        select(OrgUnit.county_id, func.count())
        .where(OrgUnit.county_id.in_(unit_ids), OrgUnit.kind == OrgKind.VILLAGE)
        .group_by(OrgUnit.county_id)
    )
    counts: dict[int, int] = {}
    for stmt in (by_township, by_county):
        for unit_id, count in (await session.execute(stmt)).tuples():
            if unit_id is not None:
                counts[unit_id] = counts.get(unit_id, 0) + count
    return counts


async def household_counts(session: AsyncSession, units: Sequence[OrgUnit]) -> dict[int, int]:
    """Households on the rosters under each unit, in one grouped query."""
    ids = [u.id for u in units]
    stmt = (
        select(OrgUnit.id, OrgUnit.township_id, OrgUnit.county_id, func.count(Household.id))
        .join(Household, Household.village_id == OrgUnit.id)
        .where((OrgUnit.id.in_(ids)) | (OrgUnit.township_id.in_(ids)) | (OrgUnit.county_id.in_(ids)))
        .group_by(OrgUnit.id, OrgUnit.township_id, OrgUnit.county_id)
    )
    wanted = set(ids)
    counts = dict.fromkeys(ids, 0)
    for village_id, township_id, county_id, count in (await session.execute(stmt)).tuples():
        for unit_id in wanted & {village_id, township_id, county_id}:
            counts[unit_id] += count
    return counts
