"""Progress on the eight duties."""

from __future__ import annotations

import strawberry

from backend.graphql.types.org import OrgUnit
from backend.graphql.types.secretary import Secretary
from backend.services import progress


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


@strawberry.type
class TownshipProgress:
    township: OrgUnit
    secretaries: list[DutyProgress]
    completed_share: float = strawberry.field(description="Duties completed ÷ duties due, over all secretaries")
