"""Problems of the ledger (问题台账) and their timelines."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.core.orm import utcnow
from backend.core.privacy import mask_phone
from backend.graphql.context import Info
from backend.graphql.loaders import referenced
from backend.media.api.types import Photo
from backend.org.api.types import OrgUnit
from backend.org.models import Role
from backend.problems.ledger import LedgerSummary as LedgerSummaryData
from backend.problems.models import Problem as ProblemModel
from backend.problems.models import ProblemNote as ProblemNoteModel
from backend.problems.models import ProblemSource as _ProblemSource
from backend.problems.models import ProblemStatus as _ProblemStatus
from backend.problems.public_reports import contact_expired

# strawberry.enum marks the domain enum in place and returns it; binding the name to the class
# first keeps the name a type for mypy (a name bound to a call's result is a variable).
ProblemStatus = _ProblemStatus
strawberry.enum(ProblemStatus, name="ProblemStatus", description="待处理 / 处理中 / 已解决 / 已关闭（无法办理）")
ProblemSource = _ProblemSource
strawberry.enum(ProblemSource, name="ProblemSource", description="村民反映 / 第一书记登记 / 扫码反映（无账号）")


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
    anonymous: bool = strawberry.field(description="Reported without an account and without a call-back number.")
    _village_id: strawberry.Private[int]
    _contact_phone: strawberry.Private[str | None]

    @classmethod
    def from_model(cls, problem: ProblemModel) -> Problem:
        phone = None if contact_expired(problem, utcnow()) else problem.contact_phone
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
            anonymous=problem.source is _ProblemSource.PUBLIC and problem.contact_phone is None,
            _village_id=problem.village_id,
            _contact_phone=phone,
        )

    @strawberry.field
    async def village(self, info: Info) -> OrgUnit:
        return OrgUnit.from_model(referenced(await info.context.loaders.org_unit.load(self._village_id)))

    @strawberry.field(
        description="A report without an account: the number to call back. In full for the village's first "
        "secretary (who dials it), masked (138****5678) for township and county staff; null once forgotten "
        "(30 days after the problem is settled) or when none was left."
    )
    def contact_phone(self, info: strawberry.Info) -> str | None:
        if self._contact_phone is None:
            return None
        actor = info.context.actor
        return (
            self._contact_phone if actor is not None and actor.role is Role.VILLAGE else mask_phone(self._contact_phone)
        )

    @strawberry.field(description="Photos attached when it was reported, in order.")
    async def photos(self, info: strawberry.Info) -> list[Photo]:
        return [Photo(sha256=sha) for sha in await info.context.loaders.problem_photos.load(str(self.id))]

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
