"""Secretary: a first-secretary record."""

from __future__ import annotations

from datetime import date

import strawberry

from backend.graphql.types.enums import CadreClass, Gender, StationMode, UnitType
from backend.graphql.types.org import OrgUnit
from backend.models import SecretaryProfile


@strawberry.type(name="Secretary")
class Secretary:
    id: strawberry.ID
    name: str
    gender: Gender
    phone: str
    dispatch_unit: str
    unit_type: UnitType
    mode: StationMode
    cadre_class: CadreClass
    term_start: date
    term_end: date
    has_account: bool
    _village_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, profile: SecretaryProfile) -> Secretary:
        return cls(
            id=strawberry.ID(str(profile.id)),
            name=profile.name,
            gender=profile.gender,
            phone=profile.phone,
            dispatch_unit=profile.dispatch_unit,
            unit_type=profile.unit_type,
            mode=profile.mode,
            cadre_class=profile.cadre_class,
            term_start=profile.term_start,
            term_end=profile.term_end,
            has_account=profile.user_id is not None,
            _village_id=profile.village_id,
        )

    @strawberry.field
    async def village(self, info: strawberry.Info) -> OrgUnit:
        unit = await info.context.loaders.org_unit.load(self._village_id)
        return OrgUnit.from_model(unit)
