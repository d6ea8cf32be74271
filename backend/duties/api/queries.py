"""Queries over duty progress."""

from __future__ import annotations

import strawberry

from backend.duties import progress
from backend.duties.api.types import DutyProgress, TownshipProgress
from backend.graphql.context import Info
from backend.graphql.pagination import parse_optional_id


@strawberry.type
class ProgressQueries:
    @strawberry.field(description="One secretary's progress on their checklist (own when secretaryId is omitted).")
    async def duty_progress(self, info: Info, secretary_id: strawberry.ID | None = None) -> DutyProgress:
        async with info.context.session() as session:
            result = await progress.duty_progress(
                session, info.context.actor, parse_optional_id(secretary_id, "secretaryId"), today=info.context.today
            )
        return DutyProgress.from_progress(result)

    @strawberry.field(description="Every secretary of a township (own township when omitted).")
    async def township_progress(self, info: Info, township_id: strawberry.ID | None = None) -> TownshipProgress:
        async with info.context.session() as session:
            result = await progress.township_progress(
                session, info.context.actor, parse_optional_id(township_id, "townshipId"), today=info.context.today
            )
        return TownshipProgress.from_progress(result)
