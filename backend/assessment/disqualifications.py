"""Disqualifying events (ranking override 1, DOMAIN.md section 6): a serious discipline violation,
a mass petition caused by improper methods, or a mass incident caused by late reporting. The county
records them with a reason and may withdraw one with a reason; nothing is deleted, and both steps
are audited. Townships read those of their own villages' secretaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.access import access_disqualification, scope_disqualifications
from backend.assessment.common import MAX_NOTE, parse_period
from backend.assessment.models import Disqualification, DisqualificationKind
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput, InvalidState
from backend.org.access import access_secretary, require_role
from backend.org.models import Role, SecretaryProfile, User

KIND_LABELS: dict[DisqualificationKind, str] = {
    DisqualificationKind.DISCIPLINE: "严重违纪",
    DisqualificationKind.PETITION: "因工作方法不当引发群体上访",
    DisqualificationKind.INCIDENT: "因报告不及时引发群体性事件",
}


@dataclass(frozen=True)
class DisqualificationEntry:
    record: Disqualification
    secretary: SecretaryProfile
    recorded_by_name: str | None
    withdrawn_by_name: str | None


def _reason(reason: str | None, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("请填写原因", field=field)
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"原因不能超过 {MAX_NOTE} 个字", field=field)
    return text


async def list_disqualifications(
    session: AsyncSession, actor: Actor | None, period: str, *, include_withdrawn: bool = True
) -> list[DisqualificationEntry]:
    """County: the county's; township: its villages' secretaries'. Newest first."""
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    parsed = parse_period(period)
    stmt = (
        select(Disqualification, SecretaryProfile)
        .join(SecretaryProfile, SecretaryProfile.id == Disqualification.secretary_id)
        .where(scope_disqualifications(actor), Disqualification.period == parsed.text)
        .order_by(Disqualification.recorded_at.desc(), Disqualification.id.desc())
    )
    if not include_withdrawn:
        stmt = stmt.where(Disqualification.withdrawn_at.is_(None))
    rows = (await session.execute(stmt)).tuples().all()
    return await _with_names(session, rows)


async def _with_names(
    session: AsyncSession, rows: Sequence[tuple[Disqualification, SecretaryProfile]]
) -> list[DisqualificationEntry]:
    user_ids = {uid for d, _ in rows for uid in (d.recorded_by, d.withdrawn_by) if uid is not None}
    names: dict[int, str] = {}
    if user_ids:
        names = dict((await session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))).tuples().all())
    return [
        DisqualificationEntry(
            d,
            s,
            names.get(d.recorded_by) if d.recorded_by else None,
            names.get(d.withdrawn_by) if d.withdrawn_by else None,
        )
        for d, s in rows
    ]


async def record_disqualification(
    session: AsyncSession,
    actor: Actor | None,
    *,
    secretary_id: int,
    period: str,
    kind: DisqualificationKind,
    reason: str,
    now: datetime | None = None,
) -> DisqualificationEntry:
    actor = require_role(actor, Role.COUNTY)
    secretary = await access_secretary(session, actor, secretary_id)
    parsed = parse_period(period)
    record = Disqualification(
        county_id=secretary.county_id,
        secretary_id=secretary.id,
        period=parsed.text,
        kind=kind,
        reason=_reason(reason),
        recorded_by=actor.user_id,
        recorded_at=now or datetime.now(UTC),
    )
    session.add(record)
    await session.flush()
    audit.record(
        session,
        actor,
        county_id=record.county_id,
        entity="disqualification",
        entity_id=record.id,
        action="recorded",
        detail={"secretary_id": secretary.id, "period": parsed.text, "kind": kind.value, "reason": record.reason},
    )
    await session.flush()
    (entry,) = await _with_names(session, [(record, secretary)])
    return entry


async def withdraw_disqualification(
    session: AsyncSession, actor: Actor | None, disqualification_id: int, reason: str, *, now: datetime | None = None
) -> DisqualificationEntry:
    actor = require_role(actor, Role.COUNTY)
    record = await access_disqualification(session, actor, disqualification_id)
    if record.withdrawn_at is not None:
        raise InvalidState("该记录已撤销")
    record.withdrawn_reason = _reason(reason)
    record.withdrawn_by = actor.user_id
    record.withdrawn_at = now or datetime.now(UTC)
    audit.record(
        session,
        actor,
        county_id=record.county_id,
        entity="disqualification",
        entity_id=record.id,
        action="withdrawn",
        detail={"secretary_id": record.secretary_id, "period": record.period, "reason": record.withdrawn_reason},
    )
    await session.flush()
    secretary = await session.get(SecretaryProfile, record.secretary_id)
    assert secretary is not None
    (entry,) = await _with_names(session, [(record, secretary)])
    return entry
