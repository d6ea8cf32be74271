"""Roll calls (点名): a township names secretaries; each must check in inside the geofence
before the deadline (started_at + the county's roll_call_minutes), or the township records that it
reached them by a phone or video call (电话/视频核实).

Under the 2026 rules for government apps (国办函〔2026〕12号) a forced check-in is an exception, so a
roll call states its reason (督查抽查, 应急, 安全, 其他 with an explanation) and names a secretary at
most the county's `roll_calls_per_month` times a calendar month (Beijing time). Nothing starts a
roll call but a township's own request: there are no daily or recurring roll calls.

Everything lives in the database (no in-process state), so a roll call started through one app
process is seen, and answered, through any other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.access import access_roll_call, scope_roll_calls
from backend.attendance.common import Month, local_date, paginate_newest_first
from backend.attendance.models import CheckIn, RollCall, RollCallReason, RollCallTarget, VerificationMode
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import Conflict, DomainError, ErrorCode, InvalidInput, NotFound
from backend.core.orm import utcnow
from backend.core.pagination import Page
from backend.core.sync import client_id
from backend.org.access import require_role, require_secretary, scope_secretaries
from backend.org.county_settings import rules_for
from backend.org.models import OrgUnit, Role, SecretaryProfile

MAX_TARGETS = 500
MAX_NOTE = 200
MAX_VERIFY_NOTE = 200  # roll_call_targets.verified_note

REASON_LABELS = {
    RollCallReason.SPOT_CHECK: "督查抽查",
    RollCallReason.EMERGENCY: "应急",
    RollCallReason.SECURITY: "安全",
    RollCallReason.OTHER: "其他",
}
MODE_LABELS = {VerificationMode.PHONE: "电话核实", VerificationMode.VIDEO: "视频核实"}


@dataclass(frozen=True)
class NewRollCall:
    id: str
    secretary_ids: list[int]
    reason: RollCallReason | None = None
    note: str = ""


@dataclass(frozen=True)
class Verification:
    roll_call_id: str
    secretary_id: int
    mode: VerificationMode
    note: str


@dataclass(frozen=True)
class TargetView:
    secretary: SecretaryProfile
    checkin: CheckIn | None
    target: RollCallTarget | None = None

    @property
    def verified(self) -> bool:
        return self.target is not None and self.target.verified_at is not None

    @property
    def answered(self) -> bool:
        return self.checkin is not None or self.verified


@dataclass(frozen=True)
class MonthlyUse:
    """How often a secretary has been named this month, against the county's cap."""

    secretary: SecretaryProfile
    used: int
    cap: int

    @property
    def left(self) -> int:
        return max(0, self.cap - self.used)


