"""Each role's home is one request with a pinned number of SQL statements: grow everything it
lists (villages, secretaries, filings, roll calls, polls with rosters and ballots, problems,
check-ins) and the count stays exactly the same."""

from __future__ import annotations

from starlette.applications import Starlette

from backend.core.db import SessionFactory
from tests.conftest import GraphQLClient
from tests.homes.helpers import COUNTY_OVERVIEW, SECRETARY_HOME, TOWNSHIP_TODAY, grow, utc_now
from tests.test_query_counts import count_queries
from tests.world import World

# secretary: the record with its village; the township's name and the household count; open
# roll calls and their targets; returned filings (count, page); county rules; the checklist's
# versions and moves (one query, +1 since the county's checklist became data); the items (roster
# and card, filings per kind, monthly counts, ledger).
SECRETARY_STATEMENTS = 12
# township: review queue (count, page) and names; running roll calls and targets; polls by phase,
# the running ones, their readiness counts (rosters, paper codes, ballots); rules, unresolved
# counts, the oldest overdue.
TOWNSHIP_STATEMENTS = 13
# county: the tree, current secretaries, rules, the checklist's versions and moves (one query, +1
# since the checklist became data) and the items (4); last month's sheet
# (county, rules, secretaries, then check-ins by day, filings with a position, roll-call
# verifications, declarations, confirmations: 8); polls as for the township (5); rules, problem
# counts, the oldest overdue; this year's snapshots.
COUNTY_STATEMENTS = 25


async def _count(app: Starlette, gql: GraphQLClient, doc: str, user: str) -> tuple[int, dict]:
    with count_queries(app) as statements:
        body = await gql.execute(doc, as_user=user)
    assert "errors" not in body, body
    return len(statements), body["data"]


async def _grown(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory, doc: str, user: str
) -> tuple[int, int, dict, dict]:
    """The count with one of everything, and with seven (an empty list may skip its follow-up read)."""
    async with session_factory.begin() as session:
        await grow(session, world, 1, tag="a", now=utc_now())
    small, before = await _count(app, gql, doc, user)
    async with session_factory.begin() as session:
        await grow(session, world, 6, tag="b", now=utc_now())
    large, after = await _count(app, gql, doc, user)
    return small, large, before, after


async def test_secretary_home_is_one_request_with_a_fixed_count(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    small, large, before, after = await _grown(app, gql, world, session_factory, SECRETARY_HOME, "village")
    assert (small, large) == (SECRETARY_STATEMENTS, SECRETARY_STATEMENTS)
    home = after["secretaryHome"]
    assert home["returnedCount"] == before["secretaryHome"]["returnedCount"] + 6 and len(home["returned"]) == 5
    assert len(home["openRollCalls"]) == 7


async def test_township_today_is_one_request_with_a_fixed_count(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    small, large, before, after = await _grown(app, gql, world, session_factory, TOWNSHIP_TODAY, "township")
    assert (small, large) == (TOWNSHIP_STATEMENTS, TOWNSHIP_STATEMENTS)
    today = after["townshipToday"]
    assert today["review"]["total"] == before["townshipToday"]["review"]["total"] + 12  # a filing and a diary each
    assert len(today["rollCalls"]) == 7 and len(today["polls"]) == 21
    assert today["problems"]["overdue"] == 7


async def test_county_overview_is_one_request_with_a_fixed_count(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    small, large, _, after = await _grown(app, gql, world, session_factory, COUNTY_OVERVIEW, "county")
    assert (small, large) == (COUNTY_STATEMENTS, COUNTY_STATEMENTS)
    overview = after["countyOverview"]
    assert overview["townships"][0]["secretaryCount"] == 2 + 7
    assert overview["polls"]["voting"] == 7 and overview["ranking"]["published"]
