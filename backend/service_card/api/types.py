"""GraphQL types of the service card and the village's public page."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.org.api.types import OrgUnit, Secretary
from backend.problems.models import ProblemStatus
from backend.service_card.models import ServiceCard as ServiceCardModel
from backend.service_card.public_page import PublicVillage
from backend.service_card.public_page import VillagePublicPage as Page
from backend.service_card.service import card_url, printed_public_url


@strawberry.type(name="ServiceCard")
class ServiceCard:
    secretary_id: strawberry.ID
    generated_at: datetime
    name: str
    phone: str
    dispatch_unit: str
    village_id: strawberry.ID
    village_name: str
    township_name: str
    duties: list[str]
    pledge: str | None
    photo_sha256: str | None
    public_url: str = strawberry.field(description="The village public page the QR code opens.")
    pdf_url: str
    png_url: str

    @classmethod
    def from_model(cls, card: ServiceCardModel, base_url: str, configured_base_url: str = "") -> ServiceCard:
        snap = card.snapshot
        return cls(
            secretary_id=strawberry.ID(str(card.secretary_id)),
            generated_at=card.generated_at,
            name=snap.get("name", ""),
            phone=snap.get("phone", ""),
            dispatch_unit=snap.get("dispatch_unit", ""),
            village_id=strawberry.ID(str(snap.get("village_id", ""))),
            village_name=snap.get("village_name", ""),
            township_name=snap.get("township_name", ""),
            duties=list(snap.get("duties", [])),
            pledge=snap.get("pledge"),
            photo_sha256=card.photo_sha256,
            public_url=printed_public_url(card, configured_base_url),
            pdf_url=card_url(base_url, card, "pdf"),
            png_url=card_url(base_url, card, "png"),
        )


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


@strawberry.type(description="The first secretary as the service card shows them: nothing more.")
class PublicSecretary:
    name: str
    phone: str = strawberry.field(description="The public phone printed on the service card.")
    dispatch_unit: str
    photo_url: str | None = strawberry.field(description="The photo on the service card, if any (GET, no login).")


@strawberry.type(description="The village's problem ledger in numbers only: no report, name or number.")
class PublicProblemCounts:
    total: int
    open: int
    in_progress: int
    resolved: int
    closed: int


@strawberry.type(name="PublicVillagePage", description="What anyone may read about a village (the card's QR).")
class PublicVillagePage:
    village_id: strawberry.ID
    village_name: str
    township_id: strawberry.ID | None = strawberry.field(
        description="The village's township (what a complaint from this page may concern)."
    )
    township_name: str
    secretary: PublicSecretary | None
    pledge: str | None = strawberry.field(description="履职承诺: the secretary's latest submitted or approved pledge.")
    problems: PublicProblemCounts

    @classmethod
    def from_page(cls, page: PublicVillage) -> PublicVillagePage:
        s, counts = page.secretary, page.problems_by_status
        return cls(
            village_id=strawberry.ID(str(page.village.id)),
            village_name=page.village.name,
            township_id=strawberry.ID(str(page.village.township_id)) if page.village.township_id else None,
            township_name=page.township_name,
            secretary=PublicSecretary(
                name=s.name,
                phone=s.phone,
                dispatch_unit=s.dispatch_unit,
                photo_url=f"/media/{page.photo_sha256}/thumb" if page.photo_sha256 else None,
            )
            if s
            else None,
            pledge=page.pledge,
            problems=PublicProblemCounts(
                total=sum(counts.values()),
                open=counts[ProblemStatus.OPEN],
                in_progress=counts[ProblemStatus.IN_PROGRESS],
                resolved=counts[ProblemStatus.RESOLVED],
                closed=counts[ProblemStatus.CLOSED],
            ),
        )
