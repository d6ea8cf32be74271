"""The service card (便民服务卡): the secretary generates it from their record, the public pledge
and an optional photo; the snapshot is stored and the PDF/PNG are drawn from it on demand.
(Which households received a card are SERVICE_CARD filings, recorded elsewhere.)"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.common import local_date
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import DomainError, ErrorCode, NotFound
from backend.core.orm import utcnow
from backend.core.validation import clean_sha256
from backend.duties.checklist import load_configuration
from backend.filings.models import Filing, FilingKind, FilingStatus
from backend.media.access import access_media
from backend.org.access import access_org_unit, require_actor, require_secretary
from backend.org.models import OrgKind, OrgUnit, SecretaryProfile
from backend.service_card.access import access_service_card
from backend.service_card.models import ServiceCard

PUBLIC_PLEDGE_STATUSES = (FilingStatus.SUBMITTED, FilingStatus.APPROVED)


def public_page_url(base_url: str, village_id: int) -> str:
    """The PWA route of a village's public page: what the card's QR code opens."""
    return f"{base_url.rstrip('/')}/v/{village_id}"


def printed_public_url(card: ServiceCard, configured_base_url: str) -> str:
    """The address the card's QR prints: under PUBLIC_BASE_URL when it is set (so setting it later
    fixes cards made before), else the one stored when the card was made — from the address the
    secretary's phone used then. Never from the request that downloads the card: that route is
    public, and a forged Host header must not put another site in a QR code."""
    village_id = card.snapshot.get("village_id")
    if configured_base_url and village_id:
        return public_page_url(configured_base_url, int(village_id))
    return str(card.snapshot.get("public_url", ""))


def card_url(base_url: str, card: ServiceCard, extension: str) -> str:
    """Where the card is downloaded; the generation time busts caches after a regeneration."""
    version = int(card.generated_at.timestamp() * 1000)
    return f"{base_url.rstrip('/')}/cards/{card.secretary_id}.{extension}?v={version}"


async def latest_pledge(session: AsyncSession, secretary_id: int) -> str | None:
    """The text of the secretary's latest public pledge (履职承诺): submitted or approved."""
    body = await session.scalar(
        select(Filing.body)
        .where(
            Filing.secretary_id == secretary_id,
            Filing.kind == FilingKind.PLEDGE,
            Filing.status.in_(PUBLIC_PLEDGE_STATUSES),
        )
        .order_by(func.coalesce(Filing.submitted_at, Filing.received_at).desc(), Filing.id.desc())
        .limit(1)
    )
    text = body.get("text") if isinstance(body, dict) else None
    return (text.strip() or None) if isinstance(text, str) else None


async def card_exists(session: AsyncSession, secretary: SecretaryProfile) -> bool:
    return (
        await session.scalar(select(ServiceCard.secretary_id).where(ServiceCard.secretary_id == secretary.id))
        is not None
    )


async def generate_service_card(
    session: AsyncSession,
    actor: Actor | None,
    *,
    photo_sha256: str | None,
    keep_photo: bool,
    public_base_url: str,
) -> ServiceCard:
    """Snapshot what the card shows and store it (one card per secretary, regenerated in place).
    `keep_photo`: the caller did not name a photo, so the current card's photo stays."""
    profile = await require_secretary(session, actor)
    actor = require_actor(actor)
    village = await access_org_unit(session, actor, profile.village_id, kind=OrgKind.VILLAGE)
    township = await session.get(OrgUnit, village.township_id) if village.township_id else None
    card = await session.get(ServiceCard, profile.id, with_for_update=True)
    if keep_photo:
        photo = card.photo_sha256 if card else None
    elif photo_sha256 is None:
        photo = None
    else:
        photo = await _own_photo(session, actor, photo_sha256)
    # the items of the checklist the secretary's term uses now (the county's 八个一 or its own list)
    config = await load_configuration(session, [profile.county_id], [profile.id])
    checklist = config.current(profile, local_date(utcnow()))
    snapshot: dict[str, Any] = {
        "name": profile.name,
        "phone": profile.phone,
        "dispatch_unit": profile.dispatch_unit,
        "village_id": village.id,
        "village_name": village.name,
        "township_name": township.name if township else "",
        "duty_list": checklist.name,
        "duties": [item.label for item in checklist.items],
        "pledge": await latest_pledge(session, profile.id),
        "photo_sha256": photo,
        "public_url": public_page_url(public_base_url, village.id),
    }
    now = utcnow()
    created = False
    if card is None:
        card = ServiceCard(secretary_id=profile.id, generated_at=now, snapshot=snapshot, photo_sha256=photo)
        try:
            async with session.begin_nested():  # a double tap may race us to the first card
                session.add(card)
                await session.flush()
            created = True
        except IntegrityError:
            card = await session.get(ServiceCard, profile.id, with_for_update=True)
            if card is None:
                raise
    if not created:
        card.generated_at = now
        card.snapshot = snapshot
        card.photo_sha256 = photo
    action = "generate" if created else "regenerate"
    audit.record(
        session,
        actor,
        county_id=profile.county_id,
        entity="service_card",
        entity_id=profile.id,
        action=action,
        detail={"photo": photo is not None, "pledge": snapshot["pledge"] is not None},
    )
    await session.flush()
    return card


async def _own_photo(session: AsyncSession, actor: Actor, sha256: str) -> str:
    sha256 = clean_sha256(sha256, "photoSha256")
    try:
        await access_media(session, actor, sha256, to="attach")
    except NotFound:  # not uploaded, or not by this secretary: the same answer
        raise DomainError("照片尚未上传，请先上传本人照片", field="photoSha256", code=ErrorCode.MEDIA_MISSING) from None
    return sha256


async def get_service_card(
    session: AsyncSession, actor: Actor | None, secretary_id: int | None
) -> tuple[SecretaryProfile, ServiceCard | None]:
    """A secretary's card for whoever may see that village (its members included: the card is
    public); without an id, the calling secretary's own."""
    if secretary_id is not None:
        return await access_service_card(session, actor, secretary_id)
    profile = await require_secretary(session, actor)
    return profile, await session.get(ServiceCard, profile.id)


async def public_card(session: AsyncSession, secretary_id: int) -> ServiceCard | None:
    """For the public download: the stored snapshot only holds what the printed card shows."""
    return await session.get(ServiceCard, secretary_id)
