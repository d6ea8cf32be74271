"""The review queue and the progress screen issue a bounded number of SQL statements."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.applications import Starlette

from backend.core.db import SessionFactory
from tests.conftest import GraphQLClient
from tests.test_query_counts import count_queries
from tests.world import World, add_village_with_secretary, stored_filing

QUEUE = """{ reviewQueue(first: 50) { totalCount edges { node { id kind title submittedAt accuracyM
  household { code } photos { thumbUrl } secretary { name village { name } } history { action actorName } } } } }"""
PROGRESS = """{ townshipProgress { completedShare township { name }
  secretaries { completedCount totalCount secretary { name village { name } } duties { key complete percent detail } } } }"""


async def _add_secretaries(session_factory: SessionFactory, world: World, count: int) -> None:
    township = world.units["T1"]
    now = datetime.now(UTC)
    async with session_factory.begin() as session:
        for n in range(count):
            village, profile = await add_village_with_secretary(
                session, township, name=f"加村{n}", code=f"X{n}", secretary_name=f"书记{n}", phone=f"1370000{n:04d}"
            )
            session.add(
                stored_filing(
                    profile,
                    village,
                    at=now,
                    title="日志",
                    body={"content": "x"},
                    created_by=world.users["township"].id,
                )
            )


async def _statements(app: Starlette, gql: GraphQLClient, doc: str) -> int:
    with count_queries(app) as statements:
        body = await gql.execute(doc, as_user="township")
    assert "errors" not in body, body
    return len(statements)


async def test_review_queue_query_count_is_fixed(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    small = await _statements(app, gql, QUEUE)
    await _add_secretaries(session_factory, world, 30)
    large = await _statements(app, gql, QUEUE)
    assert small == large <= 6, (small, large)


async def test_township_progress_query_count_is_fixed(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    small = await _statements(app, gql, PROGRESS)
    await _add_secretaries(session_factory, world, 30)
    large = await _statements(app, gql, PROGRESS)
    # 10 = 9 before the county's checklist became data + 1: its versions and the secretaries' moves,
    # read in one query for every secretary (backend/duties/checklist/versions.py load_configuration)
    assert small == large <= 10, (small, large)
