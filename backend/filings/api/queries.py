"""Queries over filings."""

from __future__ import annotations

import strawberry

from backend.filings import queries as filings
from backend.filings.access import access_filing
from backend.filings.api.types import Filing, FilingKind, FilingStatus
from backend.graphql.context import Info
from backend.graphql.pagination import Connection, connection_from_page, parse_optional_id


@strawberry.type
class FilingQueries:
    @strawberry.field(description="The logged-in first secretary's filings, newest first.")
    async def my_filings(
        self,
        info: Info,
        kind: FilingKind | None = None,
        status: FilingStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Filing]:
        async with info.context.session() as session:
            page = await filings.my_filings(
                session, info.context.actor, kind=kind, status=status, first=first, after=after
            )
        return connection_from_page(page, Filing.from_model)

    @strawberry.field(description="Filings the township returned to the logged-in secretary.")
    async def my_inbox(self, info: Info, first: int | None = 20, after: str | None = None) -> Connection[Filing]:
        async with info.context.session() as session:
            page = await filings.my_inbox(session, info.context.actor, first=first, after=after)
        return connection_from_page(page, Filing.from_model)

    @strawberry.field
    async def filing(self, info: Info, id: strawberry.ID) -> Filing:
        async with info.context.session() as session:
            return Filing.from_model(await access_filing(session, info.context.actor, str(id)))

    @strawberry.field(description="Filings in the caller's jurisdiction, newest first.")
    async def filings(
        self,
        info: Info,
        secretary_id: strawberry.ID | None = None,
        kind: FilingKind | None = None,
        status: FilingStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Filing]:
        async with info.context.session() as session:
            page = await filings.list_filings(
                session,
                info.context.actor,
                secretary_id=parse_optional_id(secretary_id, "secretaryId"),
                kind=kind,
                status=status,
                first=first,
                after=after,
            )
        return connection_from_page(page, Filing.from_model)

    @strawberry.field(description="Township: submitted filings of its villages, oldest first.")
    async def review_queue(
        self,
        info: Info,
        village_id: strawberry.ID | None = None,
        kind: FilingKind | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Filing]:
        async with info.context.session() as session:
            page = await filings.review_queue(
                session,
                info.context.actor,
                village_id=parse_optional_id(village_id, "villageId"),
                kind=kind,
                first=first,
                after=after,
            )
        return connection_from_page(page, Filing.from_model)
