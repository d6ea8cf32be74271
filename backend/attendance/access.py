"""The doors to a check-in and a roll call (see backend/org/access.py for what a door is).

No query reads one of them by an id it was given today — check-ins are listed per secretary
(behind `access_secretary`), roll calls per township — but any that does goes through here. The
phone's own resend of an id is not such a read: see `check_in` and `start_roll_call`.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.models import CheckIn, DayDeclaration, RollCall
from backend.auth.actor import Actor
from backend.core.sync import client_id
from backend.org.access import STAFF_ROLES, one_in_scope, require_role, scope_by_jurisdiction
from backend.org.models import Role


def scope_checkins(actor: Actor) -> ColumnElement[bool]:
    """Staff: the check-ins made in their jurisdiction (a secretary: in their own village)."""
    if actor.role not in STAFF_ROLES:
        return false()
    return scope_by_jurisdiction(actor, CheckIn.village_id, CheckIn.township_id, CheckIn.county_id)


async def access_checkin(
    session: AsyncSession, actor: Actor | None, checkin_id: str, *, for_update: bool = False
) -> CheckIn:
    actor = require_role(actor, *STAFF_ROLES)
    stmt = select(CheckIn).where(CheckIn.id == client_id(checkin_id), scope_checkins(actor))
    return await one_in_scope(session, stmt, "签到记录不存在", for_update=for_update)


def scope_roll_calls(actor: Actor) -> ColumnElement[bool]:
    """Township: its own roll calls; county: every roll call in the county."""
    match actor.role:
        case Role.COUNTY:
            return RollCall.county_id == actor.county_id
        case Role.TOWNSHIP:
            return RollCall.township_id == actor.township_id
    return false()


async def access_roll_call(
    session: AsyncSession, actor: Actor | None, roll_call_id: str, *, for_update: bool = False
) -> RollCall:
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    stmt = select(RollCall).where(RollCall.id == client_id(roll_call_id), scope_roll_calls(actor))
    return await one_in_scope(session, stmt, "点名记录不存在", for_update=for_update)


def scope_day_declarations(actor: Actor) -> ColumnElement[bool]:
    """Township: its villages' declarations; county: every one in the county (read only)."""
    match actor.role:
        case Role.COUNTY:
            return DayDeclaration.county_id == actor.county_id
        case Role.TOWNSHIP:
            return DayDeclaration.township_id == actor.township_id
    return false()


async def access_day_declaration(
    session: AsyncSession, actor: Actor | None, declaration_id: int, *, for_update: bool = False
) -> DayDeclaration:
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    stmt = select(DayDeclaration).where(DayDeclaration.id == declaration_id, scope_day_declarations(actor))
    return await one_in_scope(session, stmt, "申报记录不存在", for_update=for_update)
