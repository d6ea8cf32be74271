"""The county's photo requirements per kind of filing (none by default; each with its reason)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.core.orm import utcnow
from backend.filings import models
from backend.filings import photo_rules as rules
from backend.filings.api.types import FilingKind
from backend.filings.bodies import KIND_LABELS
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors


@strawberry.type
class PhotoRequirement:
    kind: FilingKind
    kind_label: str
    reason: str = strawberry.field(description="Why a photo is necessary for this kind, as the county recorded it")
    decided_at: datetime

    @classmethod
    def of(cls, row: models.PhotoRequirement) -> PhotoRequirement:
        return cls(kind=row.kind, kind_label=KIND_LABELS[row.kind], reason=row.reason, decided_at=row.decided_at)


@strawberry.input
class SetPhotoRequirementInput:
    kind: FilingKind
    required: bool
    reason: str | None = strawberry.field(
        default=None, description=f"Required when `required`: ≥ {rules.MIN_REASON_LENGTH} characters"
    )


@strawberry.type
class PhotoRequirementsPayload:
    requirements: list[PhotoRequirement] | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PhotoRuleQueries:
    @strawberry.field(
        description="Staff: the kinds of filing the caller's county requires a photo for, each with its reason "
        "(empty by default: no upload is forced)."
    )
    async def photo_requirements(self, info: Info) -> list[PhotoRequirement]:
        async with info.context.session() as session:
            rows = await rules.requirements_for(session, info.context.actor)
        return [PhotoRequirement.of(r) for r in rows]


@strawberry.type
class PhotoRuleMutations:
    @strawberry.mutation(
        description="County: require a photo for a kind of filing (with the reason it is necessary) or lift it; audited."
    )
    @returns_payload_errors(PhotoRequirementsPayload)
    async def set_photo_requirement(self, info: Info, input: SetPhotoRequirementInput) -> PhotoRequirementsPayload:
        async with info.context.transaction() as session:
            rows = await rules.set_photo_requirement(
                session, info.context.actor, input.kind, required=input.required, reason=input.reason, now=utcnow()
            )
        return PhotoRequirementsPayload(requirements=[PhotoRequirement.of(r) for r in rows])
