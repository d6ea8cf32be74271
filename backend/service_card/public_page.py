"""A village's public page: for anyone, no account needed (`public_village_page`, what the service
card's QR opens), and the logged-in view of a member's own village (`village_public_page`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.org.access import access_org_unit, require_actor
from backend.org.models import OrgKind, OrgUnit, SecretaryProfile
from backend.org.secretaries import current_secretaries
from backend.problems.ledger import ledger_counts, resolution_cutoff
from backend.problems.models import ProblemStatus
from backend.service_card.models import ServiceCard
from backend.service_card.service import card_exists, latest_pledge


@dataclass(frozen=True)
class VillagePublicPage:
    village: OrgUnit
    township_name: str
    secretary: SecretaryProfile | None
    pledge: str | None = None  # the secretary's latest submitted or approved 履职承诺
    card_available: bool = False  # a service card has been generated


async def village_public_page(
    session: AsyncSession, actor: Actor | None, village_id: int | None, today: date
) -> VillagePublicPage:
    actor = require_actor(actor)
    target = village_id if village_id is not None else actor.village_id
    if target is None:
        raise InvalidInput("请指定村/社区", field="villageId")
    village = await access_org_unit(session, actor, target, kind=OrgKind.VILLAGE)
    township = await session.get(OrgUnit, village.township_id) if village.township_id else None
    secretary = (await current_secretaries(session, [village.id], today)).get(village.id)
    return VillagePublicPage(
        village=village,
        township_name=township.name if township else "",
        secretary=secretary,
        pledge=await latest_pledge(session, secretary.id) if secretary else None,
        card_available=await card_exists(session, secretary) if secretary else False,
    )


@dataclass(frozen=True)
class PublicVillage:
    """What anyone may read about a village: no villager's report, name or number — the ledger
    only as counts by status."""

    village: OrgUnit
    township_name: str
    secretary: SecretaryProfile | None  # the types show name, public phone and dispatching unit only
    pledge: str | None
    photo_sha256: str | None  # the photo on the secretary's service card (public like the card)
    problems_by_status: dict[ProblemStatus, int]


async def public_village_page(session: AsyncSession, village_id: int, today: date) -> PublicVillage:
    """A village's public page for anyone, logged in or not (`access_org_unit(to="public")`)."""
    village = await access_org_unit(session, None, village_id, kind=OrgKind.VILLAGE, to="public")
    township = await session.get(OrgUnit, village.township_id) if village.township_id else None
    secretary = (await current_secretaries(session, [village.id], today)).get(village.id)
    photo = None
    if secretary is not None:
        photo = await session.scalar(select(ServiceCard.photo_sha256).where(ServiceCard.secretary_id == secretary.id))
    counts = (await ledger_counts(session, [village.id], resolution_cutoff(today, 0))).get(village.id, {})
    return PublicVillage(
        village=village,
        township_name=township.name if township else "",
        secretary=secretary,
        pledge=await latest_pledge(session, secretary.id) if secretary else None,
        photo_sha256=photo,
        problems_by_status={status: counts.get(status, (0, 0))[0] for status in ProblemStatus},
    )
