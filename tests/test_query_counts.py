"""The main screens issue a fixed number of SQL queries, however many rows they show (no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from starlette.applications import Starlette

from backend.core.db import SessionFactory
from backend.org.models import Household, OrgKind, OrgUnit
from tests.conftest import GraphQLClient
from tests.world import World

COUNTY_HOME = """{ me { name role orgUnit { name } }
  townships(first: 50) { totalCount edges { node { id name villageCount householdCount } } } }"""
TOWNSHIP_HOME = """query($t: ID!) { villages(townshipId: $t, first: 50) { totalCount edges { node {
  id name householdCount secretary { name phone mode cadreClass village { name } } } } } }"""
SECRETARY_HOME = """query($v: ID!) { me { name orgUnit { name householdCount parent { name } } }
  mySecretaryProfile { name dispatchUnit mode termStart termEnd }
  households(villageId: $v, first: 20) { totalCount edges { node { code headName } } } }"""


def security_log_statements(app: Starlette) -> int:
    """What recording one security-log event adds to a request's statements on this database."""
    return 3 if app.state.engine.dialect.name == "postgresql" else 2


@contextmanager
def count_queries(app: Starlette) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.startswith("BEGIN"):  # transaction control, not a query
            statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def _grow(session_factory: SessionFactory, world: World, townships: int, villages_each: int) -> None:
    county = world.units["A"]
    async with session_factory.begin() as session:
        for t in range(townships):
            township = OrgUnit(
                kind=OrgKind.TOWNSHIP, name=f"新镇{t}", code=f"NT{t}", parent_id=county.id, county_id=county.id
            )
            session.add(township)
            await session.flush()
            township.township_id = township.id
            for v in range(villages_each):
                village = OrgUnit(
                    kind=OrgKind.VILLAGE,
                    name=f"新村{t}-{v}",
                    code=f"NV{t}-{v}",
                    parent_id=township.id,
                    county_id=county.id,
                    township_id=world.units["T1"].id,
                )
                session.add(village)
                await session.flush()
                session.add(Household(village_id=village.id, code="H1", head_name="户主", address=""))


async def _count(app: Starlette, gql: GraphQLClient, doc: str, variables: dict, user: str) -> int:
    with count_queries(app) as statements:
        body = await gql.execute(doc, variables, as_user=user)
    assert "errors" not in body, body
    return len(statements)


async def test_county_home_query_count_is_fixed(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    small = await _count(app, gql, COUNTY_HOME, {}, "county")
    await _grow(session_factory, world, townships=6, villages_each=3)
    large = await _count(app, gql, COUNTY_HOME, {}, "county")
    assert small == large <= 7, (small, large)


async def test_township_home_query_count_is_fixed(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    variables = {"t": world.unit_id("T1")}
    small = await _count(app, gql, TOWNSHIP_HOME, variables, "township")
    await _grow(session_factory, world, townships=2, villages_each=10)  # villages land in T1
    large = await _count(app, gql, TOWNSHIP_HOME, variables, "township")
    assert small == large <= 6


async def test_secretary_home_query_count(app: Starlette, gql: GraphQLClient, world: World) -> None:
    # The household roster is a bulk read of personal data: the security log (安全审计) records it
    # once per request — the chain head's SELECT and the event's INSERT (PostgreSQL: and the
    # county's advisory lock), the same however many households the page shows.
    limit = 8 + security_log_statements(app)
    assert await _count(app, gql, SECRETARY_HOME, {"v": world.unit_id("V11")}, "village") <= limit
