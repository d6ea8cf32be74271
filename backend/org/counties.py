"""A new county: the root of an org tree. An operator's act (the CLI's `create-county`, the demo
loader), not an API mutation: no account sits above a county to authorize it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import Duplicate
from backend.core.validation import check_coordinates, clean_text
from backend.org.models import OrgKind, OrgUnit


async def create_county(
    session: AsyncSession, name: str, code: str, *, center_lat: float | None = None, center_lng: float | None = None
) -> OrgUnit:
    name = clean_text(name, "name", "名称", max_length=100)
    code = clean_text(code, "code", "代码", max_length=40)
    check_coordinates(center_lat, center_lng)
    taken = await session.scalar(select(OrgUnit.id).where(OrgUnit.kind == OrgKind.COUNTY, OrgUnit.code == code))
    if taken is not None:
        raise Duplicate(f"已有代码为 {code} 的县", field="code")
    county = OrgUnit(kind=OrgKind.COUNTY, name=name, code=code, center_lat=center_lat, center_lng=center_lng)
    session.add(county)
    await session.flush()
    county.county_id = county.id  # a county row points at itself
    await session.flush()
    return county
