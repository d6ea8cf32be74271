"""Mutations over assessments: the county edits its rubric, assessors score item by item, the
county records organisation classes and disqualifying events."""

from __future__ import annotations

import strawberry

from backend.assessment.api.types import (
    Assessment,
    AssessmentPart,
    Disqualification,
    DisqualificationKind,
    EvidenceKey,
    OrgClass,
    Rubric,
    RubricItemKind,
    VillageOrgClass,
)
from backend.assessment.disqualifications import record_disqualification, withdraw_disqualification
from backend.assessment.org_classes import record_org_class
from backend.assessment.rubric import RubricItemDraft, update_rubric
from backend.assessment.scoring import ItemScoreInput, score_items
from backend.core.errors import DomainError, StaleVersion
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.pagination import parse_id


@strawberry.input(description="One rubric item; points are numbers with at most two decimals.")
class RubricItemInput:
    key: str = strawberry.field(description="stable, e.g. team_building.study")
    part: AssessmentPart
    group: str
    group_label: str
    label: str
    kind: RubricItemKind
    base_points: float = strawberry.field(default=0, description="BASE items only; 0 for BONUS and DEDUCTION")
    per_occurrence: float = strawberry.field(description="negative for BASE and DEDUCTION, positive for BONUS")
    cap: float | None = None
    unit: str = ""
    evidence: EvidenceKey | None = None

    def to_draft(self) -> RubricItemDraft:
        return RubricItemDraft(
            key=self.key,
            part=self.part.value,
            group=self.group,
            group_label=self.group_label,
            label=self.label,
            kind=self.kind.value,
            base_points=self.base_points,
            per_occurrence=self.per_occurrence,
            cap=self.cap,
            unit=self.unit,
            evidence=self.evidence.value if self.evidence else None,
        )


@strawberry.input
class UpdateRubricInput:
    period: str
    based_on_version: int = strawberry.field(description="the version edited (Rubric.version)")
    items: list[RubricItemInput]


@strawberry.type
class UpdateRubricPayload:
    rubric: Rubric | None = None
    current_version: int | None = strawberry.field(default=None, description="set when basedOnVersion was stale")
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def failed(cls, exc: DomainError) -> UpdateRubricPayload:
        version = exc.current_version if isinstance(exc, StaleVersion) else None
        return cls(errors=[UserError.from_exception(exc)], current_version=version)


@strawberry.input(
    description="One item: occurrences alone scores by the formula; points alone is the assessor's judgement; "
    "neither confirms the system's proposal. Points other than the proposal need a note."
)
class AssessmentItemScoreInput:
    key: str
    occurrences: int | None = None
    points: float | None = None
    note: str | None = None


@strawberry.input
class ScoreAssessmentInput:
    secretary_id: strawberry.ID
    period: str
    version: int = strawberry.field(description="Assessment.version as read (0 before the first score)")
    items: list[AssessmentItemScoreInput]


@strawberry.type
class ScoreAssessmentPayload:
    assessment: Assessment | None = None
    current_version: int | None = strawberry.field(default=None, description="set when version was stale")
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def failed(cls, exc: DomainError) -> ScoreAssessmentPayload:
        version = exc.current_version if isinstance(exc, StaleVersion) else None
        return cls(errors=[UserError.from_exception(exc)], current_version=version)


@strawberry.input
class RecordOrgClassInput:
    village_id: strawberry.ID
    period: str
    org_class: OrgClass
    note: str | None = None


@strawberry.type
class RecordOrgClassPayload:
    org_class: VillageOrgClass | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RecordDisqualificationInput:
    secretary_id: strawberry.ID
    period: str
    kind: DisqualificationKind
    reason: str


@strawberry.input
class WithdrawDisqualificationInput:
    id: strawberry.ID
    reason: str


@strawberry.type
class DisqualificationPayload:
    disqualification: Disqualification | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AssessmentMutations:
    @strawberry.mutation(description="County: save an edited rubric as a new version (scores made keep theirs).")
    @returns_payload_errors(UpdateRubricPayload)
    async def update_rubric(self, info: Info, input: UpdateRubricInput) -> UpdateRubricPayload:
        drafts = [i.to_draft() for i in input.items]
        async with info.context.transaction() as session:
            rubric = await update_rubric(session, info.context.actor, input.period, input.based_on_version, drafts)
        return UpdateRubricPayload(rubric=Rubric.of(rubric), current_version=rubric.version)

    @strawberry.mutation(description="The assessor scores items; part sums and the target follow in one step.")
    @returns_payload_errors(ScoreAssessmentPayload)
    async def score_assessment(self, info: Info, input: ScoreAssessmentInput) -> ScoreAssessmentPayload:
        items = [
            ItemScoreInput(key=i.key, occurrences=i.occurrences, points=i.points, note=i.note) for i in input.items
        ]
        async with info.context.transaction() as session:
            view = await score_items(
                session,
                info.context.actor,
                parse_id(input.secretary_id, "secretaryId"),
                input.period,
                input.version,
                items,
                today=info.context.today,
            )
        return ScoreAssessmentPayload(assessment=Assessment.of(view), current_version=view.version)

    @strawberry.mutation(description="County: record a village organisation's class for the period (replaces).")
    @returns_payload_errors(RecordOrgClassPayload)
    async def record_org_class(self, info: Info, input: RecordOrgClassInput) -> RecordOrgClassPayload:
        async with info.context.transaction() as session:
            entry = await record_org_class(
                session,
                info.context.actor,
                village_id=parse_id(input.village_id, "villageId"),
                period=input.period,
                org_class=input.org_class,
                note=input.note,
            )
        return RecordOrgClassPayload(org_class=VillageOrgClass.of(entry))

    @strawberry.mutation(description="County: record a disqualifying event (the secretary is 不称职) with a reason.")
    @returns_payload_errors(DisqualificationPayload)
    async def record_disqualification(self, info: Info, input: RecordDisqualificationInput) -> DisqualificationPayload:
        async with info.context.transaction() as session:
            entry = await record_disqualification(
                session,
                info.context.actor,
                secretary_id=parse_id(input.secretary_id, "secretaryId"),
                period=input.period,
                kind=input.kind,
                reason=input.reason,
            )
        return DisqualificationPayload(disqualification=Disqualification.of(entry))

    @strawberry.mutation(description="County: withdraw a disqualifying event, with a reason; it stays on record.")
    @returns_payload_errors(DisqualificationPayload)
    async def withdraw_disqualification(
        self, info: Info, input: WithdrawDisqualificationInput
    ) -> DisqualificationPayload:
        async with info.context.transaction() as session:
            entry = await withdraw_disqualification(session, info.context.actor, parse_id(input.id), input.reason)
        return DisqualificationPayload(disqualification=Disqualification.of(entry))
