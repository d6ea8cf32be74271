"""What the county already holds: its org units by code (one query)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.org.models import OrgKind, OrgUnit


@dataclass(frozen=True, slots=True)
class ExistingUnit:
    id: int
    kind: OrgKind


@dataclass(slots=True)
class OrgIndex:
    """Org units of one county keyed by code (codes are unique within a county)."""

    units: dict[str, ExistingUnit] = field(default_factory=dict)

    def ids_of(self, kind: OrgKind) -> dict[str, int]:
        return {code: unit.id for code, unit in self.units.items() if unit.kind is kind}

    def kind_of(self, code: str) -> OrgKind | None:
        unit = self.units.get(code)
        return unit.kind if unit is not None else None


async def load_org_index(session: AsyncSession, county_id: int) -> OrgIndex:
    rows = await session.execute(select(OrgUnit.id, OrgUnit.kind, OrgUnit.code).where(OrgUnit.county_id == county_id))
    return OrgIndex({code: ExistingUnit(id, OrgKind(kind)) for id, kind, code in rows})
