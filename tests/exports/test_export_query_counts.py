"""The exports issue a number of SQL statements that depends on the groups and chunks, never on
the number of rows inside a chunk (no N+1)."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from starlette.applications import Starlette

from backend.assessment.models import Assessment, AssessmentItemScore
from backend.core.db import SessionFactory
from backend.ranking.models import RankingSnapshotRow
from tests.conftest import GraphQLClient
from tests.exports.helpers import (
    download,
    hand_made_assessments,
    hand_made_snapshot,
    open_workbook,
)
from tests.ranking.helpers import add_secretary
from tests.test_query_counts import count_queries
from tests.world import World


async def _statements(app: Starlette, client: httpx.AsyncClient, gql: GraphQLClient, path: str, query: str) -> int:
    with count_queries(app) as statements:
        open_workbook(await download(client, gql, "county", path, query))
    return len(statements)


async def test_assessment_sheet_statements_do_not_grow_with_secretaries(
    app: Starlette, client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await hand_made_assessments(session_factory, world)
    before = await _statements(app, client, gql, "assessment.xlsx", "period=2026")
    async with session_factory.begin() as session:
        rubric_version_id = await session.scalar(select(Assessment.rubric_version_id).limit(1))
        assert rubric_version_id is not None
        for n in range(30):
            secretary = await add_secretary(session, world, f"新书记{n}", "V12")
            assessment = Assessment(
                county_id=secretary.county_id,
                township_id=world.units["T1"].id,
                village_id=secretary.village_id,
                secretary_id=secretary.id,
                period="2026",
                rubric_version_id=rubric_version_id,
            )
            session.add(assessment)
            await session.flush()
            session.add(AssessmentItemScore(assessment_id=assessment.id, item_key="plan.income", points_centi=1000))
    after = await _statements(app, client, gql, "assessment.xlsx", "period=2026")
    assert after == before


async def test_ranking_statements_do_not_grow_with_rows(
    app: Starlette, client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    snapshot_id = await hand_made_snapshot(session_factory, world)
    query = f"period=2026&snapshotId={snapshot_id}"
    before = await _statements(app, client, gql, "ranking.xlsx", query)
    async with session_factory.begin() as session:
        template = await session.get(RankingSnapshotRow, (snapshot_id, world.secretaries["V11"].id))
        assert template is not None
        for n in range(50):
            session.add(
                RankingSnapshotRow(
                    **{c.key: getattr(template, c.key) for c in RankingSnapshotRow.__table__.columns}
                    | {"secretary_id": 20_000_000 + n, "position": 100 + n, "rank": 100 + n, "name": f"新书记{n}"}
                )
            )
    assert await _statements(app, client, gql, "ranking.xlsx", query) == before  # still one chunk per group
