"""Reporting, filing and moving problems of the ledger."""

from __future__ import annotations

import uuid

import strawberry

from backend.core.errors import DomainError, StaleVersion
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.pagination import parse_id, parse_optional_id
from backend.problems import ledger as problems
from backend.problems import public_reports
from backend.problems.api.types import Problem, ProblemStatus
from backend.ratelimit.limiter import RateLimited

_PHOTOS = "sha256 of photos uploaded to /media by the reporter (at most 3)"


@strawberry.input(description="id: a UUID the phone made, so that a resend is recognised.")
class ReportProblemInput:
    id: strawberry.ID
    title: str
    description: str = ""
    household_id: strawberry.ID | None = None
    photos: list[str] = strawberry.field(default_factory=list, description=_PHOTOS)


@strawberry.input(description="id: a UUID the phone made, so that a resend is recognised.")
class FileProblemInput:
    id: strawberry.ID
    title: str
    description: str = ""
    household_id: strawberry.ID | None = None
    photos: list[str] = strawberry.field(default_factory=list, description=_PHOTOS)


@strawberry.input(
    description="A report without an account from a village's public page. id: a UUID the phone made, so that "
    "a resend is recognised."
)
class PublicProblemInput:
    id: strawberry.ID
    village_id: strawberry.ID
    title: str
    description: str = ""
    contact_phone: str | None = strawberry.field(
        default=None, description="A number to be called back on; empty: anonymous."
    )
    photos: list[str] = strawberry.field(
        default_factory=list, description="At most one photo, uploaded to POST /public/villages/{id}/photos."
    )
    website: str = strawberry.field(
        default="", description="Leave empty: a field the form hides from people (reports that fill it are dropped)."
    )


@strawberry.type
class PublicReportPayload:
    reference: str | None = strawberry.field(
        default=None, description="A short reference of the stored report, to quote on the telephone."
    )
    retry_after: int | None = strawberry.field(
        default=None, description="RATE_LIMITED: seconds to wait before sending it again."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def failed(cls, exc: DomainError) -> PublicReportPayload:
        retry = exc.retry_after if isinstance(exc, RateLimited) else None
        return cls(retry_after=retry, errors=[UserError.from_exception(exc)])


def reference(problem_id: str) -> str:
    return problem_id.replace("-", "")[:8].upper()


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
        photos=tuple(input.photos),
    )


@strawberry.type
class ProblemMutations:
    @strawberry.mutation(description="Villager: report a problem in one's own village (from the public page).")
    @returns_payload_errors(ProblemPayload)
    async def report_problem(self, info: Info, input: ReportProblemInput) -> ProblemPayload:
        async with info.context.transaction() as session:
            problem = await problems.report_problem(session, info.context.actor, _new(input), info.context.today)
        return ProblemPayload(problem=Problem.from_model(problem))

    @strawberry.mutation(
        description="Anyone, without an account: report a problem of a village from its public page (the service "
        "card's QR), anonymously or with a number to be called back on. Rate-limited per address and per village, "
        "and capped per village per day (RATE_LIMITED with retryAfter: keep it and send it again later). Any "
        "Authorization header is ignored: the report is never tied to an account."
    )
    @returns_payload_errors(PublicReportPayload)
    async def report_public_problem(self, info: strawberry.Info, input: PublicProblemInput) -> PublicReportPayload:
        report = public_reports.PublicReport(
            id=str(input.id),
            village_id=parse_id(input.village_id, "villageId"),
            title=input.title,
            description=input.description,
            contact_phone=input.contact_phone,
            photos=tuple(p.lower() for p in input.photos),
            honeypot=input.website,
        )
        if public_reports.is_bot(report):  # looks like success; nothing is stored or counted
            return PublicReportPayload(reference=reference(str(uuid.uuid4())))
        await info.context.rate_limits.public_report(report.village_id)  # before any database work
        daily_cap = info.context.settings.public_reports_per_village_per_day
        async with info.context.transaction() as session:
            problem = await public_reports.report_public_problem(
                session, report, info.context.today, daily_cap=daily_cap
            )
        return PublicReportPayload(reference=reference(problem.id))

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
