"""Declared days (申报) and the secretary's own month (我的考勤), docs/ATTENDANCE.md.

A secretary may declare a workday: 镇街会议 / 培训 / 公务外出 count as stationed at once (official
business; the township sees them on the sheet it confirms); 请假 never counts and waits for the
township's approval. One declaration per day; it can be withdrawn while the month is unconfirmed
(a decided leave cannot). Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.access import access_day_declaration, scope_day_declarations
from backend.attendance.common import Month, local_date
from backend.attendance.models import DayDeclaration, DeclarationReason, DeclarationStatus, MonthConfirmation
from backend.attendance.stationed import REASON_LABELS, MonthCount, Scope, count_month, load_evidence
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import Duplicate, InvalidInput, InvalidState
from backend.core.orm import utcnow
from backend.org.access import access_secretary, require_role, require_secretary_with_village
from backend.org.county_settings import rules_for
from backend.org.models import OrgUnit, Role, SecretaryProfile

NOTE_MAX = 200
MAX_AHEAD = timedelta(days=62)  # leave and trainings may be declared ahead, not years ahead


@dataclass(frozen=True)
class MyMonth:
    profile: SecretaryProfile
    village: OrgUnit
    month: Month
    counted: MonthCount
    confirmation: MonthConfirmation | None
    rate_yuan_per_day: int


def _clean_note(note: str | None, *, required: bool, field: str = "note") -> str:
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise InvalidInput(f"说明不能超过 {NOTE_MAX} 字", field=field)
    if required and not text:
        raise InvalidInput("请填写说明", field=field)
    return text


async def _confirmed(session: AsyncSession, secretary_id: int, day: date) -> bool:
    key = f"{day.year:04d}-{day.month:02d}"
    found = await session.get(MonthConfirmation, (secretary_id, key))
    return found is not None


async def my_month(session: AsyncSession, actor: Actor | None, month: Month) -> MyMonth:
    """The logged-in secretary's month: every day with its state and sources, and the confirmation."""
    profile, village = await require_secretary_with_village(session, actor)
    rules = await rules_for(session, profile.county_id)
    scope = Scope(county_id=profile.county_id, secretary_id=profile.id)
    evidence = await load_evidence(session, scope, month, {profile.id: village}, rules.geofence_radius_m)
    confirmation = await session.get(MonthConfirmation, (profile.id, month.key))
    return MyMonth(
        profile=profile,
        village=village,
        month=month,
        counted=count_month(profile, month, evidence.get(profile.id)),
        confirmation=confirmation,
        rate_yuan_per_day=rules.allowance_yuan_per_day,
    )


async def secretary_month(session: AsyncSession, actor: Actor | None, secretary_id: int, month: Month) -> MyMonth:
    """Township (its secretaries) or county: one secretary's month, day by day, for review."""
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    profile = await access_secretary(session, actor, secretary_id)
    village = await session.get(OrgUnit, profile.village_id)
    assert village is not None
    rules = await rules_for(session, profile.county_id)
    scope = Scope(county_id=profile.county_id, secretary_id=profile.id)
    evidence = await load_evidence(session, scope, month, {profile.id: village}, rules.geofence_radius_m)
    confirmation = await session.get(MonthConfirmation, (profile.id, month.key))
    return MyMonth(
        profile=profile,
        village=village,
        month=month,
        counted=count_month(profile, month, evidence.get(profile.id)),
        confirmation=confirmation,
        rate_yuan_per_day=rules.allowance_yuan_per_day,
    )


