"""OrgUnit: a county, township or village, with counts and the village's first secretary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from backend.graphql.types.enums import OrgKind
from backend.models import OrgUnit as OrgUnitModel
from backend.models.enums import OrgKind as OrgKindValue
from backend.services.access import can_see_unit

if TYPE_CHECKING:
    from backend.graphql.types.secretary import Secretary


@strawberry.type(name="OrgUnit")
class OrgUnit:
    id: strawberry.ID
    kind: OrgKind
    name: str
    code: str
    is_community: bool
    center_lat: float | None
    center_lng: float | None
    _model: strawberry.Private[OrgUnitModel]

    @classmethod
    def from_model(cls, unit: OrgUnitModel) -> OrgUnit:
        return cls(
            id=strawberry.ID(str(unit.id)),
            kind=unit.kind,
            name=unit.name,
            code=unit.code,
            is_community=unit.is_community,
            center_lat=unit.center_lat,
            center_lng=unit.center_lng,
            _model=unit,
        )

    @strawberry.field(description="The parent unit, when the caller may see it.")
    async def parent(self, info: strawberry.Info) -> OrgUnit | None:
        if self._model.parent_id is None:
            return None
        parent = await info.context.loaders.org_unit.load(self._model.parent_id)
        actor = info.context.actor
        if parent is None or actor is None or not can_see_unit(actor, parent):
            return None
        return OrgUnit.from_model(parent)

    @strawberry.field(description="Villages and communities under this unit.")
    async def village_count(self, info: strawberry.Info) -> int:
        if self._model.kind is OrgKindValue.VILLAGE:
            return 0
        return await info.context.loaders.village_count.load(self._model.id)

    @strawberry.field(description="Households on the rosters under this unit.")
    async def household_count(self, info: strawberry.Info) -> int:
        return await info.context.loaders.household_count.load(self._model)

    @strawberry.field(description="The village's first secretary in post (villages only).")
    async def secretary(
        self, info: strawberry.Info
    ) -> Annotated[Secretary, strawberry.lazy("backend.graphql.types.secretary")] | None:
        from backend.graphql.types.secretary import Secretary

        if self._model.kind is not OrgKindValue.VILLAGE:
            return None
        profile = await info.context.loaders.current_secretary.load(self._model.id)
        return Secretary.from_model(profile) if profile else None
