"""Filing: one record of a duty, with photos, the household and its review history."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from backend.filings.models import Filing as FilingModel
from backend.filings.models import FilingKind as _FilingKind
from backend.filings.models import FilingStatus as _FilingStatus
from backend.graphql.context import Info
from backend.graphql.loaders import referenced
from backend.media.api.types import Photo
from backend.org.api.types import Household, Secretary

# strawberry.enum marks the domain enum in place and returns it; binding the name to the class
# first keeps the name a type for mypy (a name bound to a call's result is a variable).
FilingKind = _FilingKind
strawberry.enum(FilingKind, name="FilingKind", description="八个一及相关记录类型")
FilingStatus = _FilingStatus
strawberry.enum(FilingStatus, name="FilingStatus")


@strawberry.type(description="One step in a filing's audit trail.")
class FilingEvent:
    at: datetime
    action: str
    actor_name: str | None
    comment: str | None
    version: int | None


@strawberry.type(name="Filing")
class Filing:
    id: strawberry.ID
    kind: FilingKind
    status: FilingStatus
    version: int
    title: str
    body: JSON
    occurred_on: date
    recorded_at: datetime
    received_at: datetime
    submitted_at: datetime | None
    lat: float | None
    lng: float | None
    accuracy_m: float | None
    review_comment: str | None
    reviewed_at: datetime | None
    _household_id: strawberry.Private[int | None]
    _secretary_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, filing: FilingModel) -> Filing:
        return cls(
            id=strawberry.ID(filing.id),
            kind=filing.kind,
            status=filing.status,
            version=filing.version,
            title=filing.title,
            body=JSON(filing.body),
            occurred_on=filing.occurred_on,
            recorded_at=filing.recorded_at,
            received_at=filing.received_at,
            submitted_at=filing.submitted_at,
            lat=filing.lat,
            lng=filing.lng,
            accuracy_m=filing.accuracy_m,
            review_comment=filing.review_comment,
            reviewed_at=filing.reviewed_at,
            _household_id=filing.household_id,
            _secretary_id=filing.secretary_id,
        )

    @strawberry.field
    async def household(self, info: Info) -> Household | None:
        if self._household_id is None:
            return None
        household = await info.context.loaders.household.load(self._household_id)
        return Household.from_model(household) if household else None

    @strawberry.field
    async def secretary(self, info: Info) -> Secretary:
        return Secretary.from_model(referenced(await info.context.loaders.secretary.load(self._secretary_id)))

    @strawberry.field
    async def photos(self, info: Info) -> list[Photo]:
        return [Photo(sha256=sha) for sha in await info.context.loaders.filing_photos.load(str(self.id))]

    @strawberry.field(description="Every state change, oldest first (the audit trail).")
    async def history(self, info: Info) -> list[FilingEvent]:
        entries = await info.context.loaders.filing_history.load(str(self.id))
        return [
            FilingEvent(at=e.at, action=e.action, actor_name=e.actor_name, comment=e.comment, version=e.version)
            for e in entries
        ]
