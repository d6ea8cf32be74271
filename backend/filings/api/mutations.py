"""Filing from the phone's outbox, and township review."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from backend.core.errors import DomainError, StaleVersion
from backend.filings import models as filings_models
from backend.filings.api.types import Filing, FilingKind
from backend.filings.review import ReviewDecision as DomainReviewDecision
from backend.filings.review import review_filing
from backend.filings.submit import FilingDraft, edit_filing, submit_filing
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.pagination import parse_optional_id

# strawberry.enum marks the domain enum in place and returns it; binding the name to the class
# first keeps the name a type for mypy (a name bound to a call's result is a variable).
ReviewDecision = DomainReviewDecision
strawberry.enum(ReviewDecision, name="ReviewDecision")


@strawberry.input
class FilingInput:
    id: strawberry.ID = strawberry.field(description="UUID made on the phone")
    kind: FilingKind
    occurred_on: date
    recorded_at: datetime = strawberry.field(description="The phone's clock when filed (with offset)")
    title: str
    body: JSON
    household_id: strawberry.ID | None = None
    lat: float | None = None
    lng: float | None = None
    accuracy_m: float | None = None
    photos: list[str] = strawberry.field(default_factory=list, description="sha256 of photos uploaded to /media")
    submit: bool = strawberry.field(default=True, description="false keeps it a draft")

    def to_draft(self) -> FilingDraft:
        return FilingDraft(
            id=str(self.id),
            kind=self.kind,
            occurred_on=self.occurred_on,
            recorded_at=self.recorded_at,
            title=self.title,
            body=self.body if isinstance(self.body, dict) else {"_": self.body},
            household_id=parse_optional_id(self.household_id, "householdId"),
            lat=self.lat,
            lng=self.lng,
            accuracy_m=self.accuracy_m,
            photos=[p.lower() for p in self.photos],
            submit=self.submit,
        )


@strawberry.type
class FilingPayload:
    filing: Filing | None = None
    current_version: int | None = strawberry.field(default=None, description="Set when an edit was stale")
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def of(cls, filing: filings_models.Filing) -> FilingPayload:
        return cls(filing=Filing.from_model(filing), current_version=filing.version)

    @classmethod
    def failed(cls, exc: DomainError) -> FilingPayload:
        version = exc.current_version if isinstance(exc, StaleVersion) else None
        return cls(errors=[UserError.from_exception(exc)], current_version=version)


@strawberry.type
class FilingMutations:
    @strawberry.mutation(description="Create a filing with the phone's id; repeating it is a safe retry.")
    @returns_payload_errors(FilingPayload)
    async def submit_filing(self, info: Info, input: FilingInput) -> FilingPayload:
        async with info.context.transaction() as session:
            filing = await submit_filing(session, info.context.actor, input.to_draft())
        return FilingPayload.of(filing)

    @strawberry.mutation(description="Edit a draft or returned filing; baseVersion is the version it replaces.")
    @returns_payload_errors(FilingPayload)
    async def edit_filing(self, info: Info, input: FilingInput, base_version: int) -> FilingPayload:
        async with info.context.transaction() as session:
            filing = await edit_filing(session, info.context.actor, input.to_draft(), base_version)
        return FilingPayload.of(filing)

    @strawberry.mutation(description="Township: approve, or return with a comment.")
    @returns_payload_errors(FilingPayload)
    async def review_filing(
        self, info: Info, id: strawberry.ID, decision: ReviewDecision, comment: str | None = None
    ) -> FilingPayload:
        async with info.context.transaction() as session:
            filing = await review_filing(session, info.context.actor, str(id), decision, comment)
        return FilingPayload.of(filing)
