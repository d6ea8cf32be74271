"""Ranking types: groups of graded rows (live or published), snapshots and chart data.
Leaf fields are plain attributes: a county's ranking is hundreds of rows."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.core.pagination import encode_cursor
from backend.org.api.types import CadreClass, StationMode, UnitType
from backend.ranking.comparison import Bucket, Distribution, TownshipFigures, TrendPoint
from backend.ranking.compute import GroupPage
from backend.ranking.models import Grade as GradeModel
from backend.ranking.models import RankingSnapshot as RankingSnapshotModel
from backend.ranking.rows import RankingRow
from backend.ranking.visibility import Visibility

# strawberry.enum marks the domain enum in place and returns it; binding the name to the class
# first keeps the name a type for mypy (a name bound to a call's result is a variable).
Grade = GradeModel
strawberry.enum(Grade, name="Grade", description="档次：优秀 / 良好 / 称职 / 基本称职 / 不称职")


def _points(centi: int | float | None) -> float | None:
    return None if centi is None else round(centi / 100, 2)


@strawberry.type(name="RankingRow", description="One secretary's line in a ranking.")
class RankingEntry:
    secretary_id: strawberry.ID
    name: str
    group_key: str
    position: int = strawberry.field(description="Order in the group: ranked rows by rank, then the not rankable.")
    rank: int | None = strawberry.field(description="Rank in the whole county group; null when not rankable.")
    township_id: strawberry.ID
    township_name: str
    village_id: strawberry.ID
    village_name: str
    target_score: float | None = strawberry.field(description="Target assessment score, points.")
    satisfaction: float | None = strawberry.field(description="0–1; null without a valid, unsuppressed poll.")
    satisfaction_percent: str | None = strawberry.field(description='Two decimals, rounded half up, e.g. "91.67".')
    total: float | None = strawberry.field(description="round(target × satisfaction, 2); null when not rankable.")
    rankable: bool
    grade: Grade | None
    reason_code: str | None = strawberry.field(description="Why an override applied, or why not rankable.")
    reason: str | None

    @classmethod
    def from_row(cls, row: RankingRow) -> RankingEntry:
        return cls(
            secretary_id=strawberry.ID(str(row.secretary_id)),
            name=row.name,
            group_key=row.group_key,
            position=row.position,
            rank=row.rank,
            township_id=strawberry.ID(str(row.township_id)),
            township_name=row.township_name,
            village_id=strawberry.ID(str(row.village_id)),
            village_name=row.village_name,
            target_score=_points(row.target_centi),
            satisfaction=row.satisfaction,
            satisfaction_percent=row.satisfaction_percent,
            total=_points(row.total_centi),
            rankable=row.rankable,
            grade=row.grade,
            reason_code=row.reason_code,
            reason=row.reason,
        )


def row_cursor(row: RankingRow) -> str:
    return encode_cursor([row.position])


@strawberry.type(description="One group (unit type × mode × cadre class): counts and quotas of the whole group.")
class RankingGroup:
    group_key: str
    label: str
    unit_type: UnitType
    mode: StationMode
    cadre_class: CadreClass
    rankable_count: int = strawberry.field(description="n: the rankable secretaries of the whole group.")
    not_rankable_count: int
    excellent_quota: int = strawberry.field(description="floor(n × excellent %).")
    good_quota: int = strawberry.field(description="floor(n × good %).")
    total_count: int = strawberry.field(description="Rows the caller sees with the filters given.")
    rows: list[RankingEntry]
    has_more: bool
    end_cursor: str | None = strawberry.field(description="`after` for rankingGroup to page on.")

    @classmethod
    def from_page(cls, page: GroupPage) -> RankingGroup:
        return cls(
            group_key=page.group.key,
            label=page.group.label,
            unit_type=page.group.unit_type,
            mode=page.group.mode,
            cadre_class=page.group.cadre_class,
            rankable_count=page.rankable_count,
            not_rankable_count=page.not_rankable_count,
            excellent_quota=page.excellent_quota,
            good_quota=page.good_quota,
            total_count=page.total_count,
            rows=[RankingEntry.from_row(r) for r in page.rows],
            has_more=page.has_more,
            end_cursor=row_cursor(page.rows[-1]) if page.rows else None,
        )


@strawberry.type(description="A published ranking (晾晒): frozen rows, their sources' hash and the rules used.")
class RankingSnapshot:
    id: strawberry.ID
    period: str
    sha256: str
    row_count: int
    published_at: datetime
    excellent_quota_pct: int
    good_quota_pct: int

    @classmethod
    def from_model(cls, snapshot: RankingSnapshotModel) -> RankingSnapshot:
        return cls(
            id=strawberry.ID(str(snapshot.id)),
            period=snapshot.period,
            sha256=snapshot.sha256,
            row_count=snapshot.row_count,
            published_at=snapshot.published_at,
            excellent_quota_pct=int(snapshot.rules.get("excellent_quota_pct", 0)),
            good_quota_pct=int(snapshot.rules.get("good_quota_pct", 0)),
        )


@strawberry.type(description="A ranking by group: live (snapshot null) or published.")
class Ranking:
    period: str
    live: bool
    snapshot: RankingSnapshot | None
    excellent_quota_pct: int
    good_quota_pct: int
    groups: list[RankingGroup]


@strawberry.type(description="One township's figures for the comparison chart.")
class TownshipComparison:
    township_id: strawberry.ID
    township_name: str
    secretary_count: int
    duty_completed_share: float | None = strawberry.field(
        description="0–1: checklist items completed / expected (the term's own checklist)."
    )
    average_satisfaction: float | None = strawberry.field(description="0–1, over rankable secretaries.")
    average_total: float | None
    average_stationed_days: float | None = strawberry.field(description="Stationed days per secretary in the period.")

    @classmethod
    def from_figures(cls, f: TownshipFigures) -> TownshipComparison:
        return cls(
            township_id=strawberry.ID(str(f.township_id)),
            township_name=f.township_name,
            secretary_count=f.secretary_count,
            duty_completed_share=f.duty_completed_share,
            average_satisfaction=f.average_satisfaction,
            average_total=_points(f.average_total_centi),
            average_stationed_days=f.average_stationed_days,
        )


@strawberry.type
class TotalBucket:
    label: str
    lower: float | None = strawberry.field(description="Inclusive, points; null: unbounded.")
    upper: float | None = strawberry.field(description="Exclusive, points; null: unbounded.")
    count: int

    @classmethod
    def from_bucket(cls, b: Bucket) -> TotalBucket:
        return cls(label=b.label, lower=_points(b.lower_centi), upper=_points(b.upper_centi), count=b.count)


@strawberry.type
class GradeCount:
    grade: Grade
    count: int


def _grade_counts(grades: dict[GradeModel, int]) -> list[GradeCount]:
    return [GradeCount(grade=g, count=n) for g, n in grades.items()]


@strawberry.type(description="Rankable totals in buckets, grade counts and the not rankable.")
class RankingDistribution:
    buckets: list[TotalBucket]
    grades: list[GradeCount]
    not_rankable: int

    @classmethod
    def from_distribution(cls, d: Distribution) -> RankingDistribution:
        return cls(
            buckets=[TotalBucket.from_bucket(b) for b in d.buckets],
            grades=_grade_counts(d.grades),
            not_rankable=d.not_rankable,
        )


@strawberry.type(description="One period of the trend: the latest published ranking of the period.")
class RankingTrendPoint:
    period: str
    snapshot_id: strawberry.ID
    published_at: datetime
    rankable_count: int
    average_total: float | None
    grades: list[GradeCount]

    @classmethod
    def from_point(cls, p: TrendPoint) -> RankingTrendPoint:
        return cls(
            period=p.period,
            snapshot_id=strawberry.ID(str(p.snapshot_id)),
            published_at=p.published_at,
            rankable_count=p.rankable_count,
            average_total=_points(p.average_total_centi),
            grades=_grade_counts(p.grades),
        )


@strawberry.type(description="晾晒: whether townships see the county's ranking, and the recorded decision.")
class RankingVisibility:
    townships_see: bool
    reason: str | None = strawberry.field(description="The decision's basis; null: never decided (closed by default).")
    decided_by_name: str | None
    decided_at: datetime | None

    @classmethod
    def from_visibility(cls, v: Visibility) -> RankingVisibility:
        return cls(
            townships_see=v.townships_see, reason=v.reason, decided_by_name=v.decided_by, decided_at=v.decided_at
        )
