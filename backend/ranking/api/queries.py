"""Queries over rankings: live (computed in SQL), published snapshots and chart data."""

from __future__ import annotations

import strawberry

from backend.core.errors import InvalidInput
from backend.core.pagination import decode_cursor
from backend.graphql.context import Info
from backend.graphql.pagination import Connection, Edge, PageInfo, parse_id, parse_optional_id
from backend.ranking import comparison
from backend.ranking.api.types import (
    Ranking,
    RankingDistribution,
    RankingEntry,
    RankingGroup,
    RankingSnapshot,
    RankingTrendPoint,
    RankingVisibility,
    TownshipComparison,
    row_cursor,
)
from backend.ranking.compute import ranking_first_pages, ranking_group_page
from backend.ranking.snapshots import list_snapshots, snapshot_view
from backend.ranking.visibility import read_ranking_visibility


def _after_position(after: str | None) -> int | None:
    if after is None:
        return None
    (position,) = decode_cursor(after, 1)
    if not isinstance(position, int) or isinstance(position, bool):
        raise InvalidInput("分页游标无效", field="after")
    return position


@strawberry.type
class RankingQueries:
    @strawberry.field(
        description="Live ranking by group (county: all; township: its own secretaries with county-wide ranks)."
    )
    async def ranking(
        self,
        info: Info,
        period: str,
        township_id: strawberry.ID | None = None,
        group_key: str | None = None,
        search: str | None = None,
        first: int = 20,
    ) -> Ranking:
        async with info.context.session() as session:
            view = await ranking_first_pages(
                session,
                info.context.actor,
                period,
                township_id=parse_optional_id(township_id, "townshipId"),
                group_key=group_key,
                search=search,
                first=first,
            )
        return Ranking(
            period=view.period,
            live=True,
            snapshot=None,
            excellent_quota_pct=view.rules.excellent_quota_pct,
            good_quota_pct=view.rules.good_quota_pct,
            groups=[RankingGroup.from_page(g) for g in view.groups],
        )

    @strawberry.field(description="One live group, paged by position.")
    async def ranking_group(
        self,
        info: Info,
        period: str,
        group_key: str,
        township_id: strawberry.ID | None = None,
        search: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[RankingEntry]:
        async with info.context.session() as session:
            page = await ranking_group_page(
                session,
                info.context.actor,
                period,
                group_key,
                township_id=parse_optional_id(township_id, "townshipId"),
                search=search,
                first=first,
                after_position=_after_position(after),
            )
        edges = [Edge(cursor=row_cursor(r), node=RankingEntry.from_row(r)) for r in page.rows]
        return Connection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None),
            total_count=page.total,
        )

    @strawberry.field(description="Published rankings of the caller's county, newest first (staff).")
    async def ranking_snapshots(self, info: Info, period: str | None = None) -> list[RankingSnapshot]:
        async with info.context.session() as session:
            snapshots = await list_snapshots(session, info.context.actor, period)
        return [RankingSnapshot.from_model(s) for s in snapshots]

    @strawberry.field(description="A published ranking (county and townships: every row; a secretary: their own row).")
    async def ranking_snapshot(
        self,
        info: Info,
        id: strawberry.ID,
        township_id: strawberry.ID | None = None,
        group_key: str | None = None,
        search: str | None = None,
        first: int = 20,
    ) -> Ranking:
        async with info.context.session() as session:
            view = await snapshot_view(
                session,
                info.context.actor,
                parse_id(id),
                group_key=group_key,
                township_id=parse_optional_id(township_id, "townshipId"),
                search=search,
                first=first,
            )
        snapshot = RankingSnapshot.from_model(view.snapshot)
        return Ranking(
            period=snapshot.period,
            live=False,
            snapshot=snapshot,
            excellent_quota_pct=snapshot.excellent_quota_pct,
            good_quota_pct=snapshot.good_quota_pct,
            groups=[RankingGroup.from_page(g) for g in view.groups],
        )

    @strawberry.field(description="Townships compared for a period (county: all; township: its own).")
    async def township_comparison(self, info: Info, period: str) -> list[TownshipComparison]:
        async with info.context.session() as session:
            figures = await comparison.township_comparison(
                session, info.context.actor, period, today=info.context.today
            )
        return [TownshipComparison.from_figures(f) for f in figures]

    @strawberry.field(description="Distribution of live totals (county: all; township: its own secretaries).")
    async def ranking_distribution(self, info: Info, period: str) -> RankingDistribution:
        async with info.context.session() as session:
            distribution = await comparison.ranking_distribution(session, info.context.actor, period)
        return RankingDistribution.from_distribution(distribution)

    @strawberry.field(description="Average total and grade counts per period, from published rankings.")
    async def ranking_trend(self, info: Info, township_id: strawberry.ID | None = None) -> list[RankingTrendPoint]:
        async with info.context.session() as session:
            points = await comparison.ranking_trend(
                session, info.context.actor, parse_optional_id(township_id, "townshipId")
            )
        return [RankingTrendPoint.from_point(p) for p in points]

    @strawberry.field(description="County and townships: whether townships see the ranking (晾晒) and the decision.")
    async def ranking_visibility(self, info: Info) -> RankingVisibility:
        async with info.context.session() as session:
            visibility = await read_ranking_visibility(session, info.context.actor)
        return RankingVisibility.from_visibility(visibility)
