"""Progress on the county's duty checklist (by default the eight duties)."""

from __future__ import annotations

import strawberry

from backend.duties import progress
from backend.duties.api import checklist as _checklist_api  # noqa: F401  (registers ChecklistRule)
from backend.duties.checklist import ChecklistRule
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
    kinds: list[str] = strawberry.field(description="The item's evidence kinds, e.g. ['household_visit'].")
    rule: ChecklistRule

    @classmethod
    def of(cls, d: progress.DutyStatus) -> DutyStatus:
        return cls(
            key=d.key,
            label=d.label,
            complete=d.complete,
            numerator=d.numerator,
            denominator=d.denominator,
            percent=d.percent,
            detail=d.detail,
            kinds=list(d.kinds),
            rule=d.rule,
        )


@strawberry.type
class DutyProgress:
    secretary: Secretary
    duties: list[DutyStatus]
    completed_count: int
    total_count: int
    checklist_name: str = strawberry.field(description="The name of the checklist the term uses now (八个一 …).")
    checklist_version: int = strawberry.field(description="Its version.")

    @classmethod
    def from_progress(cls, p: progress.DutyProgress) -> DutyProgress:
        return cls(
            secretary=Secretary.from_model(p.secretary),
            duties=[DutyStatus.of(d) for d in p.duties],
            completed_count=p.completed_count,
            total_count=len(p.duties),
            checklist_name=p.checklist_name,
            checklist_version=p.checklist_version,
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
    complete: list[bool | None] = strawberry.field(
        description="Each duty's completion; null where the duty is not in this secretary's checklist."
    )
    figure: list[str | None] = strawberry.field(
        description='Each duty\'s short figure: "85.3%", "1/1", or "" for none; null where the duty is not in '
        "this secretary's checklist."
    )

    @classmethod
    def from_progress(cls, p: progress.DutyProgress, village_name: str, keys: list[str]) -> ProgressSummary:
        by_key = {d.key: d for d in p.duties}
        return cls(
            secretary_id=strawberry.ID(str(p.secretary.id)),
            secretary_name=p.secretary.name,
            village_id=strawberry.ID(str(p.secretary.village_id)),
            village_name=village_name,
            completed_count=p.completed_count,
            total_count=len(p.duties),
            complete=[by_key[k].complete if k in by_key else None for k in keys],
            figure=[by_key[k].figure if k in by_key else None for k in keys],
        )


@strawberry.type
class TownshipProgress:
    township: OrgUnit
    _result: strawberry.Private[progress.TownshipProgress]
    completed_share: float = strawberry.field(description="Duties completed ÷ duties due, over all secretaries")

    @strawberry.field(
        description="The duties' keys, in the order of every summary's lists: the union of the items of the "
        "checklists the township's secretaries use (the newest version's order, then older items)."
    )
    def duty_keys(self) -> list[str]:
        return [key for key, _ in self._result.columns]

    @strawberry.field(description="The duties' names, in the same order.")
    def duty_labels(self) -> list[str]:
        return [label for _, label in self._result.columns]

    @strawberry.field(description="The distinct checklist names the township's secretaries use.")
    def checklist_names(self) -> list[str]:
        return self._result.checklist_names

    @strawberry.field(description="Every secretary with each duty's status, metric and detail text.")
    def secretaries(self) -> list[DutyProgress]:
        return [DutyProgress.from_progress(p) for p in self._result.secretaries]

    @strawberry.field(description="Every secretary as one compact line: the township list's payload.")
    def summaries(self) -> list[ProgressSummary]:
        names = self._result.village_names
        keys = [key for key, _ in self._result.columns]
        return [ProgressSummary.from_progress(p, names[p.secretary.village_id], keys) for p in self._result.secretaries]

    @classmethod
    def from_progress(cls, result: progress.TownshipProgress) -> TownshipProgress:
        return cls(township=OrgUnit.from_model(result.township), completed_share=result.completed_share, _result=result)
