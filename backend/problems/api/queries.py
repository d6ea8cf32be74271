"""Queries over the problem ledger."""

from __future__ import annotations

import strawberry

from backend.graphql.context import Info
from backend.graphql.pagination import Connection, connection_from_page, parse_optional_id
from backend.problems import ledger as problems
from backend.problems.api.types import LedgerSummary, Problem, ProblemStatus


@strawberry.type
class ProblemQueries:
    @strawberry.field(
        description="A problem ledger: staff in jurisdiction (a secretary: own village), newest first. "
        "unresolved: open or in progress; overdue: unresolved and older than the county's "
        "problemResolutionAgeDays."
    )
    async def problems(
        self,
        info: Info,
        village_id: strawberry.ID | None = None,
        status: ProblemStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
        township_id: strawberry.ID | None = None,
        unresolved: bool = False,
        overdue: bool = False,
    ) -> Connection[Problem]:
        async with info.context.session() as session:
            page = await problems.list_problems(
                session,
                info.context.actor,
                village_id=parse_optional_id(village_id, "villageId"),
                status=status,
                first=first,
                after=after,
                township_id=parse_optional_id(township_id, "townshipId"),
                unresolved=unresolved,
                overdue=overdue,
                today=info.context.today,
            )
        return connection_from_page(page, Problem.from_model)

    @strawberry.field(description="Problems the logged-in villager reported, with their status and notes.")
    async def my_reported_problems(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[Problem]:
        async with info.context.session() as session:
            page = await problems.my_reported_problems(session, info.context.actor, first=first, after=after)
        return connection_from_page(page, Problem.from_model)

    @strawberry.field(description="One problem with its timeline (staff in jurisdiction, or its reporter).")
    async def problem(self, info: Info, id: strawberry.ID) -> Problem:
        async with info.context.session() as session:
            found = await problems.get_problem(session, info.context.actor, str(id))
        return Problem.from_model(found)

    @strawberry.field(description="A village's ledger in numbers; a secretary's own village by default.")
    async def ledger_summary(self, info: Info, village_id: strawberry.ID | None = None) -> LedgerSummary:
        async with info.context.session() as session:
            summary = await problems.ledger_summary(
                session, info.context.actor, parse_optional_id(village_id, "villageId"), info.context.today
            )
        return LedgerSummary.from_data(summary)
