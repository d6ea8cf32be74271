"""Which kinds of filing a county requires a photo for — none by default.

The 2026 rules for government apps forbid forcing uploads of work photos where not necessary, so
a county may require one for a kind only by recording why it is necessary (at least
`MIN_REASON_LENGTH` characters); the compliance report lists each such decision as a justified
exception. Submitting or editing a filing of a required kind without a photo is refused.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import DomainError, ErrorCode, InvalidInput
from backend.core.validation import clean_text
from backend.filings.bodies import KIND_LABELS
from backend.filings.models import FilingKind, PhotoRequirement
from backend.org.access import STAFF_ROLES, require_role
from backend.org.models import Role

MIN_REASON_LENGTH = 10
MAX_REASON_LENGTH = 500


class PhotoRequired(DomainError):
    code = ErrorCode.PHOTO_REQUIRED


async def photo_requirements(session: AsyncSession, county_id: int) -> list[PhotoRequirement]:
    """The county's requirements, in the kinds' order."""
    rows = (await session.scalars(select(PhotoRequirement).where(PhotoRequirement.county_id == county_id))).all()
    order = list(FilingKind)
    return sorted(rows, key=lambda r: order.index(r.kind))


async def requirements_for(session: AsyncSession, actor: Actor | None) -> list[PhotoRequirement]:
    """What the caller's county requires (any staff member: the secretary's form shows it)."""
    actor = require_role(actor, *STAFF_ROLES)
    return await photo_requirements(session, actor.county_id)


async def check_photo_rule(session: AsyncSession, county_id: int, kind: FilingKind, photos: list[str]) -> None:
    if photos:
        return
    rule = await session.get(PhotoRequirement, (county_id, kind))
    if rule is not None:
        raise PhotoRequired(f"县里规定“{KIND_LABELS[kind]}”须附照片（{rule.reason}），请至少附一张", field="photos")


async def set_photo_requirement(
    session: AsyncSession, actor: Actor | None, kind: FilingKind, *, required: bool, reason: str | None, now: datetime
) -> list[PhotoRequirement]:
    """County only. Requiring needs the reason it is necessary; lifting needs nothing. Audited."""
    actor = require_role(actor, Role.COUNTY)
    if required:
        text = clean_text(reason or "", "reason", "必要性说明", max_length=MAX_REASON_LENGTH)
        if len(text) < MIN_REASON_LENGTH:
            raise InvalidInput(
                f"要求必须附照片，须写明为什么必要（至少 {MIN_REASON_LENGTH} 个字）；非必要不得强制上传", field="reason"
            )
        row = await session.get(PhotoRequirement, (actor.county_id, kind), with_for_update=True)
        if row is None:
            session.add(
                PhotoRequirement(
                    county_id=actor.county_id, kind=kind, reason=text, decided_by=actor.user_id, decided_at=now
                )
            )
        else:
            row.reason, row.decided_by, row.decided_at = text, actor.user_id, now
        detail: dict[str, object] = {"kind": kind.value, "required": True, "reason": text}
    else:
        await session.execute(
            delete(PhotoRequirement).where(PhotoRequirement.county_id == actor.county_id, PhotoRequirement.kind == kind)
        )
        detail = {"kind": kind.value, "required": False}
    audit.record(
        session,
        actor,
        county_id=actor.county_id,
        entity="photo_requirement",
        entity_id=kind.value,
        action="update",
        detail=detail,
    )
    await session.flush()
    return await photo_requirements(session, actor.county_id)
