"""Queries over assessments: the rubric, one secretary's assessment, the assessors' list,
organisation classes and disqualifications."""

from __future__ import annotations

import strawberry

from backend.assessment.api.types import Assessment, AssessmentSummary, Disqualification, Rubric, VillageOrgClass
from backend.assessment.disqualifications import list_disqualifications
from backend.assessment.org_classes import list_org_classes
from backend.assessment.rubric import rubric_for, rubric_versions
from backend.assessment.scoring import assessment_view
from backend.assessment.summaries import list_assessments
from backend.graphql.context import Info
from backend.graphql.pagination import Connection, connection_from_page, parse_id, parse_optional_id


@strawberry.type
class AssessmentQueries:
    @strawberry.field(
        description="Staff: the caller's county's rubric for the period (the template, unsaved, when none is saved)."
    )
    async def rubric(self, info: Info, period: str) -> Rubric:
        async with info.context.session() as session:
            return Rubric.of(await rubric_for(session, info.context.actor, period))

    @strawberry.field(description="County: every saved version of the rubric for the period, newest first.")
    async def rubric_versions(self, info: Info, period: str) -> list[Rubric]:
        async with info.context.session() as session:
            return [Rubric.of(r) for r in await rubric_versions(session, info.context.actor, period)]

    @strawberry.field(
        description="A secretary's assessment: every rubric item with its score or the system's proposal. "
        "The assessor, the county, and the secretary (their own) may read it."
    )
    async def assessment(self, info: Info, secretary_id: strawberry.ID, period: str) -> Assessment:
        async with info.context.session() as session:
            view = await assessment_view(
                session,
                info.context.actor,
                parse_id(secretary_id, "secretaryId"),
                period,
                today=info.context.today,
            )
        return Assessment.of(view)

    @strawberry.field(
        description="County (every secretary) or township (its liaison secretaries): who is in post during the "
        "period and how far their assessment is, by township and village."
    )
    async def assessments(
        self,
        info: Info,
        period: str,
        township_id: strawberry.ID | None = None,
        search: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[AssessmentSummary]:
        async with info.context.session() as session:
            page = await list_assessments(
                session,
                info.context.actor,
                period=period,
                township_id=parse_optional_id(township_id, "townshipId"),
                search=search,
                first=first,
                after=after,
            )
        return connection_from_page(page, AssessmentSummary.of)

    @strawberry.field(description="County or township: each village's organisation class in the period.")
    async def org_classes(
        self, info: Info, period: str, township_id: strawberry.ID | None = None
    ) -> list[VillageOrgClass]:
        async with info.context.session() as session:
            entries = await list_org_classes(
                session, info.context.actor, period, parse_optional_id(township_id, "townshipId")
            )
        return [VillageOrgClass.of(e) for e in entries]

    @strawberry.field(description="County or township: disqualifying events of the period, withdrawn ones included.")
    async def disqualifications(self, info: Info, period: str) -> list[Disqualification]:
        async with info.context.session() as session:
            entries = await list_disqualifications(session, info.context.actor, period)
        return [Disqualification.of(e) for e in entries]
