"""The township list's compact summaries: the same facts as the full details, in plain values, and
a fixed number of SQL statements whatever the number of secretaries."""

from __future__ import annotations

from starlette.applications import Starlette

from backend.core.db import SessionFactory
from backend.filings.models import FilingKind, FilingStatus
from tests.conftest import GraphQLClient
from tests.progress.helpers import add_villages, filing
from tests.test_query_counts import count_queries
from tests.world import World

SUMMARY = """query($t: ID) { townshipProgress(townshipId: $t) { completedShare township { name } dutyKeys dutyLabels
  summaries { secretaryId secretaryName villageId villageName completedCount totalCount complete figure } } }"""
FULL = """query($t: ID) { townshipProgress(townshipId: $t) { completedShare
  secretaries { secretary { id name village { id name } } completedCount totalCount
  duties { key label complete numerator denominator percent } } } }"""


def _figure(duty: dict) -> str:
    """The chip text as the PWA's metric() made it from the full details."""
    if duty["percent"] is not None:
        return f"{duty['percent']:g}%"
    return f"{duty['numerator']}/{duty['denominator']}" if duty["denominator"] else ""


async def _both(gql: GraphQLClient, user: str, township: str | None = None) -> tuple[dict, dict]:
    variables = {"t": township}
    lean = await gql.execute(SUMMARY, variables, as_user=user)
    full = await gql.execute(FULL, variables, as_user=user)
    assert "errors" not in lean and "errors" not in full, (lean, full)
    return lean["data"]["townshipProgress"], full["data"]["townshipProgress"]


async def test_summaries_carry_what_the_details_show(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    async with session_factory.begin() as session:
        session.add(filing(world, "V11", FilingKind.PARTY_LECTURE, FilingStatus.APPROVED))
        session.add(filing(world, "V12", FilingKind.RESEARCH_REPORT, FilingStatus.APPROVED))
    await add_villages(session_factory, world, 3)
    lean, full = await _both(gql, "township")
    assert lean["township"]["name"] == "T1名"
    assert lean["completedShare"] == full["completedShare"] > 0
    assert len(lean["summaries"]) == len(full["secretaries"]) == 5
    for summary, detail in zip(lean["summaries"], full["secretaries"], strict=True):
        duties = detail["duties"]
        assert lean["dutyKeys"] == [d["key"] for d in duties]
        assert lean["dutyLabels"] == [d["label"] for d in duties]
        assert detail["totalCount"] == len(duties) == 8
        assert summary == {
            "secretaryId": detail["secretary"]["id"],
            "secretaryName": detail["secretary"]["name"],
            "villageId": detail["secretary"]["village"]["id"],
            "villageName": detail["secretary"]["village"]["name"],
            "completedCount": detail["completedCount"],
            "totalCount": detail["totalCount"],
            "complete": [d["complete"] for d in duties],
            "figure": [_figure(d) for d in duties],
        }
    v11 = next(s for s in lean["summaries"] if s["secretaryName"] == "V11书记")
    assert v11["complete"][lean["dutyKeys"].index("party_lecture")] is True
    assert v11["figure"][lean["dutyKeys"].index("household_visits")] == "0%"


async def test_county_picks_the_township(gql: GraphQLClient, world: World) -> None:
    lean, full = await _both(gql, "county", world.unit_id("T2"))
    assert [s["secretaryName"] for s in lean["summaries"]] == ["V21书记"]
    assert [s["villageName"] for s in lean["summaries"]] == [full["secretaries"][0]["secretary"]["village"]["name"]]
    denied = await gql.execute(SUMMARY, {"t": world.unit_id("TB")}, as_user="county")
    assert denied["data"] is None and denied["errors"][0]["extensions"]["code"] == "NOT_FOUND", denied


async def test_summary_statement_count_is_fixed(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    async def statements() -> int:
        with count_queries(app) as seen:
            body = await gql.execute(SUMMARY, as_user="township")
        assert "errors" not in body, body
        return len(seen)

    small = await statements()
    await add_villages(session_factory, world, 30)
    large = await statements()
    # 9 = 8 before the county's checklist + 1: its versions and the secretaries' moves, read in one
    # query for every secretary (backend/duties/checklist/versions.py load_configuration).
    assert small == large <= 9, (small, large)
