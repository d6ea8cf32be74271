"""The township's monthly confirmation of the sheet (考勤确认), docs/ATTENDANCE.md.

The township confirms a month for its secretaries, one or all at once: the derived count (see
`stationed.py`), the county's rate and the allowance are frozen in `attendance_confirmations` and
are what the allowance sheet uses from then on. It may correct a secretary's days, with a required
note (a correction may also change an already-confirmed month). Confirming an already-confirmed
secretary again changes nothing. Every confirmation and correction is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.allowance import AllowanceRow, allowance_sheet
from backend.attendance.common import Month, local_date
from backend.attendance.models import ConfirmationSource, MonthConfirmation
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.orm import utcnow
from backend.org.access import access_secretary, require_role
from backend.org.models import Role, StationMode

NOTE_MAX = 200


@dataclass(frozen=True)
class Confirmed:
    confirmed: list[AllowanceRow]  # newly confirmed rows (as the sheet showed them before)
    already: int  # secretaries whose month was confirmed before


def _check_month(month: Month) -> None:
    if month.first_day > local_date(utcnow()):
        raise InvalidInput("不能确认尚未开始的月份", field="month")


async def confirm_month(
    session: AsyncSession, actor: Actor | None, month: Month, secretary_ids: list[int] | None
) -> Confirmed:
    """Township: freeze the derived numbers of the month for the named secretaries (or all)."""
    actor = require_role(actor, Role.TOWNSHIP)
    _check_month(month)
    if secretary_ids is not None:
        if not secretary_ids:
            raise InvalidInput("请至少选择一位第一书记", field="secretaryIds")
        for secretary_id in dict.fromkeys(secretary_ids):
            await access_secretary(session, actor, secretary_id)
    sheet = await allowance_sheet(session, actor, month=month)
    wanted = set(secretary_ids) if secretary_ids is not None else None
    rows = [r for r in sheet.rows if wanted is None or r.secretary_id in wanted]
    if wanted is not None and len({r.secretary_id for r in rows}) != len(wanted):
        raise InvalidInput("所选第一书记在该月不在任", field="secretaryIds")
    fresh = [r for r in rows if not r.confirmed]
    now = utcnow()
    added = []
    for row in fresh:
        added.append(
            MonthConfirmation(
                secretary_id=row.secretary_id,
                month=month.key,
                township_id=row.township_id,
                county_id=actor.county_id,
                derived_days=row.derived_days,
                stationed_days=row.derived_days,
                rate_yuan_per_day=row.rate_yuan_per_day,
                allowance_yuan=row.derived_days * row.rate_yuan_per_day,
                note="",
                source=ConfirmationSource.TOWNSHIP,
                confirmed_by=actor.user_id,
                confirmed_at=now,
            )
        )
    session.add_all(added)
    try:
        async with session.begin_nested():  # two township users confirming at once
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("该月考勤刚由他人确认，请刷新后再试") from exc
    if fresh:
        audit.record(
            session,
            actor,
            county_id=actor.county_id,
            entity="attendance_month",
            entity_id=f"{actor.township_id}:{month.key}",
            action="confirm",
            detail={
                "month": month.key,
                "secretaries": {str(r.secretary_id): [r.derived_days, r.rate_yuan_per_day] for r in fresh},
            },
        )
    await session.flush()
    return Confirmed(confirmed=fresh, already=len(rows) - len(fresh))


async def correct_month(
    session: AsyncSession, actor: Actor | None, month: Month, secretary_id: int, days: int, note: str | None
) -> MonthConfirmation:
    """Township: confirm a secretary's month with a corrected day count; the note is required."""
    actor = require_role(actor, Role.TOWNSHIP)
    _check_month(month)
    text = (note or "").strip()
    if not text:
        raise InvalidInput("更正天数须填写说明", field="note")
    if len(text) > NOTE_MAX:
        raise InvalidInput(f"说明不能超过 {NOTE_MAX} 字", field="note")
    profile = await access_secretary(session, actor, secretary_id)
    workdays = sum(1 for n in range(month.last_day.day) if month.first_day.replace(day=n + 1).weekday() < 5)
    limit = workdays if profile.mode is StationMode.RESIDENT else month.last_day.day
    if not 0 <= days <= limit:
        raise InvalidInput(f"天数应在 0 至 {limit} 之间", field="stationedDays")
    sheet = await allowance_sheet(session, actor, month=month)
    row = next((r for r in sheet.rows if r.secretary_id == secretary_id), None)
    if row is None:
        raise NotFound("该第一书记在该月不在任")
    existing = await session.get(MonthConfirmation, (secretary_id, month.key), with_for_update=True)
    # (a correction racing a first confirmation of the same month is refused by the primary key)
    before = existing.stationed_days if existing is not None else None
    if existing is None:
        existing = MonthConfirmation(
            secretary_id=secretary_id,
            month=month.key,
            township_id=row.township_id,
            county_id=actor.county_id,
            derived_days=row.derived_days,
            rate_yuan_per_day=row.rate_yuan_per_day,
        )
        session.add(existing)
    existing.stationed_days = days
    existing.allowance_yuan = days * existing.rate_yuan_per_day
    existing.note = text
    existing.source = ConfirmationSource.TOWNSHIP
    existing.confirmed_by = actor.user_id
    existing.confirmed_at = utcnow()
    audit.record(
        session,
        actor,
        county_id=actor.county_id,
        entity="attendance_month",
        entity_id=f"{secretary_id}:{month.key}",
        action="correct",
        detail={
            "month": month.key,
            "secretary_id": secretary_id,
            "derived_days": row.derived_days,
            "before": before,
            "days": days,
            "note": text,
        },
    )
    await session.flush()
    return existing
