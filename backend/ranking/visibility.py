"""Whether townships see the county's ranking (晾晒): a county setting with a recorded decision.

The value lives in the county's settings (CountyRules.townships_see_ranking, 0 or 1, default 0);
the decision — its basis (e.g. "县委组织部部务会 2026-12-01 决定向镇街通报"), who took it and
when — is the audit event written with it (entity "ranking_visibility", the county's id), so the
decision is as tamper-evident as the rest of the trail. Reading the decision reads that event.
The county alone changes it, and only with a basis of MIN_REASON..MAX_REASON characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.audit.models import AuditEvent
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.org.access import require_role
from backend.org.county_settings import update_rules
from backend.org.models import Role, User
from backend.ranking.access import townships_see_ranking

MIN_REASON = 10
MAX_REASON = 500
ENTITY = "ranking_visibility"


@dataclass(frozen=True, slots=True)
class Visibility:
    townships_see: bool
    reason: str | None  # None: never decided (the default applies)
    decided_by: str | None
    decided_at: datetime | None


def clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise InvalidInput(f"请填写决定依据（至少 {MIN_REASON} 个字），如会议名称、日期和决定内容", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"决定依据不能超过 {MAX_REASON} 个字", field="reason")
    return reason


async def ranking_visibility(session: AsyncSession, county_id: int) -> Visibility:
    """The current value and the latest recorded decision of the county."""
    value = await townships_see_ranking(session, county_id)
    found = (
        await session.execute(
            select(AuditEvent, User.name)
            .outerjoin(User, User.id == AuditEvent.actor_user_id)
            .where(
                AuditEvent.county_id == county_id,
                AuditEvent.entity == ENTITY,
                AuditEvent.entity_id == str(county_id),
            )
            .order_by(AuditEvent.seq.desc(), AuditEvent.id.desc())
            .limit(1)
        )
    ).first()
    if found is None:
        return Visibility(value, None, None, None)
    event, name = found
    return Visibility(value, str(event.detail.get("reason") or ""), name, event.at)


async def read_ranking_visibility(session: AsyncSession, actor: Actor | None) -> Visibility:
    """County and township users read their county's decision (a township learns why it sees none)."""
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    return await ranking_visibility(session, actor.county_id)


async def set_ranking_visibility(
    session: AsyncSession, actor: Actor | None, townships_see: bool, reason: str
) -> Visibility:
    """County only: open or close the ranking to townships, with the decision's basis, audited."""
    actor = require_role(actor, Role.COUNTY)
    basis = clean_reason(reason)
    before = await townships_see_ranking(session, actor.county_id)
    await update_rules(session, actor, {"townships_see_ranking": int(townships_see)}, decided=True)
    audit.record(
        session,
        actor,
        county_id=actor.county_id,
        entity=ENTITY,
        entity_id=actor.county_id,
        action="open" if townships_see else "close",
        detail={"townships_see": townships_see, "before": before, "reason": basis},
    )
    await session.flush()
    return await ranking_visibility(session, actor.county_id)
