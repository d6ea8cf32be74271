"""Generating the service card."""

from __future__ import annotations

import strawberry

from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.service_card import service as service_card
from backend.service_card.api.types import ServiceCard


@strawberry.input
class GenerateServiceCardInput:
    photo_sha256: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="An uploaded photo of oneself (Media sha256); null removes the photo, omitted keeps the current one.",
    )


@strawberry.type
class ServiceCardPayload:
    card: ServiceCard | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ServiceCardMutations:
    @strawberry.mutation(
        description="First secretary: (re)generate one's service card from the current record and public pledge."
    )
    @returns_payload_errors(ServiceCardPayload)
    async def generate_service_card(
        self, info: Info, input: GenerateServiceCardInput | None = None
    ) -> ServiceCardPayload:
        photo = input.photo_sha256 if input is not None else strawberry.UNSET
        base_url = info.context.public_base_url
        async with info.context.transaction() as session:
            card = await service_card.generate_service_card(
                session,
                info.context.actor,
                photo_sha256=None if photo is strawberry.UNSET else photo,
                keep_photo=photo is strawberry.UNSET,
                public_base_url=base_url,
            )
        return ServiceCardPayload(card=ServiceCard.from_model(card, base_url, info.context.settings.public_base_url))
