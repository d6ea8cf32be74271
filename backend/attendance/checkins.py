"""Check-ins (签到): a secretary's GPS fix, measured against the village geofence.

A check-in is always recorded, inside or outside: outside (or with no village centre to measure
against) it is flagged, with the distance, and never counts as a stationed day or answers a roll
call. The phone makes the id, so a resend is a safe retry (same content) or a CONFLICT.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.common import Month, paginate_newest_first
from backend.attendance.models import CheckIn, RollCall, RollCallTarget
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.core.geo import haversine_m, valid_point
from backend.core.orm import utcnow
from backend.core.pagination import Page
from backend.core.sync import check_retry, client_id, content_hash
from backend.org.access import access_secretary, require_secretary
from backend.org.county_settings import rules_for
from backend.org.models import OrgUnit, SecretaryProfile

MAX_CLOCK_AHEAD = timedelta(minutes=10)  # the phone clock may run a little fast, not more

NO_CENTRE_FLAG = "村中心点未设置"
REASON_OUTSIDE = "签到位置不在村驻地范围内，点名未应答，请到村内重新签到"
REASON_NO_CENTRE = "村中心点未设置，无法核验位置，点名未应答，请联系镇街设置村中心点"
REASON_OUT_OF_WINDOW = "签到时间不在点名时限内，点名未应答"


@dataclass(frozen=True)
class NewCheckIn:
    id: str
    at: datetime
    lat: float
    lng: float
    accuracy_m: float | None = None


@dataclass(frozen=True)
class RollCallOutcome:
    """What a check-in did to one open roll call naming the secretary."""

    roll_call_id: str
    deadline_at: datetime
    answered: bool
    reason: str | None = None


@dataclass
class CheckInResult:
    checkin: CheckIn
    roll_calls: list[RollCallOutcome] = field(default_factory=list)
    retried: bool = False


def flag_of(checkin: CheckIn) -> str | None:
    """Why a check-in is flagged (shown beside it), or None when it is inside the geofence."""
    if checkin.distance_m is None:
        return NO_CENTRE_FLAG
    if not checkin.inside_geofence:
        return f"超出村驻地范围：距村中心约 {checkin.distance_m / 1000:.1f} 公里"
    return None


def _validate(new: NewCheckIn, now: datetime) -> tuple[str, datetime]:
    cid = client_id(new.id)
    if new.at.tzinfo is None:
        raise InvalidInput("签到时间须带时区", field="at")
    at = new.at.astimezone(UTC)
    if at > now + MAX_CLOCK_AHEAD:
        raise InvalidInput("签到时间晚于服务器时间，请校准手机时钟", field="at")
    if not valid_point(new.lat, new.lng):
        raise InvalidInput("定位坐标无效：纬度应在 -90 到 90、经度应在 -180 到 180 之间", field="lat")
    if new.accuracy_m is not None and (not math.isfinite(new.accuracy_m) or new.accuracy_m < 0):
        raise InvalidInput("定位精度须为非负数", field="accuracyM")
    return cid, at


def _content(profile: SecretaryProfile, new: NewCheckIn, at: datetime) -> str:
    return content_hash(
        {"secretary_id": profile.id, "at": at.isoformat(), "lat": new.lat, "lng": new.lng, "accuracy_m": new.accuracy_m}
    )


async def check_in(
    session: AsyncSession, actor: Actor | None, new: NewCheckIn, *, now: datetime | None = None
) -> CheckInResult:
    """Record a check-in of the calling secretary and let it answer open roll calls."""
    profile = await require_secretary(session, actor)
    now = now or utcnow()
    cid, at = _validate(new, now)
    digest = _content(profile, new, at)
    existing = await session.get(CheckIn, cid)
    if existing is not None:
        return await _retry(session, existing, digest, now)

    village = await session.get(OrgUnit, profile.village_id)
    assert village is not None and village.township_id is not None
    rules = await rules_for(session, profile.county_id)
    distance: float | None = None
    inside = False
    if village.center_lat is not None and village.center_lng is not None:
        distance = round(haversine_m(new.lat, new.lng, village.center_lat, village.center_lng), 1)
        inside = distance <= rules.geofence_radius_m
    checkin = CheckIn(
        id=cid,
        secretary_id=profile.id,
        village_id=village.id,
        township_id=village.township_id,
        county_id=profile.county_id,
        at=at,
        received_at=now,
        lat=new.lat,
        lng=new.lng,
        accuracy_m=new.accuracy_m,
        distance_m=distance,
        inside_geofence=inside,
        content_hash=digest,
    )
    session.add(checkin)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        # The same id arrived twice at once: the other request stored it first.
        stored = await session.get(CheckIn, cid, populate_existing=True)
        if stored is None:
            raise
        return await _retry(session, stored, digest, now)

    outcomes = await _answer_roll_calls(session, checkin, village.township_id, now)
    audit.record(
        session,
        actor,
        county_id=checkin.county_id,
        entity="checkin",
        entity_id=cid,
        action="create",
        detail={
            "secretary_id": profile.id,
            "village_id": village.id,
            "inside_geofence": inside,
            "distance_m": distance,
            "radius_m": rules.geofence_radius_m,
            "answered_roll_calls": [o.roll_call_id for o in outcomes if o.answered],
        },
    )
    await session.flush()
    return CheckInResult(checkin=checkin, roll_calls=outcomes)


def _reason(checkin: CheckIn, roll_call: RollCall) -> str | None:
    """None when this check-in may answer the roll call, else why not."""
    if checkin.distance_m is None:
        return REASON_NO_CENTRE
    if not checkin.inside_geofence:
        return REASON_OUTSIDE
    if not roll_call.started_at <= checkin.at <= roll_call.deadline_at:
        return REASON_OUT_OF_WINDOW
    return None


async def _open_targets(
    session: AsyncSession, secretary_id: int, township_id: int, now: datetime
) -> list[tuple[RollCall, RollCallTarget]]:
    """Roll calls naming the secretary whose deadline has not passed (by the server clock)."""
    rows = await session.execute(
        select(RollCall, RollCallTarget)
        .join(
            RollCallTarget,
            and_(RollCallTarget.roll_call_id == RollCall.id, RollCallTarget.secretary_id == secretary_id),
        )
        .where(RollCall.township_id == township_id, RollCall.deadline_at >= now)
        .order_by(RollCall.started_at, RollCall.id)
    )
    return [(rc, target) for rc, target in rows.tuples()]


async def _answer_roll_calls(
    session: AsyncSession, checkin: CheckIn, township_id: int, now: datetime
) -> list[RollCallOutcome]:
    outcomes: list[RollCallOutcome] = []
    answerable: list[str] = []
    for roll_call, target in await _open_targets(session, checkin.secretary_id, township_id, now):
        if target.checkin_id is not None:
            continue  # answered already by an earlier check-in
        reason = _reason(checkin, roll_call)
        if reason is None:
            answerable.append(roll_call.id)
        outcomes.append(RollCallOutcome(roll_call.id, roll_call.deadline_at, reason is None, reason))
    if answerable:
        # First inside check-in wins, even against a concurrent one.
        await session.execute(
            update(RollCallTarget)
            .where(
                RollCallTarget.roll_call_id.in_(answerable),
                RollCallTarget.secretary_id == checkin.secretary_id,
                RollCallTarget.checkin_id.is_(None),
            )
            .values(checkin_id=checkin.id)
            .execution_options(synchronize_session=False)
        )
    return outcomes


async def _retry(session: AsyncSession, stored: CheckIn, digest: str, now: datetime) -> CheckInResult:
    """A resend of a stored check-in: report what it did, and what is still open."""
    check_retry(stored.content_hash, digest)
    outcomes: list[RollCallOutcome] = []
    answered_by_it = await session.execute(
        select(RollCall)
        .join(RollCallTarget, RollCallTarget.roll_call_id == RollCall.id)
        .where(RollCallTarget.checkin_id == stored.id, RollCall.township_id == stored.township_id)
        .order_by(RollCall.started_at, RollCall.id)
    )
    for roll_call in answered_by_it.scalars():
        outcomes.append(RollCallOutcome(roll_call.id, roll_call.deadline_at, True))
    for roll_call, target in await _open_targets(session, stored.secretary_id, stored.township_id, now):
        if target.checkin_id is None:
            outcomes.append(RollCallOutcome(roll_call.id, roll_call.deadline_at, False, _reason(stored, roll_call)))
    return CheckInResult(checkin=stored, roll_calls=outcomes, retried=True)


async def list_checkins(
    session: AsyncSession,
    actor: Actor | None,
    *,
    secretary_id: int,
    month: Month | None,
    first: int | None,
    after: str | None,
) -> Page[CheckIn]:
    """A secretary's check-ins, newest first, for staff whose jurisdiction holds the secretary."""
    secretary = await access_secretary(session, actor, secretary_id)
    return await _page(session, secretary.id, month, first, after)


async def my_checkins(
    session: AsyncSession, actor: Actor | None, *, month: Month | None, first: int | None, after: str | None
) -> Page[CheckIn]:
    profile = await require_secretary(session, actor)
    return await _page(session, profile.id, month, first, after)


async def _page(
    session: AsyncSession, secretary_id: int, month: Month | None, first: int | None, after: str | None
) -> Page[CheckIn]:
    stmt = select(CheckIn).where(CheckIn.secretary_id == secretary_id)
    if month is not None:
        start, end = month.utc_bounds()
        stmt = stmt.where(CheckIn.at >= start, CheckIn.at < end)
    return await paginate_newest_first(session, stmt, CheckIn.at, CheckIn.id, first=first, after=after)
