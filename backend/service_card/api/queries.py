"""The service card query."""

from __future__ import annotations

import strawberry

from backend.graphql.pagination import parse_optional_id
from backend.service_card import service as service_card
from backend.service_card.api.types import ServiceCard


@strawberry.type
class ServiceCardQueries:
    @strawberry.field(
        description="A secretary's service card (the caller's own without secretaryId); null until generated."
    )
    async def service_card(
        self, info: strawberry.Info, secretary_id: strawberry.ID | None = None
    ) -> ServiceCard | None:
        async with info.context.session() as session:
            _profile, card = await service_card.get_service_card(
                session, info.context.actor, parse_optional_id(secretary_id, "secretaryId")
            )
        return (
            ServiceCard.from_model(card, info.context.public_base_url, info.context.settings.public_base_url)
            if card
            else None
        )