class RollCallCapReached(DomainError):
    code = ErrorCode.ROLL_CALL_CAP_REACHED


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
    if new.reason is None:
        raise InvalidInput("请选择点名事由（督查抽查、应急、安全或其他）", field="reason")
    note = (new.note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"事由说明不能超过 {MAX_NOTE} 个字", field="note")
    if new.reason is RollCallReason.OTHER and not note:
        raise InvalidInput("事由为“其他”时，请写明点名事由", field="note")

    existing = await session.get(RollCall, cid)
    if existing is not None:
        return await _retry(session, actor, existing, wanted, new.reason, note, now)

    # The secretaries' rows are locked (PostgreSQL; SQLite writers take turns) so that two roll
    # calls racing for the last of a secretary's monthly allowance cannot both count it free.
    profiles = (
        await session.scalars(
            select(SecretaryProfile)
            .where(SecretaryProfile.id.in_(wanted), scope_secretaries(actor))
            .order_by(SecretaryProfile.id)
            .with_for_update(of=SecretaryProfile)
        )
    ).all()
    if len(profiles) != len(wanted):  # no such secretary, or not of this township's villages: one answer
        raise NotFound("第一书记记录不存在")
    existing = await session.get(RollCall, cid, populate_existing=True)
    if existing is not None:  # the same id committed while this one waited for the locks
        return await _retry(session, actor, existing, wanted, new.reason, note, now)
    rules = await rules_for(session, actor.county_id)
    full = [u for u in await _monthly_use(session, list(profiles), rules.roll_calls_per_month, now) if u.left == 0]
    if full:
        names = "、".join(u.secretary.name for u in full)
        raise RollCallCapReached(
            f"{names} 本月已被点名 {rules.roll_calls_per_month} 次，达到县里规定的每月上限，本次点名未发起",
            field="secretaryIds",
        )
    roll_call = RollCall(
        id=cid,
        township_id=actor.township_id,
        county_id=actor.county_id,
        started_by=actor.user_id,
        started_at=now,
        deadline_at=now + timedelta(minutes=rules.roll_call_minutes),
        reason=new.reason,
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
        return await _retry(session, actor, stored, wanted, new.reason, note, now)
    audit.record(
        session,
        actor,
        county_id=actor.county_id,
        entity="roll_call",
        entity_id=cid,
        action="start",
        detail={
            "secretary_ids": wanted,
            "deadline_at": roll_call.deadline_at.isoformat(),
            "reason": new.reason.value,
            "note": note,
        },
    )
    await session.flush()
    by_id = {p.id: p for p in profiles}
    return RollCallView(roll_call, [TargetView(by_id[sid], None) for sid in wanted], open=True)


async def _retry(
    session: AsyncSession,
    actor: Actor,
    stored: RollCall,
    wanted: list[int],
    reason: RollCallReason,
    note: str,
    now: datetime,
) -> RollCallView:
    views = await _with_targets(session, [stored], now)
    same = (
        stored.township_id == actor.township_id
        and stored.reason == reason
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
        select(RollCallTarget, SecretaryProfile, CheckIn)
        .join(SecretaryProfile, SecretaryProfile.id == RollCallTarget.secretary_id)
        .outerjoin(CheckIn, CheckIn.id == RollCallTarget.checkin_id)
        .where(RollCallTarget.roll_call_id.in_([rc.id for rc in roll_calls]))
        .order_by(RollCallTarget.roll_call_id, SecretaryProfile.name, SecretaryProfile.id)
    )
    if only_secretary is not None:
        stmt = stmt.where(RollCallTarget.secretary_id == only_secretary)
    targets: dict[str, list[TargetView]] = defaultdict(list)
    for target, secretary, checkin in (await session.execute(stmt)).tuples():
        targets[target.roll_call_id].append(TargetView(secretary, checkin, target))
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


async def _monthly_use(
    session: AsyncSession, profiles: list[SecretaryProfile], cap: int, now: datetime
) -> list[MonthlyUse]:
    """How many roll calls named each secretary in the calendar month (Beijing time) of `now`."""
    today = local_date(now)
    start, end = Month(today.year, today.month).utc_bounds()
    rows = await session.execute(
        select(RollCallTarget.secretary_id, func.count())
        .join(RollCall, RollCall.id == RollCallTarget.roll_call_id)
        .where(
            RollCallTarget.secretary_id.in_([p.id for p in profiles]),
            RollCall.started_at >= start,
            RollCall.started_at < end,
        )
        .group_by(RollCallTarget.secretary_id)
    )
    counts = {secretary_id: count for secretary_id, count in rows.tuples()}
    return [MonthlyUse(p, int(counts.get(p.id, 0)), cap) for p in profiles]


async def roll_call_allowance(
    session: AsyncSession, actor: Actor | None, *, now: datetime | None = None
) -> list[MonthlyUse]:
    """Township: how many more roll calls may name each of its secretaries this month."""
    actor = require_role(actor, Role.TOWNSHIP)
    now = now or utcnow()
    profiles = (
        await session.scalars(
            select(SecretaryProfile)
            .where(scope_secretaries(actor))
            .order_by(SecretaryProfile.name, SecretaryProfile.id)
        )
    ).all()
    rules = await rules_for(session, actor.county_id)
    return await _monthly_use(session, list(profiles), rules.roll_calls_per_month, now)


async def verify_roll_call_target(
    session: AsyncSession, actor: Actor | None, verification: Verification, *, now: datetime | None = None
) -> RollCallView:
    """Township: record that it reached a named secretary by a phone or video call; the target
    counts as answered. A resend of the same record is a safe retry; a target already answered by
    a check-in, or verified otherwise, is not recorded again."""
    actor = require_role(actor, Role.TOWNSHIP)
    now = now or utcnow()
    note = (verification.note or "").strip()
    if not note:
        raise InvalidInput("请写明核实情况，例如：视频中看到其在村委会", field="note")
    if len(note) > MAX_VERIFY_NOTE:
        raise InvalidInput(f"核实情况不能超过 {MAX_VERIFY_NOTE} 个字", field="note")
    roll_call = await access_roll_call(session, actor, verification.roll_call_id, for_update=True)
    target = (
        await session.scalars(
            select(RollCallTarget)
            .where(
                RollCallTarget.roll_call_id == roll_call.id,
                RollCallTarget.secretary_id == verification.secretary_id,
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).first()
    if target is None:
        raise NotFound("该第一书记不在此次点名名单中")
    if target.verified_at is not None:
        if target.verified_mode == verification.mode and target.verified_note == note:
            return (await _with_targets(session, [roll_call], now))[0]
        raise Conflict("该第一书记已核实过，不能重复记录", field="secretaryId")
    if target.checkin_id is not None:
        raise Conflict("该第一书记已签到应答，无需再核实", field="secretaryId")
    target.verified_mode = verification.mode
    target.verified_note = note
    target.verified_by = actor.user_id
    target.verified_at = now
    audit.record(
        session,
        actor,
        county_id=roll_call.county_id,
        entity="roll_call",
        entity_id=roll_call.id,
        action="verify",
        detail={"secretary_id": target.secretary_id, "mode": verification.mode.value, "note": note},
    )
    await session.flush()
    return (await _with_targets(session, [roll_call], now))[0]
