"""The door to a secretary's service card (see backend/org/access.py for what a door is)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.org.access import one_in_scope, require_actor, scope_org_units
from backend.org.models import OrgUnit, SecretaryProfile
from backend.service_card.models import ServiceCard


async def access_service_card(
    session: AsyncSession, actor: Actor | None, secretary_id: int, *, for_update: bool = False
) -> tuple[SecretaryProfile, ServiceCard | None]:
    """A secretary's card (None until generated) for whoever may see that village — its members
    included: the card is public. Keyed by the secretary: NOT_FOUND when they are outside the
    caller's jurisdiction. (The printed card's download, GET /cards/{id}.pdf, needs no login and
    serves only the stored snapshot: `service.public_card`.)"""
    actor = require_actor(actor)
    stmt = (
        select(SecretaryProfile)
        .join(OrgUnit, OrgUnit.id == SecretaryProfile.village_id)
        .where(SecretaryProfile.id == secretary_id, scope_org_units(actor))
    )
    profile = await one_in_scope(session, stmt, "第一书记记录不存在")
    card = select(ServiceCard).where(ServiceCard.secretary_id == profile.id)
    if for_update:
        card = card.with_for_update().execution_options(populate_existing=True)
    return profile, (await session.scalars(card)).first()
