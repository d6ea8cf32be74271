"""The service card query."""

from __future__ import annotations

import strawberry

from backend.graphql.context import Info
from backend.graphql.pagination import parse_id, parse_optional_id
from backend.service_card import public_page
from backend.service_card import service as service_card
from backend.service_card.api.types import PublicVillagePage, ServiceCard


@strawberry.type
class ServiceCardQueries:
    @strawberry.field(
        description="A secretary's service card (the caller's own without secretaryId); null until generated."
    )
    async def service_card(self, info: Info, secretary_id: strawberry.ID | None = None) -> ServiceCard | None:
        async with info.context.session() as session:
            _profile, card = await service_card.get_service_card(
                session, info.context.actor, parse_optional_id(secretary_id, "secretaryId")
            )
        return (
            ServiceCard.from_model(card, info.context.public_base_url, info.context.settings.public_base_url)
            if card
            else None
        )

    @strawberry.field(
        description="Anyone, no login: a village's public page — what the service card's QR code opens: the "
        "village, its first secretary as the card shows them, the pledge, the problem ledger in numbers."
    )
    async def public_village_page(self, info: strawberry.Info, village_id: strawberry.ID) -> PublicVillagePage:
        async with info.context.session() as session:
            page = await public_page.public_village_page(session, parse_id(village_id, "villageId"), info.context.today)
        return PublicVillagePage.from_page(page)
