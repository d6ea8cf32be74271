"""Queries over the org tree and the people in it."""

from __future__ import annotations

import strawberry

from backend.audit.security_log import record_bulk_read
from backend.graphql.context import Info
from backend.graphql.pagination import Connection, connection_from_page, parse_id, parse_optional_id
from backend.org import access, households, secretaries, users
from backend.org import units as org_units
from backend.org.api.types import Household, OrgUnit, Role, Secretary, User
from backend.service_card import public_page
from backend.service_card.api.types import VillagePublicPage


@strawberry.type
class OrgQueries:
    @strawberry.field(description="One org unit inside the caller's jurisdiction.")
    async def org_unit(self, info: Info, id: strawberry.ID) -> OrgUnit:
        async with info.context.session() as session:
            unit = await access.access_org_unit(session, info.context.actor, parse_id(id))
        return OrgUnit.from_model(unit)

    @strawberry.field(description="County: its townships. Township: itself.")
    async def townships(self, info: Info, first: int | None = 20, after: str | None = None) -> Connection[OrgUnit]:
        async with info.context.session() as session:
            page = await org_units.list_townships(session, info.context.actor, first=first, after=after)
        return connection_from_page(page, OrgUnit.from_model)

    @strawberry.field(description="Villages and communities in the caller's jurisdiction.")
    async def villages(
        self,
        info: Info,
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


@strawberry.type
class PeopleQueries:
    @strawberry.field(description="The logged-in user, or null when anonymous.")
    async def me(self, info: Info) -> User | None:
        actor = info.context.actor
        if actor is None:
            return None
        async with info.context.session() as session:
            user = await access.access_user(session, actor, actor.user_id)
        return User.from_model(user)

    @strawberry.field(description="Accounts the caller administers.")
    async def users(
        self,
        info: Info,
        org_unit_id: strawberry.ID | None = None,
        role: Role | None = None,
        search: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[User]:
        async with info.context.session() as session:
            page = await users.list_users(
                session,
                info.context.actor,
                org_unit_id=parse_optional_id(org_unit_id, "orgUnitId"),
                role=role,
                search=search,
                first=first,
                after=after,
            )
            scope = {"orgUnitId": org_unit_id, "role": role.value if role else None, "search": search}
            await record_bulk_read(
                info.context.session_factory,
                info.context.actor,
                listing="users",
                scope=scope,
                rows=len(page.items),
                first=first,
                after=after,
            )
        return connection_from_page(page, User.from_model)

    @strawberry.field(description="First-secretary records in the caller's jurisdiction.")
    async def secretaries(
        self,
        info: Info,
        township_id: strawberry.ID | None = None,
        village_id: strawberry.ID | None = None,
        search: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Secretary]:
        async with info.context.session() as session:
            page = await secretaries.list_secretaries(
                session,
                info.context.actor,
                township_id=parse_optional_id(township_id, "townshipId"),
                village_id=parse_optional_id(village_id, "villageId"),
                search=search,
                first=first,
                after=after,
            )
            scope = {"townshipId": township_id, "villageId": village_id, "search": search}
            await record_bulk_read(
                info.context.session_factory,
                info.context.actor,
                listing="secretaries",
                scope=scope,
                rows=len(page.items),
                first=first,
                after=after,
            )
        return connection_from_page(page, Secretary.from_model)

    @strawberry.field(description="The logged-in first secretary's own record.")
    async def my_secretary_profile(self, info: Info) -> Secretary | None:
        async with info.context.session() as session:
            profile = await secretaries.my_profile(session, info.context.actor)
        return Secretary.from_model(profile) if profile else None

    @strawberry.field(description="A village's household roster (staff of that village's line).")
    async def households(
        self,
        info: Info,
        village_id: strawberry.ID,
        search: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Household]:
        async with info.context.session() as session:
            page = await households.list_households(
                session,
                info.context.actor,
                village_id=parse_id(village_id, "villageId"),
                search=search,
                first=first,
                after=after,
            )
            scope = {"villageId": village_id, "search": search}
            await record_bulk_read(
                info.context.session_factory,
                info.context.actor,
                listing="households",
                scope=scope,
                rows=len(page.items),
                first=first,
                after=after,
            )
        return connection_from_page(page, Household.from_model)

    @strawberry.field(description="A village's public page; the caller's own village by default.")
    async def village_public_page(self, info: Info, village_id: strawberry.ID | None = None) -> VillagePublicPage:
        async with info.context.session() as session:
            page = await public_page.village_public_page(
                session,
                info.context.actor,
                parse_optional_id(village_id, "villageId"),
                info.context.today,
            )
        return VillagePublicPage.from_page(page)
