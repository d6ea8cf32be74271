"""Queries over complaints and suggestions."""

from __future__ import annotations

import strawberry

from backend.audit.security_log import record_bulk_read
from backend.complaints import service
from backend.complaints.api.types import Complaint, ComplaintState, ComplaintTracking
from backend.graphql.context import Info
from backend.graphql.pagination import Connection, connection_from_page


@strawberry.type
class ComplaintQueries:
    @strawberry.field(
        description="The county: every complaint and suggestion sent to it, newest first; by state, by year "
        "(China time)."
    )
    async def complaints(
        self,
        info: Info,
        state: ComplaintState | None = None,
        year: int | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Complaint]:
        async with info.context.session() as session:
            page = await service.list_complaints(
                session, info.context.actor, state=state, year=year, first=first, after=after
            )
            scope = {"state": state.value if state else None, "year": year}
            await record_bulk_read(
                info.context.session_factory,
                info.context.actor,
                listing="complaints",
                scope=scope,
                rows=len(page.items),
                first=first,
                after=after,
            )
        return connection_from_page(page, Complaint.from_row)

    @strawberry.field(
        description="What the caller sent with their account, newest first (anonymous ones are followed by their "
        "tracking number only)."
    )
    async def my_complaints(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[Complaint]:
        async with info.context.session() as session:
            page = await service.my_complaints(session, info.context.actor, first=first, after=after)
        return connection_from_page(page, Complaint.from_row)

    @strawberry.field(
        description="Anyone, logged in or not: a complaint's state and reply by its tracking number (NOT_FOUND when "
        "no complaint has it)."
    )
    async def complaint_by_tracking(self, info: Info, tracking_number: str) -> ComplaintTracking:
        async with info.context.session() as session:
            found = await service.track(session, tracking_number)
        return ComplaintTracking.from_model(found)
