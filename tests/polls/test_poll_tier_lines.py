"""A poll's tier is fixed at close together with the county's lines then in force: a county
that moves its lines afterwards changes neither the tier nor the line its reason quotes."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from backend.core.db import SessionFactory
from backend.core.migrate import downgrade, upgrade_async
from backend.core.settings import Settings
from backend.org.models import CountySettings
from backend.polls.models import Poll, PollStatus
from tests.conftest import GraphQLClient
from tests.exports.helpers import download, open_workbook
from tests.polls.helpers import CAST_PAPER, CLOSE, OPEN, SLIPS, ok, setup_poll
from tests.ranking.helpers import assess
from tests.ranking.helpers import poll as ranking_poll
from tests.world import World

SETTINGS = (
    "mutation($i: Int!, $b: Int!) { updateCountySettings(input: {satisfactionIncompetentBelowPct: $i, "
    "satisfactionBasicBelowPct: $b}) { settings { satisfactionBasicBelowPct } errors { code } } }"
)
RANKING = """{ ranking(period: "2026", first: 100) { groups { rows { name grade reasonCode reason } } } }"""
PUBLISH = 'mutation { publishRanking(input: {period: "2026"}) { snapshot { id } errors { code } } }'
SNAPSHOT = "query($id: ID!) { rankingSnapshot(id: $id, first: 100) { groups { rows { name grade reason } } } }"
RESULT = "query($id: ID!) { poll(id: $id) { result { tier thresholds { incompetentBelowPct basicBelowPct } } } }"


async def _closed_at_65_percent(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, issued_codes: list[str]
) -> str:
    """20 paper ballots, 13 satisfied: 65 % — 基本称职 under the default lines 60/70."""
    setup = await setup_poll(gql, world, session_factory, members=0, paper_people=20)
    ok(await gql.execute(SLIPS, {"id": setup.id, "v": setup.paper_voter_ids}, as_user="township"), "issuePaperSlips")
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    for i, code in enumerate(issued_codes):
        choice = "SATISFIED" if i < 13 else "BASIC"
        ok(await gql.execute(CAST_PAPER, {"id": setup.id, "code": code, "c": choice}), "castPaperBallot")
    closed = ok(await gql.execute(CLOSE, {"id": setup.id}, as_user="township"), "closePoll")
    assert closed["poll"]["result"]["tier"] == "BASIC_COMPETENT"
    return setup.id


def _row(ranking: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for g in ranking["groups"] for r in g["rows"] if r["name"] == name)


async def test_the_reason_quotes_the_line_in_force_at_close(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, issued_codes: list[str]
) -> None:
    poll_id = await _closed_at_65_percent(gql, world, session_factory, issued_codes)
    secretary = world.secretaries["V11"]
    async with session_factory.begin() as session:
        await assess(session, world, secretary, 90)
        frozen = await session.get(Poll, int(poll_id))
        assert frozen is not None and (frozen.incompetent_below_pct, frozen.basic_below_pct) == (60, 70)
    ok(await gql.execute(SETTINGS, {"i": 70, "b": 80}, as_user="county"), "updateCountySettings")

    row = _row((await gql.execute(RANKING, as_user="county"))["data"]["ranking"], secretary.name)
    # Under today's lines 65 % would be 不称职 "below 70 %"; the tier and the line stay those of the close.
    assert row == {
        "name": secretary.name,
        "grade": "BASIC_COMPETENT",
        "reasonCode": "satisfaction_basic",
        "reason": "群众满意度低于 70%，定为基本称职",
    }
    workbook = open_workbook(await download(gql.http, gql, "county", "ranking.xlsx", "period=2026"))
    rows = [list(r) for sheet in workbook.worksheets for r in sheet.iter_rows(values_only=True)]
    assert next(r for r in rows if r[1] == secretary.name)[-2:] == ["基本称职", "群众满意度低于 70%，定为基本称职"]
    snapshot = ok(await gql.execute(PUBLISH, as_user="county"), "publishRanking")["snapshot"]
    published = (await gql.execute(SNAPSHOT, {"id": snapshot["id"]}, as_user="county"))["data"]["rankingSnapshot"]
    assert _row(published, secretary.name) == {
        "name": secretary.name,
        "grade": "BASIC_COMPETENT",
        "reason": "群众满意度低于 70%，定为基本称职",
    }
    # The poll's own result screen quotes the lines of its tally, published at close.
    result = (await gql.execute(RESULT, {"id": poll_id}, as_user="county"))["data"]["poll"]["result"]
    assert result == {"tier": "BASIC_COMPETENT", "thresholds": {"incompetentBelowPct": 60, "basicBelowPct": 70}}


async def test_the_migration_freezes_the_lines_of_polls_closed_before_it(
    settings: Settings, world: World, session_factory: SessionFactory
) -> None:
    """0007 copies the lines from each closed poll's published tally; a tally without them (none
    are known) falls back to the county's current settings; open polls stay unfrozen."""
    secretary = world.secretaries["V11"]
    async with session_factory.begin() as session:
        session.add(CountySettings(county_id=secretary.county_id, values={"satisfaction_basic_below_pct": 80}))
        published = {"tier": "basic_competent", "thresholds": {"incompetent_below_pct": 55, "basic_below_pct": 65}}
        for period, status, result in [
            ("2024", PollStatus.CLOSED, published),
            ("2025", PollStatus.CLOSED, {"tier": "none"}),
            ("2026", PollStatus.VOTING, None),
        ]:
            row = await ranking_poll(session, world, secretary, 60, 100, status=status, period=period)
            row.result = result
    await asyncio.to_thread(downgrade, settings, "0006")
    await upgrade_async(settings)
    async with session_factory() as session:
        rows = await session.execute(select(Poll.period, Poll.incompetent_below_pct, Poll.basic_below_pct))
        assert sorted(rows.tuples()) == [("2024", 55, 65), ("2025", 60, 80), ("2026", None, None)]