async def declare_day(
    session: AsyncSession, actor: Actor | None, *, day: date, reason: DeclarationReason, note: str | None
) -> DayDeclaration:
    profile, village = await require_secretary_with_village(session, actor)
    assert actor is not None
    text = _clean_note(note, required=reason is DeclarationReason.LEAVE)
    today = local_date(utcnow())
    if day.weekday() >= 5:
        raise InvalidInput("周六、周日不计驻村天数，无需申报", field="day")
    if not profile.term_start <= day <= profile.term_end:
        raise InvalidInput("该日期不在您的任期内", field="day")
    if day > today + MAX_AHEAD:
        raise InvalidInput("最多提前两个月申报", field="day")
    if reason is not DeclarationReason.LEAVE and day > today + timedelta(days=31):
        raise InvalidInput("公务申报最多提前一个月", field="day")
    if await _confirmed(session, profile.id, day):
        raise InvalidState("该月考勤镇街已确认，如需更正请联系镇街", field="day")
    existing = (
        await session.scalars(
            select(DayDeclaration).where(DayDeclaration.secretary_id == profile.id, DayDeclaration.day == day)
        )
    ).first()
    if existing is not None:
        raise Duplicate(f"该日已申报（{REASON_LABELS[existing.reason]}），如需改动请先撤回", field="day")
    assert village.township_id is not None
    declaration = DayDeclaration(
        secretary_id=profile.id,
        village_id=village.id,
        township_id=village.township_id,
        county_id=profile.county_id,
        day=day,
        reason=reason,
        note=text,
        status=DeclarationStatus.PENDING if reason is DeclarationReason.LEAVE else DeclarationStatus.DECLARED,
        created_by=actor.user_id,
    )
    session.add(declaration)
    try:
        async with session.begin_nested():  # two phones declaring the same day at once
            await session.flush()
    except IntegrityError as exc:
        raise Duplicate("该日已申报，如需改动请先撤回", field="day") from exc
    audit.record(
        session,
        actor,
        county_id=profile.county_id,
        entity="day_declaration",
        entity_id=declaration.id,
        action="declare",
        detail={"secretary_id": profile.id, "day": day.isoformat(), "reason": reason.value, "note": text},
    )
    await session.flush()
    return declaration


async def withdraw_day(session: AsyncSession, actor: Actor | None, *, day: date) -> DayDeclaration:
    profile, _ = await require_secretary_with_village(session, actor)
    declaration = (
        await session.scalars(
            select(DayDeclaration)
            .where(DayDeclaration.secretary_id == profile.id, DayDeclaration.day == day)
            .with_for_update()
        )
    ).first()
    if declaration is None:
        raise InvalidInput("该日没有申报", field="day")
    if declaration.status in (DeclarationStatus.APPROVED, DeclarationStatus.REJECTED):
        raise InvalidState("请假已由镇街审批，不能撤回", field="day")
    if await _confirmed(session, profile.id, day):
        raise InvalidState("该月考勤镇街已确认，如需更正请联系镇街", field="day")
    audit.record(
        session,
        actor,
        county_id=profile.county_id,
        entity="day_declaration",
        entity_id=declaration.id,
        action="withdraw",
        detail={"secretary_id": profile.id, "day": day.isoformat(), "reason": declaration.reason.value},
    )
    await session.delete(declaration)
    await session.flush()
    return declaration


async def decide_leave(
    session: AsyncSession, actor: Actor | None, declaration_id: int, *, approve: bool, note: str | None
) -> DayDeclaration:
    """Township: approve or reject a pending leave request of one of its secretaries."""
    actor = require_role(actor, Role.TOWNSHIP)
    text = _clean_note(note, required=not approve)
    declaration = await access_day_declaration(session, actor, declaration_id, for_update=True)
    if declaration.reason is not DeclarationReason.LEAVE or declaration.status is not DeclarationStatus.PENDING:
        raise InvalidState("只能审批待批的请假申请")
    declaration.status = DeclarationStatus.APPROVED if approve else DeclarationStatus.REJECTED
    declaration.decided_by = actor.user_id
    declaration.decided_at = utcnow()
    declaration.decision_note = text
    audit.record(
        session,
        actor,
        county_id=declaration.county_id,
        entity="day_declaration",
        entity_id=declaration.id,
        action="approve_leave" if approve else "reject_leave",
        detail={"secretary_id": declaration.secretary_id, "day": declaration.day.isoformat(), "note": text},
    )
    await session.flush()
    return declaration


async def list_declarations(
    session: AsyncSession, actor: Actor | None, month: Month, *, pending_only: bool = False
) -> list[tuple[DayDeclaration, SecretaryProfile]]:
    """Township: its secretaries' declarations in the month; county: the county's (read only)."""
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    stmt = (
        select(DayDeclaration, SecretaryProfile)
        .join(SecretaryProfile, SecretaryProfile.id == DayDeclaration.secretary_id)
        .where(
            scope_day_declarations(actor),
            DayDeclaration.day >= month.first_day,
            DayDeclaration.day <= month.last_day,
        )
        .order_by(DayDeclaration.day, DayDeclaration.id)
    )
    if pending_only:
        stmt = stmt.where(DayDeclaration.status == DeclarationStatus.PENDING)
    return list((await session.execute(stmt)).tuples().all())
