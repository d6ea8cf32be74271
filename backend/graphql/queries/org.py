"""Queries over the org tree."""

from __future__ import annotations

import strawberry

from backend.graphql.pagination import Connection, connection_from_page, parse_id, parse_optional_id
from backend.graphql.types.org import OrgUnit
from backend.services import access, org_units


@strawberry.type
class OrgQueries:
    @strawberry.field(description="One org unit inside the caller's jurisdiction.")
    async def org_unit(self, info: strawberry.Info, id: strawberry.ID) -> OrgUnit:
        async with info.context.session() as session:
            unit = await access.access_org_unit(session, info.context.actor, parse_id(id))
        return OrgUnit.from_model(unit)

    @strawberry.field(description="County: its townships. Township: itself.")
    async def townships(
        self, info: strawberry.Info, first: int | None = 20, after: str | None = None
    ) -> Connection[OrgUnit]:
        async with info.context.session() as session:
            page = await org_units.list_townships(session, info.context.actor, first=first, after=after)
        return connection_from_page(page, OrgUnit.from_model)

    @strawberry.field(description="Villages and communities in the caller's jurisdiction.")
    async def villages(
        self,
        info: strawberry.Info,
        township_id: strawberry.ID | None = None,
        search: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[OrgUnit]:
        async with info.context.session() as session:
            page = await org_units.list_villages(
                session,
                info.context.actor,
                township_id=parse_optional_id(township_id, "townshipId"),
                search=search,
                first=first,
                after=after,
            )
        return connection_from_page(page, OrgUnit.from_model)
