"""Progress on the eight duties."""

from __future__ import annotations

import strawberry

from backend.duties import progress
from backend.org.api.types import OrgUnit, Secretary


@strawberry.type
class DutyStatus:
    key: str
    label: str
    complete: bool
    numerator: int
    denominator: int
    percent: float | None
    detail: str


@strawberry.type
class DutyProgress:
    secretary: Secretary
    duties: list[DutyStatus]
    completed_count: int
    total_count: int

    @classmethod
    def from_progress(cls, p: progress.DutyProgress) -> DutyProgress:
        return cls(
            secretary=Secretary.from_model(p.secretary),
            duties=[DutyStatus(**vars(d)) for d in p.duties],
            completed_count=p.completed_count,
            total_count=len(p.duties),
        )


@strawberry.type(
    description="One secretary's line on the township list, plain values only: the lists follow "
    "TownshipProgress.dutyKeys. Each duty's numbers and detail text are on dutyProgress (the drill-down)."
)
class ProgressSummary:
    secretary_id: strawberry.ID
    secretary_name: str
    village_id: strawberry.ID
    village_name: str
    completed_count: int
    total_count: int
    complete: list[bool]
    figure: list[str] = strawberry.field(description='Each duty\'s short figure: "85.3%", "1/1", or "" for none')

    @classmethod
    def from_progress(cls, p: progress.DutyProgress, village_name: str) -> ProgressSummary:
        return cls(
            secretary_id=strawberry.ID(str(p.secretary.id)),
            secretary_name=p.secretary.name,
            village_id=strawberry.ID(str(p.secretary.village_id)),
            village_name=village_name,
            completed_count=p.completed_count,
            total_count=len(p.duties),
            complete=[d.complete for d in p.duties],
            figure=[d.figure for d in p.duties],
        )


@strawberry.type
class TownshipProgress:
    township: OrgUnit
    _result: strawberry.Private[progress.TownshipProgress]
    completed_share: float = strawberry.field(description="Duties completed ÷ duties due, over all secretaries")

    @strawberry.field(description="The eight duties' keys, in the order of every summary's lists.")
    def duty_keys(self) -> list[str]:
        return [key for key, _ in progress.DUTIES]

    @strawberry.field(description="The eight duties' names, in the same order.")
    def duty_labels(self) -> list[str]:
        return [label for _, label in progress.DUTIES]

    @strawberry.field(description="Every secretary with each duty's status, metric and detail text.")
    def secretaries(self) -> list[DutyProgress]:
        return [DutyProgress.from_progress(p) for p in self._result.secretaries]

    @strawberry.field(description="Every secretary as one compact line: the township list's payload.")
    def summaries(self) -> list[ProgressSummary]:
        names = self._result.village_names
        return [ProgressSummary.from_progress(p, names[p.secretary.village_id]) for p in self._result.secretaries]

    @classmethod
    def from_progress(cls, result: progress.TownshipProgress) -> TownshipProgress:
        return cls(township=OrgUnit.from_model(result.township), completed_share=result.completed_share, _result=result)
