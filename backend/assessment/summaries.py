"""The assessors' list: every secretary in the caller's scope who was in post during the period,
with the state of their assessment. Three queries per page whatever its length (count, page,
current rubric), keyset-paginated by township, village and secretary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.assessment.common import Period, assessor_role, parse_period
from backend.assessment.models import Assessment
from backend.assessment.rubric import county_rubric
from backend.assessment.scoring import Status, status_of
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.core.pagination import Page, decode_cursor, encode_cursor, page_size
from backend.org.access import access_org_unit, require_role
from backend.org.models import OrgKind, OrgUnit, Role, SecretaryProfile, StationMode

_Village = aliased(OrgUnit, name="village")
_Township = aliased(OrgUnit, name="township")


@dataclass(frozen=True)
class AssessmentSummary:
    secretary: SecretaryProfile
    village_name: str
    township_id: int
    township_name: str
    assessor_role: Role
    can_score: bool
    status: Status
    target_centi: int | None  # null until the first score
    basic_centi: int | None
    discipline_centi: int | None
    items_scored: int
    items_total: int
    version: int  # 0 until the first score
    updated_at: datetime | None


def _scope(actor: Actor) -> ColumnElement[bool]:
    """The county reads every secretary of the county; a township the liaison secretaries of its
    villages (the ones it scores)."""
    if actor.role is Role.COUNTY:
        return SecretaryProfile.county_id == actor.county_id
    return and_(_Village.township_id == actor.township_id, SecretaryProfile.mode == StationMode.LIAISON)


def _base(actor: Actor, period: Period, township_id: int | None, search: str | None) -> Select[tuple[int]]:
    stmt = (
        select(SecretaryProfile.id)
        .join(_Village, _Village.id == SecretaryProfile.village_id)
        .where(
            _scope(actor),
            SecretaryProfile.term_start < period.end,
            SecretaryProfile.term_end >= period.start,
        )
    )
    if township_id is not None:
        stmt = stmt.where(_Village.township_id == township_id)
    term = (search or "").strip()
    if term:
        stmt = stmt.where(
            or_(SecretaryProfile.name.contains(term, autoescape=True), _Village.name.contains(term, autoescape=True))
        )
    return stmt


async def list_assessments(
    session: AsyncSession,
    actor: Actor | None,
    *,
    period: str,
    township_id: int | None = None,
    search: str | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[AssessmentSummary]:
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    parsed = parse_period(period)
    size = page_size(first)
    if township_id is not None:
        township = await access_org_unit(session, actor, township_id)
        if township.kind is not OrgKind.TOWNSHIP:
            raise InvalidInput("该组织不是乡镇", field="townshipId")
    base = _base(actor, parsed, township_id, search)
    total = await session.scalar(select(func.count()).select_from(base.subquery()))
    order = (_Village.township_id, SecretaryProfile.village_id, SecretaryProfile.id)
    stmt = (
        base.with_only_columns(SecretaryProfile, _Village.name, _Township.id, _Township.name, Assessment)
        .join(_Township, _Township.id == _Village.township_id)
        .outerjoin(Assessment, and_(Assessment.secretary_id == SecretaryProfile.id, Assessment.period == parsed.text))
    )
    if after:
        stmt = stmt.where(tuple_(*order) > tuple_(*decode_cursor(after, len(order))))
    rows = (await session.execute(stmt.order_by(*order).limit(size + 1))).tuples().all()
    items_total = len((await county_rubric(session, actor.county_id, parsed)).items)
    summaries = [
        _summary(actor, secretary, village_name, t_id, t_name, assessment, items_total)
        for secretary, village_name, t_id, t_name, assessment in rows[:size]
    ]
    cursors = [encode_cursor([s.township_id, s.secretary.village_id, s.secretary.id]) for s in summaries]
    return Page(items=summaries, cursors=cursors, has_next=len(rows) > size, total=int(total or 0))


def _summary(
    actor: Actor,
    secretary: SecretaryProfile,
    village_name: str,
    township_id: int,
    township_name: str,
    assessment: Assessment | None,
    items_total: int,
) -> AssessmentSummary:
    role = assessor_role(secretary.mode)
    if role is Role.COUNTY:
        can = actor.role is Role.COUNTY
    else:
        can = actor.role is Role.TOWNSHIP and actor.township_id == township_id
    a = assessment
    return AssessmentSummary(
        secretary=secretary,
        village_name=village_name,
        township_id=township_id,
        township_name=township_name,
        assessor_role=role,
        can_score=can,
        status=status_of(a.items_scored, a.items_total) if a else Status.NOT_STARTED,
        target_centi=a.target_centi if a else None,
        basic_centi=a.basic_centi if a else None,
        discipline_centi=a.discipline_centi if a else None,
        items_scored=a.items_scored if a else 0,
        items_total=a.items_total if a else items_total,
        version=a.version if a else 0,
        updated_at=a.updated_at if a else None,
    )
