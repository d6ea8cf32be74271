"""Roll calls (点名): a township names secretaries; each must check in inside the geofence
before the deadline (started_at + the county's roll_call_minutes).

Everything lives in the database (no in-process state), so a roll call started through one app
process is seen, and answered, through any other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.access import scope_roll_calls
from backend.attendance.common import paginate_newest_first
from backend.attendance.models import CheckIn, RollCall, RollCallTarget
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.orm import utcnow
from backend.core.pagination import Page
from backend.core.sync import client_id
from backend.org.access import require_role, require_secretary, scope_secretaries
from backend.org.county_settings import rules_for
from backend.org.models import OrgUnit, Role, SecretaryProfile

MAX_TARGETS = 500
MAX_NOTE = 200


@dataclass(frozen=True)
class NewRollCall:
    id: str
    secretary_ids: list[int]
    note: str = ""


@dataclass(frozen=True)
class TargetView:
    secretary: SecretaryProfile
    checkin: CheckIn | None

    @property
    def answered(self) -> bool:
        return self.checkin is not None


@dataclass(frozen=True)
class RollCallView:
    roll_call: RollCall
    targets: list[TargetView]
    open: bool

    @property
    def answered_count(self) -> int:
        return sum(1 for t in self.targets if t.answered)


async def start_roll_call(
    session: AsyncSession, actor: Actor | None, new: NewRollCall, *, now: datetime | None = None
) -> RollCallView:
    """Township: start a roll call of secretaries in its own villages. Idempotent by the id."""
    actor = require_role(actor, Role.TOWNSHIP)
    assert actor.township_id is not None
    now = now or utcnow()
    cid = client_id(new.id)
    wanted = sorted(set(new.secretary_ids))
    if not wanted:
        raise InvalidInput("请至少选择一名第一书记", field="secretaryIds")
    if len(wanted) > MAX_TARGETS:
        raise InvalidInput(f"一次点名最多 {MAX_TARGETS} 人", field="secretaryIds")
    note = (new.note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"备注不能超过 {MAX_NOTE} 个字", field="note")

    existing = await session.get(RollCall, cid)
    if existing is not None:
        return await _retry(session, actor, existing, wanted, note, now)

    profiles = (
        await session.scalars(select(SecretaryProfile).where(SecretaryProfile.id.in_(wanted), scope_secretaries(actor)))
    ).all()
    if len(profiles) != len(wanted):  # no such secretary, or not of this township's villages: one answer
        raise NotFound("第一书记记录不存在")
    rules = await rules_for(session, actor.county_id)
    roll_call = RollCall(
        id=cid,
        township_id=actor.township_id,
        county_id=actor.county_id,
        started_by=actor.user_id,
        started_at=now,
        deadline_at=now + timedelta(minutes=rules.roll_call_minutes),
        note=note,
    )
    session.add(roll_call)
    session.add_all(RollCallTarget(roll_call_id=cid, secretary_id=sid) for sid in wanted)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        stored = await session.get(RollCall, cid, populate_existing=True)
        if stored is None:
            raise
        return await _retry(session, actor, stored, wanted, note, now)
    audit.record(
        session,
        actor,
        county_id=actor.county_id,
        entity="roll_call",
        entity_id=cid,
        action="start",
        detail={"secretary_ids": wanted, "deadline_at": roll_call.deadline_at.isoformat(), "note": note},
    )
    await session.flush()
    by_id = {p.id: p for p in profiles}
    return RollCallView(roll_call, [TargetView(by_id[sid], None) for sid in wanted], open=True)


async def _retry(
    session: AsyncSession, actor: Actor, stored: RollCall, wanted: list[int], note: str, now: datetime
) -> RollCallView:
    views = await _with_targets(session, [stored], now)
    same = (
        stored.township_id == actor.township_id
        and stored.note == note
        and sorted(t.secretary.id for t in views[0].targets) == wanted
    )
    if not same:
        raise Conflict("该点名编号已用于内容不同的另一次点名", field="id")
    return views[0]


async def _with_targets(
    session: AsyncSession, roll_calls: list[RollCall], now: datetime, *, only_secretary: int | None = None
) -> list[RollCallView]:
    """Targets, secretaries and answering check-ins of a page of roll calls: one query."""
    if not roll_calls:
        return []
    stmt = (
        select(RollCallTarget.roll_call_id, SecretaryProfile, CheckIn)
        .join(SecretaryProfile, SecretaryProfile.id == RollCallTarget.secretary_id)
        .outerjoin(CheckIn, CheckIn.id == RollCallTarget.checkin_id)
        .where(RollCallTarget.roll_call_id.in_([rc.id for rc in roll_calls]))
        .order_by(RollCallTarget.roll_call_id, SecretaryProfile.name, SecretaryProfile.id)
    )
    if only_secretary is not None:
        stmt = stmt.where(RollCallTarget.secretary_id == only_secretary)
    targets: dict[str, list[TargetView]] = defaultdict(list)
    for roll_call_id, secretary, checkin in (await session.execute(stmt)).tuples():
        targets[roll_call_id].append(TargetView(secretary, checkin))
    return [RollCallView(rc, targets[rc.id], open=now <= rc.deadline_at) for rc in roll_calls]


async def list_roll_calls(
    session: AsyncSession,
    actor: Actor | None,
    *,
    first: int | None,
    after: str | None,
    now: datetime | None = None,
) -> Page[RollCallView]:
    """Township: its own roll calls; county: every roll call in the county. Newest first."""
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    stmt = select(RollCall).where(scope_roll_calls(actor))
    page = await paginate_newest_first(session, stmt, RollCall.started_at, RollCall.id, first=first, after=after)
    views = await _with_targets(session, page.items, now or utcnow())
    return Page(items=views, cursors=page.cursors, has_next=page.has_next, total=page.total)


async def my_open_roll_calls(
    session: AsyncSession, actor: Actor | None, *, now: datetime | None = None
) -> list[RollCallView]:
    """The calling secretary's roll calls whose deadline has not passed, with only their own
    target (a secretary does not see who else was named)."""
    profile = await require_secretary(session, actor)
    return await open_roll_calls_of(session, profile, now or utcnow())


async def open_roll_calls_of(session: AsyncSession, profile: SecretaryProfile, now: datetime) -> list[RollCallView]:
    """`my_open_roll_calls` for a secretary record the caller already holds (their own)."""
    township_id = select(OrgUnit.township_id).where(OrgUnit.id == profile.village_id).scalar_subquery()
    roll_calls = (
        await session.scalars(
            select(RollCall)
            .join(RollCallTarget, RollCallTarget.roll_call_id == RollCall.id)
            .where(
                RollCall.township_id == township_id,
                RollCall.deadline_at >= now,
                RollCallTarget.secretary_id == profile.id,
            )
            .order_by(RollCall.deadline_at, RollCall.id)
        )
    ).all()
    return await _with_targets(session, list(roll_calls), now, only_secretary=profile.id)


async def running_roll_calls(
    session: AsyncSession, actor: Actor | None, *, now: datetime | None = None
) -> list[RollCallView]:
    """Township: its roll calls whose deadline has not passed; county: all of the county's.
    Soonest deadline first (a roll call runs for the county's roll_call_minutes, so there are few)."""
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    now = now or utcnow()
    stmt = (
        select(RollCall)
        .where(scope_roll_calls(actor), RollCall.deadline_at >= now)
        .order_by(RollCall.deadline_at, RollCall.id)
    )
    return await _with_targets(session, list((await session.scalars(stmt)).all()), now)
