"""Reporting, filing and moving problems of the ledger."""

from __future__ import annotations

import strawberry

from backend.core.errors import StaleVersion
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.pagination import parse_optional_id
from backend.problems import ledger as problems
from backend.problems.api.types import Problem, ProblemStatus


@strawberry.input(description="id: a UUID the phone made, so that a resend is recognised.")
class ReportProblemInput:
    id: strawberry.ID
    title: str
    description: str = ""
    household_id: strawberry.ID | None = None


@strawberry.input(description="id: a UUID the phone made, so that a resend is recognised.")
class FileProblemInput:
    id: strawberry.ID
    title: str
    description: str = ""
    household_id: strawberry.ID | None = None


@strawberry.input
class UpdateProblemStatusInput:
    id: strawberry.ID
    to_status: ProblemStatus
    note: str = strawberry.field(default="", description="Required when closing as not actionable.")
    base_version: int = strawberry.field(description="The version being replaced (Problem.version).")


@strawberry.type
class ProblemPayload:
    problem: Problem | None = strawberry.field(
        default=None, description="The problem; on STALE_VERSION, its current state."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


def _new(input: ReportProblemInput | FileProblemInput) -> problems.NewProblem:
    return problems.NewProblem(
        id=str(input.id),
        title=input.title,
        description=input.description,
        household_id=parse_optional_id(input.household_id, "householdId"),
    )


@strawberry.type
class ProblemMutations:
    @strawberry.mutation(description="Villager: report a problem in one's own village (from the public page).")
    @returns_payload_errors(ProblemPayload)
    async def report_problem(self, info: Info, input: ReportProblemInput) -> ProblemPayload:
        async with info.context.transaction() as session:
            problem = await problems.report_problem(session, info.context.actor, _new(input), info.context.today)
        return ProblemPayload(problem=Problem.from_model(problem))

    @strawberry.mutation(description="First secretary: record a problem found in the village.")
    @returns_payload_errors(ProblemPayload)
    async def file_problem(self, info: Info, input: FileProblemInput) -> ProblemPayload:
        async with info.context.transaction() as session:
            problem = await problems.file_problem(session, info.context.actor, _new(input))
        return ProblemPayload(problem=Problem.from_model(problem))

    @strawberry.mutation(
        description="First secretary: open → in progress → resolved, or close as not actionable (note required)."
    )
    @returns_payload_errors(ProblemPayload)
    async def update_problem_status(self, info: Info, input: UpdateProblemStatusInput) -> ProblemPayload:
        change = problems.StatusChange(
            id=str(input.id), to_status=input.to_status, note=input.note, base_version=input.base_version
        )
        try:
            async with info.context.transaction() as session:
                problem = await problems.update_problem_status(session, info.context.actor, change)
        except StaleVersion as exc:
            async with info.context.session() as session:
                current = await problems.get_problem(session, info.context.actor, change.id)
            return ProblemPayload(problem=Problem.from_model(current), errors=[UserError.from_exception(exc)])
        return ProblemPayload(problem=Problem.from_model(problem))
