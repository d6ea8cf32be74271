"""A village's public page (members and villagers see their own village's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.org.access import access_org_unit, require_actor
from backend.org.models import OrgKind, OrgUnit, SecretaryProfile
from backend.org.secretaries import current_secretaries
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
