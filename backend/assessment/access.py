"""The doors to a secretary's assessment, a village's yearly class and a disqualifying event (see
backend/org/access.py for what a door is).

An assessment and a class record are keyed by their owner and the period (a secretary's
assessment for 2026, a village's class for 2026) and may not exist yet: their doors take the
owner's id, answer NOT_FOUND when the owner is outside the caller's jurisdiction, and return the
owner with the row, or None before the row is first made. Inside the jurisdiction, who assesses
whom (DOMAIN.md section 5) is FORBIDDEN: the caller sees that secretary anyway.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.common import Subject, can_read, can_score, parse_period
from backend.assessment.models import Assessment, Disqualification, OrgClassRecord
from backend.auth.actor import Actor
from backend.core.errors import Forbidden, NotFound
from backend.org.access import access_org_unit, one_in_scope, require_actor, require_role, scope_secretaries
from backend.org.models import OrgKind, OrgUnit, Role, SecretaryProfile

AssessmentAccess = Literal["read", "score"]


async def access_assessment(
    session: AsyncSession,
    actor: Actor | None,
    secretary_id: int,
    period: str,
    *,
    to: AssessmentAccess = "read",
    for_update: bool = False,
) -> tuple[Subject, Assessment | None]:
    """`to="read"`: the assessor, the county (every secretary of the county) or the secretary
    themself; `"score"`: the assessor only. `for_update`: the assessment row read under a row lock,
    so a concurrent scoring waits for this transaction and then sees the committed version (a stale
    version is refused before any write)."""
    actor = require_actor(actor)
    if to == "score" and actor.role not in (Role.COUNTY, Role.TOWNSHIP):
        raise Forbidden("只有县委组织部或乡镇党委可以评分")
    if actor.role is Role.MEMBER:
        raise Forbidden("党员群众无权查看考评")
    row = (
        await session.execute(
            select(SecretaryProfile, OrgUnit)
            .join(OrgUnit, OrgUnit.id == SecretaryProfile.village_id)
            .where(SecretaryProfile.id == secretary_id, scope_secretaries(actor))
        )
    ).first()
    if row is None:  # the same answer for no such secretary and one of another jurisdiction
        raise NotFound("第一书记记录不存在")
    subject = Subject(row[0], row[1])
    if to == "score" and not can_score(actor, subject):
        if can_read(actor, subject):
            who = "县委组织部" if subject.assessor_role is Role.COUNTY else "所在乡镇党委"
            raise Forbidden(f"该第一书记由{who}评分，您只能查看")
        raise Forbidden("该第一书记不由您评分")
    if not can_read(actor, subject):
        raise Forbidden("无权查看该第一书记的考评")
    stmt = select(Assessment).where(
        Assessment.secretary_id == subject.secretary.id, Assessment.period == parse_period(period).text
    )
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return subject, (await session.scalars(stmt)).first()


async def access_org_class_record(
    session: AsyncSession, actor: Actor | None, village_id: int, period: str, *, for_update: bool = False
) -> tuple[OrgUnit, OrgClassRecord | None]:
    """A village of the caller's jurisdiction and its class for the period (None until recorded)."""
    village = await access_org_unit(session, actor, village_id, kind=OrgKind.VILLAGE)
    stmt = select(OrgClassRecord).where(
        OrgClassRecord.village_id == village.id, OrgClassRecord.period == parse_period(period).text
    )
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return village, (await session.scalars(stmt)).first()


def scope_disqualifications(actor: Actor) -> ColumnElement[bool]:
    """County: the county's; township: those of its villages' secretaries."""
    match actor.role:
        case Role.COUNTY:
            return Disqualification.county_id == actor.county_id
        case Role.TOWNSHIP:
            return Disqualification.secretary_id.in_(select(SecretaryProfile.id).where(scope_secretaries(actor)))
    return false()


async def access_disqualification(
    session: AsyncSession, actor: Actor | None, disqualification_id: int, *, for_update: bool = False
) -> Disqualification:
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    stmt = select(Disqualification).where(Disqualification.id == disqualification_id, scope_disqualifications(actor))
    return await one_in_scope(session, stmt, "该记录不存在", for_update=for_update)
