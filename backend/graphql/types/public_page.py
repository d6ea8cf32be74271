"""A village's public page."""

from __future__ import annotations

import strawberry

from backend.graphql.types.org import OrgUnit
from backend.graphql.types.secretary import Secretary
from backend.services.public_page import VillagePublicPage as Page


@strawberry.type(name="VillagePublicPage")
class VillagePublicPage:
    village: OrgUnit
    township_name: str
    secretary: Secretary | None
    pledge: str | None = strawberry.field(description="履职承诺: the secretary's latest submitted or approved pledge.")
    card_available: bool = strawberry.field(description="The secretary has generated a service card.")

    @classmethod
    def from_page(cls, page: Page) -> VillagePublicPage:
        return cls(
            village=OrgUnit.from_model(page.village),
            township_name=page.township_name,
            secretary=Secretary.from_model(page.secretary) if page.secretary else None,
            pledge=page.pledge,
            card_available=page.card_available,
        )
