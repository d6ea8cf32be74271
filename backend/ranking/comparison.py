"""Leaders' chart data: townships compared, the distribution of totals and the trend across
published rankings.

- Township comparison (live, for a period): per township, its secretaries in post, the share of
  the checklist items (八个一 by default) they have completed (progress.py's rules, as of the period's last day or
  today), average satisfaction and average total over its rankable secretaries, and attendance
  = stationed days per secretary over the period (distinct Beijing-time days with a check-in
  inside the village geofence, any weekday). A fixed number of queries for any county.
- Distribution (live): rankable totals in 10-point buckets, grade counts and the not rankable.
- Trend (published): per period, the latest snapshot's average total and grade counts.

County: the whole county. Township: live figures of its own township only (as the live ranking);
the trend reads published rows, which are aired to every township of the county.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Date, Float, and_, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.common import Period, parse_period
from backend.attendance.models import CheckIn
from backend.auth.actor import Actor
from backend.duties.progress import progress_for
from backend.org.access import access_org_unit
from backend.org.county_settings import rules_for
from backend.org.models import OrgKind, OrgUnit, Role, SecretaryProfile
from backend.ranking.access import require_ranking_reader, scope_ranking_snapshots
from backend.ranking.compute import fetch_live, live_scope, to_row
from backend.ranking.models import Grade, RankingSnapshot, RankingSnapshotRow
from backend.ranking.rows import RankingRow
from backend.ranking.sql import Cut

SHANGHAI = ZoneInfo("Asia/Shanghai")
BUCKETS = [(None, 6000), (6000, 7000), (7000, 8000), (8000, 9000), (9000, 10000), (10000, None)]


@dataclass(frozen=True, slots=True)
class TownshipFigures:
    township_id: int
    township_name: str
    secretary_count: int
    duty_completed_share: float | None  # 0–1
    average_satisfaction: float | None  # 0–1, over rankable secretaries
    average_total_centi: float | None
    average_stationed_days: float | None


@dataclass(frozen=True, slots=True)
class Bucket:
    lower_centi: int | None
    upper_centi: int | None
    count: int

    @property
    def label(self) -> str:
        match self.lower_centi, self.upper_centi:
            case None, int() as upper:
                return f"{upper // 100} 分以下"
            case int() as lower, None:
                return f"{lower // 100} 分及以上"
            case int() as lower, int() as upper:
                return f"{lower // 100}–{upper // 100} 分"
        raise ValueError("a bucket has at least one bound")


@dataclass(frozen=True, slots=True)
class Distribution:
    buckets: list[Bucket]
    grades: dict[Grade, int]
    not_rankable: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: str
    snapshot_id: int
    published_at: datetime
    rankable_count: int
    average_total_centi: float | None
    grades: dict[Grade, int] = field(default_factory=dict)


async def _live_rows(
    session: AsyncSession, actor: Actor | None, period: Period
) -> tuple[int, int | None, list[RankingRow]]:
    scope = await live_scope(session, actor, None)
    rules = await rules_for(session, scope.county_id)
    records = await fetch_live(session, scope.county_id, period, rules, Cut(township_id=scope.township_id))
    return scope.county_id, scope.township_id, [to_row(m, live=True) for m in records]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


async def _stationed_days(session: AsyncSession, county_id: int, period: Period) -> dict[int, int]:
    """Distinct (secretary, Beijing day) pairs inside the geofence, per township, for secretaries
    in post during the period."""
    start = datetime.combine(period.start, time(), SHANGHAI).astimezone(UTC)
    end = datetime.combine(period.last_day + timedelta(days=1), time(), SHANGHAI).astimezone(UTC)
    day: ColumnElement[Any]  # a date on PostgreSQL, ISO text on SQLite
    if session.get_bind().dialect.name == "postgresql":
        day = cast(func.timezone("Asia/Shanghai", CheckIn.at), Date)
    else:
        day = func.date(CheckIn.at, "+8 hours")
    days = (
        select(CheckIn.township_id, CheckIn.secretary_id, day.label("day"))
        .join(SecretaryProfile, SecretaryProfile.id == CheckIn.secretary_id)
        .where(
            CheckIn.county_id == county_id,
            CheckIn.inside_geofence.is_(True),
            CheckIn.at >= start,
            CheckIn.at < end,
            SecretaryProfile.term_start <= period.last_day,
            SecretaryProfile.term_end >= period.start,
        )
        .distinct()
        .subquery()
    )
    found = await session.execute(select(days.c.township_id, func.count()).group_by(days.c.township_id))
    return {township_id: int(n) for township_id, n in found.tuples()}


async def township_comparison(
    session: AsyncSession, actor: Actor | None, period: str, *, today: date | None = None
) -> list[TownshipFigures]:
    parsed = parse_period(period)
    county_id, own_township, rows = await _live_rows(session, actor, parsed)
    townships = select(OrgUnit.id, OrgUnit.name).where(OrgUnit.county_id == county_id, OrgUnit.kind == OrgKind.TOWNSHIP)
    if own_township is not None:
        townships = townships.where(OrgUnit.id == own_township)
    units = (await session.execute(townships.order_by(OrgUnit.code, OrgUnit.id))).tuples().all()

    profiles = list(
        await session.scalars(select(SecretaryProfile).where(SecretaryProfile.id.in_([r.secretary_id for r in rows])))
    )
    as_of = min(today or date.today(), parsed.last_day)
    progress = await progress_for(session, profiles, await rules_for(session, county_id), as_of)
    done = {p.secretary.id: (p.completed_count, len(p.duties)) for p in progress}
    days = await _stationed_days(session, county_id, parsed)

    by_township: dict[int, list[RankingRow]] = defaultdict(list)
    for row in rows:
        by_township[row.township_id].append(row)
    figures = []
    for township_id, name in units:
        members = by_township.get(township_id, [])
        ranked = [r for r in members if r.rankable]
        duties = [done[r.secretary_id] for r in members if r.secretary_id in done]
        total_duties = sum(d for _, d in duties)
        figures.append(
            TownshipFigures(
                township_id=township_id,
                township_name=name,
                secretary_count=len(members),
                duty_completed_share=round(sum(c for c, _ in duties) / total_duties, 4) if total_duties else None,
                average_satisfaction=_mean([r.satisfaction for r in ranked if r.satisfaction is not None]),
                average_total_centi=_mean([float(r.total_centi) for r in ranked if r.total_centi is not None]),
                average_stationed_days=round(days.get(township_id, 0) / len(members), 2) if members else None,
            )
        )
    return figures


def _within(total: int, low: int | None, high: int | None) -> bool:
    return (low is None or total >= low) and (high is None or total < high)


async def ranking_distribution(session: AsyncSession, actor: Actor | None, period: str) -> Distribution:
    _county, _township, rows = await _live_rows(session, actor, parse_period(period))
    totals = [r.total_centi for r in rows if r.rankable and r.total_centi is not None]
    buckets = [Bucket(low, high, sum(1 for t in totals if _within(t, low, high))) for low, high in BUCKETS]
    grades = Counter(r.grade for r in rows if r.rankable and r.grade is not None)
    return Distribution(buckets, {g: grades.get(g, 0) for g in Grade}, sum(1 for r in rows if not r.rankable))


async def ranking_trend(session: AsyncSession, actor: Actor | None, township_id: int | None = None) -> list[TrendPoint]:
    actor = await require_ranking_reader(session, actor, Role.COUNTY, Role.TOWNSHIP)
    if township_id is not None:  # the trend is aired county-wide, like the rankings it sums up
        await access_org_unit(session, actor, township_id, kind=OrgKind.TOWNSHIP, to="rank")
    latest = (
        select(func.max(RankingSnapshot.id))
        .where(scope_ranking_snapshots(actor))
        .group_by(RankingSnapshot.period)
        .scalar_subquery()
    )
    row = RankingSnapshotRow
    ranked = row.rankable.is_(True)
    columns = [
        RankingSnapshot.period,
        RankingSnapshot.id,
        RankingSnapshot.published_at,
        func.sum(case((ranked, 1), else_=0)),
        func.avg(cast(case((ranked, row.total_centi)), Float)),
        *[func.sum(case((row.grade == g, 1), else_=0)) for g in Grade],
    ]
    join_on = row.snapshot_id == RankingSnapshot.id
    if township_id is not None:
        join_on = and_(join_on, row.township_id == township_id)
    stmt = (
        select(*columns)
        .join(row, join_on)
        .where(RankingSnapshot.id.in_(latest))
        .group_by(RankingSnapshot.period, RankingSnapshot.id, RankingSnapshot.published_at)
        .order_by(RankingSnapshot.period)
    )
    points = []
    for period, snapshot_id, published_at, rankable, average, *grade_counts in (await session.execute(stmt)).tuples():
        points.append(
            TrendPoint(
                period=period,
                snapshot_id=snapshot_id,
                published_at=published_at,
                rankable_count=int(rankable or 0),
                average_total_centi=None if average is None else round(float(average), 2),
                grades={g: int(n or 0) for g, n in zip(Grade, grade_counts, strict=True)},
            )
        )
    return points
