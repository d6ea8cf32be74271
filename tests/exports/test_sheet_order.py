"""The two exports with a worksheet per ranking group (ranking table, assessment sheet) put their
group worksheets in one order, `sheet_groups.WORKBOOK_ORDER`: live or published ranking alike."""

from __future__ import annotations

import httpx

from backend.core.db import SessionFactory
from backend.org.models import CadreClass, StationMode, UnitType
from backend.ranking.sheet_groups import WORKBOOK_ORDER, group_order, sheet_name
from tests.conftest import GraphQLClient
from tests.exports.helpers import download, hand_made_snapshot, open_workbook
from tests.ranking.helpers import add_secretary, ranked_secretary
from tests.world import World


def test_workbook_order_is_the_canonical_group_order() -> None:
    assert len(WORKBOOK_ORDER) == 16 == len(set(WORKBOOK_ORDER))
    assert WORKBOOK_ORDER[0] == "township:resident:party_gov_chief"
    assert sorted(reversed(WORKBOOK_ORDER), key=group_order) == list(WORKBOOK_ORDER)
    assert group_order("unknown") > group_order(WORKBOOK_ORDER[-1])


async def test_live_ranking_and_assessment_sheets_come_in_the_same_order(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    """Groups whose keys sort the other way round (municipal < township) than the canonical order."""
    async with session_factory.begin() as session:
        await ranked_secretary(session, world, "甲", 90.0, 90, 100, village="V11")
        await add_secretary(
            session,
            world,
            "丁",
            "V21",
            unit_type=UnitType.MUNICIPAL,
            mode=StationMode.LIAISON,
            cadre_class=CadreClass.DEPUTY_SECTION_AND_BELOW,
        )
    ranking = open_workbook(await download(client, gql, "county", "ranking.xlsx", "period=2026"))
    assessment = open_workbook(await download(client, gql, "county", "assessment.xlsx", "period=2026"))
    expected = [sheet_name(key) for key in sorted(_keys(ranking.sheetnames), key=group_order)]
    assert len(expected) >= 3
    assert ranking.sheetnames == expected
    assert assessment.sheetnames == ranking.sheetnames


async def test_published_ranking_and_assessment_sheets_come_in_the_same_order(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    snapshot_id = await hand_made_snapshot(session_factory, world)
    async with session_factory.begin() as session:  # the snapshot's township group, in post
        await add_secretary(session, world, "乙", "V12", mode=StationMode.LIAISON)
    ranking = open_workbook(
        await download(client, gql, "county", "ranking.xlsx", f"period=2026&snapshotId={snapshot_id}")
    )
    assessment = open_workbook(await download(client, gql, "county", "assessment.xlsx", "period=2026"))
    assert ranking.sheetnames == assessment.sheetnames
    assert ranking.sheetnames == [sheet_name(key) for key in sorted(_keys(ranking.sheetnames), key=group_order)]


def _keys(names: list[str]) -> list[str]:
    by_name = {sheet_name(key): key for key in WORKBOOK_ORDER}
    return [by_name[name] for name in names]
