"""Problems of the ledger (问题台账) and their timelines."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.graphql.context import Info
from backend.graphql.loaders import referenced
from backend.org.api.types import OrgUnit
from backend.problems.ledger import LedgerSummary as LedgerSummaryData
from backend.problems.models import Problem as ProblemModel
from backend.problems.models import ProblemNote as ProblemNoteModel
from backend.problems.models import ProblemSource as _ProblemSource
from backend.problems.models import ProblemStatus as _ProblemStatus

# strawberry.enum marks the domain enum in place and returns it; binding the name to the class
# first keeps the name a type for mypy (a name bound to a call's result is a variable).
ProblemStatus = _ProblemStatus
strawberry.enum(ProblemStatus, name="ProblemStatus", description="待处理 / 处理中 / 已解决 / 已关闭（无法办理）")
ProblemSource = _ProblemSource
strawberry.enum(ProblemSource, name="ProblemSource", description="村民反映 / 第一书记登记")


@strawberry.type(name="ProblemNote", description="One step of a problem's life; never edited.")
class ProblemNote:
    id: strawberry.ID
    at: datetime
    from_status: ProblemStatus | None
    to_status: ProblemStatus
    note: str

    @classmethod
    def from_model(cls, note: ProblemNoteModel) -> ProblemNote:
        return cls(
            id=strawberry.ID(str(note.id)),
            at=note.at,
            from_status=_ProblemStatus(note.from_status) if note.from_status else None,
            to_status=_ProblemStatus(note.to_status),
            note=note.note,
        )


@strawberry.type(name="Problem")
class Problem:
    id: strawberry.ID
    title: str
    description: str
    status: ProblemStatus
    source: ProblemSource
    version: int = strawberry.field(description="Name it as baseVersion when changing the status.")
    household_id: strawberry.ID | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    _village_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, problem: ProblemModel) -> Problem:
        return cls(
            id=strawberry.ID(problem.id),
            title=problem.title,
            description=problem.description,
            status=problem.status,
            source=problem.source,
            version=problem.version,
            household_id=strawberry.ID(str(problem.household_id)) if problem.household_id else None,
            created_at=problem.created_at,
            updated_at=problem.updated_at,
            resolved_at=problem.resolved_at,
            _village_id=problem.village_id,
        )

    @strawberry.field
    async def village(self, info: Info) -> OrgUnit:
        return OrgUnit.from_model(referenced(await info.context.loaders.org_unit.load(self._village_id)))

    @strawberry.field(description="The timeline, oldest first.")
    async def notes(self, info: Info) -> list[ProblemNote]:
        notes = await info.context.loaders.problem_notes.load(str(self.id))
        return [ProblemNote.from_model(n) for n in notes]


@strawberry.type
class ProblemStatusCount:
    status: ProblemStatus
    count: int


@strawberry.type(description="解决率: resolved ÷ all problems older than ageDays (the county's setting).")
class ResolutionRate:
    numerator: int
    denominator: int
    percent: float | None = strawberry.field(description="Null while no problem is old enough.")
    age_days: int


@strawberry.type(name="LedgerSummary")
class LedgerSummary:
    village: OrgUnit
    total: int
    by_status: list[ProblemStatusCount]
    resolution_rate: ResolutionRate
    complete: bool = strawberry.field(description="The problem_ledger duty: at least the county's minimum count.")

    @classmethod
    def from_data(cls, data: LedgerSummaryData) -> LedgerSummary:
        return cls(
            village=OrgUnit.from_model(data.village),
            total=data.total,
            by_status=[ProblemStatusCount(status=s, count=c) for s, c in data.by_status.items()],
            resolution_rate=ResolutionRate(
                numerator=data.resolved_old,
                denominator=data.old,
                percent=data.resolution_percent,
                age_days=data.age_days,
            ),
            complete=data.complete,
        )
