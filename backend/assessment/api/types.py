"""Target assessment on the API: the rubric, a secretary's assessment item by item with the
evidence behind each score, the assessors' list, organisation classes and disqualifications.
Scores are exact hundredths in the database and Float points here."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from backend.assessment.common import points
from backend.assessment.disqualifications import KIND_LABELS, DisqualificationEntry
from backend.assessment.models import DisqualificationKind as DisqualificationKindValue
from backend.assessment.models import OrgClass as OrgClassValue
from backend.assessment.org_classes import OrgClassEntry
from backend.assessment.rubric import PART_LABELS, ItemKind, Part, describe_formula
from backend.assessment.rubric import EvidenceKey as DomainEvidenceKey
from backend.assessment.rubric import Rubric as DomainRubric
from backend.assessment.rubric import RubricItem as DomainRubricItem
from backend.assessment.scoring import AssessmentView, ItemView, Status
from backend.assessment.summaries import AssessmentSummary as DomainAssessmentSummary
from backend.filings.api.types import Filing, FilingKind, FilingStatus
from backend.filings.models import Filing as FilingModel
from backend.graphql.context import Info
from backend.org.api.types import OrgUnit, Role, Secretary

# strawberry.enum marks the domain enum in place and returns it; binding the name to the class
# first keeps the name a type for mypy (a name bound to a call's result is a variable).
AssessmentPart = Part
strawberry.enum(
    AssessmentPart,
    name="AssessmentPart",
    description="考评的四个部分：基本工作目标、工作规范与纪律、工作实绩、组织晋位升级",
)
RubricItemKind = ItemKind
strawberry.enum(
    RubricItemKind, name="RubricItemKind", description="计分方式：BASE 基础分（按次扣减）、BONUS 加分、DEDUCTION 扣分"
)
EvidenceKey = DomainEvidenceKey
strawberry.enum(EvidenceKey, name="EvidenceKey", description="系统可据以建议分值的佐证")
AssessmentStatus = Status
strawberry.enum(AssessmentStatus, name="AssessmentStatus")
OrgClass = OrgClassValue
strawberry.enum(OrgClass, name="OrgClass", description="村党组织等次，A 级最好")
DisqualificationKind = DisqualificationKindValue
strawberry.enum(
    DisqualificationKind,
    name="DisqualificationKind",
    description="直接定为不称职的情形：严重违纪、群体上访、群体性事件",
)


@strawberry.type(description="One item of the rubric. Points for k occurrences: see docs/ASSESSMENT.md.")
class RubricItem:
    key: str
    part: AssessmentPart
    group: str
    group_label: str
    label: str
    kind: RubricItemKind
    base_points: float
    per_occurrence: float
    cap: float | None = strawberry.field(description="null: BASE items keep at least 0, others are not capped")
    unit: str
    evidence: EvidenceKey | None = strawberry.field(description="what the system proposes the item from, if anything")
    min_points: float | None = strawberry.field(description="the lowest points possible (null: no limit)")
    max_points: float | None = strawberry.field(description="the highest points possible (null: no limit)")
    formula: str = strawberry.field(description="how the item scores, in Chinese")

    @classmethod
    def of(cls, item: DomainRubricItem) -> RubricItem:
        return cls(
            key=item.key,
            part=item.part,
            group=item.group,
            group_label=item.group_label,
            label=item.label,
            kind=item.kind,
            base_points=item.base_centi / 100,
            per_occurrence=item.per_centi / 100,
            cap=points(item.cap_centi),
            unit=item.unit,
            evidence=item.evidence,
            min_points=points(item.min_centi),
            max_points=points(item.max_centi),
            formula=describe_formula(item),
        )


@strawberry.type
class RubricPart:
    part: AssessmentPart
    label: str
    base_points: float = strawberry.field(description="the sum of the part's BASE items")


@strawberry.type(description="A county's rubric for a period: a saved version, or the template not saved yet.")
class Rubric:
    period: str
    version: int = strawberry.field(description="name it as basedOnVersion when editing; 1 while not saved")
    saved: bool = strawberry.field(description="false: the template (the default, or the latest earlier period's)")
    sha256: str = strawberry.field(description="of the canonical JSON of the items")
    created_at: datetime | None
    items: list[RubricItem]
    parts: list[RubricPart]
    base_total: float = strawberry.field(description="the score with every BASE item done and nothing else (100)")

    @classmethod
    def of(cls, rubric: DomainRubric) -> Rubric:
        return cls(
            period=rubric.period,
            version=rubric.version,
            saved=rubric.saved,
            sha256=rubric.sha256,
            created_at=rubric.created_at,
            items=[RubricItem.of(i) for i in rubric.items],
            parts=[
                RubricPart(
                    part=part,
                    label=label,
                    base_points=sum(i.base_centi for i in rubric.items if i.part is part) / 100,
                )
                for part, label in PART_LABELS.items()
            ],
            base_total=rubric.base_total_centi / 100,
        )


@strawberry.type(description="A filing behind a score or a proposal.")
class EvidenceFiling:
    id: strawberry.ID
    kind: FilingKind
    title: str
    occurred_on: date
    status: FilingStatus
    _filing: strawberry.Private[FilingModel]

    @strawberry.field(description="The whole filing (photos, household, review history).")
    def filing(self) -> Filing:
        return Filing.from_model(self._filing)


@strawberry.type
class AssessmentEvidence:
    summary: str
    filing_ids: list[strawberry.ID]

    @strawberry.field(description="The filings, oldest first (one query for the whole assessment).")
    async def filings(self, info: Info) -> list[EvidenceFiling]:
        found = await info.context.loaders.filing.load_many([str(i) for i in self.filing_ids])
        return [
            EvidenceFiling(
                id=strawberry.ID(f.id),
                kind=f.kind,
                title=f.title,
                occurred_on=f.occurred_on,
                status=f.status,
                _filing=f,
            )
            for f in found
            if f is not None
        ]


@strawberry.type(description="One rubric item of an assessment: its score, and the proposal and evidence.")
class AssessmentItem:
    key: str
    item: RubricItem
    scored: bool
    occurrences: int | None
    points: float | None
    overridden: bool = strawberry.field(description="the points differ from the proposal (or the formula)")
    note: str | None
    scored_at: datetime | None
    proposed_occurrences: int | None = strawberry.field(
        description="what the evidence proposes: saved with the score once scored, else live"
    )
    proposed_points: float | None
    evidence_changed: bool = strawberry.field(
        description="scored, and the live proposal now differs from the one saved with the score"
    )
    evidence: AssessmentEvidence | None

    @classmethod
    def of(cls, view: ItemView) -> AssessmentItem:
        score = view.score
        evidence = (
            AssessmentEvidence(summary=view.evidence_summary, filing_ids=[strawberry.ID(i) for i in view.filing_ids])
            if view.evidence_summary is not None
            else None
        )
        return cls(
            key=view.item.key,
            item=RubricItem.of(view.item),
            scored=score is not None,
            occurrences=score.occurrences if score else None,
            points=points(score.points_centi) if score else None,
            overridden=bool(score and score.overridden),
            note=(score.note or None) if score else None,
            scored_at=score.scored_at if score else None,
            proposed_occurrences=view.proposed_occurrences,
            proposed_points=points(view.proposed_centi),
            evidence_changed=view.evidence_changed,
            evidence=evidence,
        )


@strawberry.type
class AssessmentPartSum:
    part: AssessmentPart
    label: str
    points: float


@strawberry.type(description="A secretary's target assessment for a period (组织工作目标考评).")
class Assessment:
    id: strawberry.ID | None = strawberry.field(description="null until the first score")
    secretary: Secretary
    period: str
    status: AssessmentStatus
    version: int = strawberry.field(description="0 until the first score; name it in scoreAssessment")
    rubric_version: int = strawberry.field(description="the rubric version scored with (kept when the rubric changes)")
    basic: float
    discipline: float
    results: float
    org_upgrade: float
    basic_plus_discipline: float = strawberry.field(description="the first two parts (ranking override 3: below 80)")
    target: float = strawberry.field(description="max(0, the four parts)")
    parts: list[AssessmentPartSum]
    items_scored: int
    items_total: int
    can_score: bool
    assessor_role: Role = strawberry.field(description="COUNTY for resident secretaries, TOWNSHIP for liaison ones")
    updated_at: datetime | None
    items: list[AssessmentItem]

    @classmethod
    def of(cls, view: AssessmentView) -> Assessment:
        a = view.assessment
        sums = {part: view.part_centi(part) for part in Part}
        return cls(
            id=strawberry.ID(str(a.id)) if a else None,
            secretary=Secretary.from_model(view.subject.secretary),
            period=view.period,
            status=view.status,
            version=view.version,
            rubric_version=view.rubric.version,
            basic=sums[Part.BASIC] / 100,
            discipline=sums[Part.DISCIPLINE] / 100,
            results=sums[Part.RESULTS] / 100,
            org_upgrade=sums[Part.ORG_UPGRADE] / 100,
            basic_plus_discipline=(sums[Part.BASIC] + sums[Part.DISCIPLINE]) / 100,
            target=view.target_centi / 100,
            parts=[
                AssessmentPartSum(part=part, label=label, points=sums[part] / 100)
                for part, label in PART_LABELS.items()
            ],
            items_scored=a.items_scored if a else 0,
            items_total=a.items_total if a else len(view.rubric.items),
            can_score=view.can_score,
            assessor_role=view.assessor_role,
            updated_at=a.updated_at if a else None,
            items=[AssessmentItem.of(i) for i in view.items],
        )


@strawberry.type(description="One line of the assessors' list.")
class AssessmentSummary:
    secretary: Secretary
    village_name: str
    township_id: strawberry.ID
    township_name: str
    assessor_role: Role
    can_score: bool
    status: AssessmentStatus
    target: float | None = strawberry.field(description="null until the first score")
    basic_plus_discipline: float | None
    items_scored: int
    items_total: int
    version: int
    updated_at: datetime | None

    @classmethod
    def of(cls, s: DomainAssessmentSummary) -> AssessmentSummary:
        both = None if s.basic_centi is None or s.discipline_centi is None else s.basic_centi + s.discipline_centi
        return cls(
            secretary=Secretary.from_model(s.secretary),
            village_name=s.village_name,
            township_id=strawberry.ID(str(s.township_id)),
            township_name=s.township_name,
            assessor_role=s.assessor_role,
            can_score=s.can_score,
            status=s.status,
            target=points(s.target_centi),
            basic_plus_discipline=points(both),
            items_scored=s.items_scored,
            items_total=s.items_total,
            version=s.version,
            updated_at=s.updated_at,
        )


@strawberry.type(description="A village organisation's class in a period, beside the latest earlier one.")
class VillageOrgClass:
    village: OrgUnit
    period: str
    org_class: OrgClass | None = strawberry.field(description="null until the county records it")
    note: str | None
    recorded_at: datetime | None
    previous_period: str | None
    previous_class: OrgClass | None
    change: int | None = strawberry.field(description="classes gained (positive) or lost (negative)")

    @classmethod
    def of(cls, entry: OrgClassEntry) -> VillageOrgClass:
        record = entry.record
        return cls(
            village=OrgUnit.from_model(entry.village),
            period=entry.period,
            org_class=entry.org_class,
            note=(record.note or None) if record else None,
            recorded_at=record.recorded_at if record else None,
            previous_period=entry.previous_period,
            previous_class=entry.previous_class,
            change=entry.change,
        )


@strawberry.type(description="A disqualifying event: the secretary is 不称职 for the period unless withdrawn.")
class Disqualification:
    id: strawberry.ID
    secretary: Secretary
    period: str
    kind: DisqualificationKind
    kind_label: str
    reason: str
    recorded_at: datetime
    recorded_by_name: str | None
    withdrawn: bool
    withdrawn_reason: str | None
    withdrawn_at: datetime | None
    withdrawn_by_name: str | None

    @classmethod
    def of(cls, entry: DisqualificationEntry) -> Disqualification:
        d = entry.record
        return cls(
            id=strawberry.ID(str(d.id)),
            secretary=Secretary.from_model(entry.secretary),
            period=d.period,
            kind=d.kind,
            kind_label=KIND_LABELS[d.kind],
            reason=d.reason,
            recorded_at=d.recorded_at,
            recorded_by_name=entry.recorded_by_name,
            withdrawn=d.withdrawn_at is not None,
            withdrawn_reason=d.withdrawn_reason,
            withdrawn_at=d.withdrawn_at,
            withdrawn_by_name=entry.withdrawn_by_name,
        )
