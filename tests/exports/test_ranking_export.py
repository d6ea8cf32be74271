"""GET /exports/ranking.xlsx: published and live rankings, one worksheet per group."""

from __future__ import annotations

from urllib.parse import unquote

import httpx

from backend.core.db import SessionFactory
from backend.ranking.sheet import NOT_RANKABLE_HEADING, authorize_ranking_export, snapshot_row_chunks
from tests.conftest import GraphQLClient
from tests.exports.helpers import (
    MUNICIPAL_GROUP,
    TOWNSHIP_GROUP,
    download,
    error_code,
    hand_made_snapshot,
    open_workbook,
    sheet_values,
)
from tests.ranking.helpers import add_secretary, open_to_townships, ranked_secretary
from tests.world import World

HEADERS = ["排名", "姓名", "村(社区)", "镇(街道)", "目标考评得分", "满意度", "综合得分", "等次", "说明"]
MUNICIPAL_SHEET = "市直派出·脱产驻村·正股级"
TOWNSHIP_SHEET = "镇街派出·非脱产联村·党政正职"
TURNOUT_LOW = "参评人数不足应参评人数的三分之二，测评无效，不参与排名"


async def test_published_ranking_has_a_sheet_per_group_with_ranked_then_not_rankable_rows(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    snapshot_id = await hand_made_snapshot(session_factory, world)
    response = await download(client, gql, "county", "ranking.xlsx", f"period=2026&snapshotId={snapshot_id}")
    workbook = open_workbook(response)
    filename = unquote(response.headers["content-disposition"].split("filename*=UTF-8''", 1)[1])
    assert filename == f"A名-第一书记排名-2026-已发布{snapshot_id}.xlsx"
    assert workbook.sheetnames == [TOWNSHIP_SHEET, MUNICIPAL_SHEET]  # the fixed group order

    values = sheet_values(workbook, MUNICIPAL_SHEET)
    assert values[0][0] == "A名2026年度第一书记考评排名定档表（已发布 2026-12-01 10:30，哈希 0123456789ab）"
    assert values[1][0].startswith("分组：市直派出·脱产驻村·正股级    生成时间：")
    assert values[2] == HEADERS
    assert values[3] == [1, "V11书记", "V11名", "T1名", 95.5, 0.92, 87.86, "优秀", None]
    assert values[4] == [2, "V21书记", "V21名", "T2名", 80, 0.9, 72, "称职", None]
    assert values[5] == [NOT_RANKABLE_HEADING] + [None] * 8
    assert values[6] == [None, "V12书记", "V12名", "T1名", None, None, None, None, TURNOUT_LOW]
    assert len(values) == 7
    assert workbook[MUNICIPAL_SHEET]["F4"].number_format == "0.00%"

    township = sheet_values(workbook, TOWNSHIP_SHEET)
    assert township[3] == [1, "乙书记", "V12名", "T1名", 90, 0.7, 63, "基本称职", "群众满意度低于 80%，定为基本称职"]
    assert len(township) == 4


async def test_snapshot_rows_are_read_in_chunks_in_group_and_position_order(
    world: World, session_factory: SessionFactory
) -> None:
    snapshot_id = await hand_made_snapshot(session_factory, world)
    async with session_factory() as session:
        export = await authorize_ranking_export(session, world.actor("county"), period="2026", snapshot_id=snapshot_id)
        chunks = [chunk async for chunk in snapshot_row_chunks(session, export, chunk_rows=2)]
    assert [[(r.group_key, r.position) for r in chunk] for chunk in chunks] == [
        [(TOWNSHIP_GROUP, 1)],
        [(MUNICIPAL_GROUP, 1), (MUNICIPAL_GROUP, 2)],
        [(MUNICIPAL_GROUP, 3)],
    ]
    assert chunks[2][0].reason_code == "turnout_low" and not chunks[2][0].rankable


async def test_filters_by_township_and_group(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    snapshot_id = await hand_made_snapshot(session_factory, world)
    t2 = world.unit_id("T2")
    workbook = open_workbook(
        await download(client, gql, "county", "ranking.xlsx", f"period=2026&snapshotId={snapshot_id}&townshipId={t2}")
    )
    assert workbook.sheetnames == [MUNICIPAL_SHEET]
    values = sheet_values(workbook, MUNICIPAL_SHEET)
    assert values[0][0].startswith("A名T2名2026年度")
    assert [row[1] for row in values[3:]] == ["V21书记"]  # its county-wide rank kept
    assert values[3][0] == 2

    one_group = open_workbook(
        await download(
            client, gql, "county", "ranking.xlsx", f"period=2026&snapshotId={snapshot_id}&groupKey={TOWNSHIP_GROUP}"
        )
    )
    assert one_group.sheetnames == [TOWNSHIP_SHEET]


async def test_a_township_sees_every_published_row_of_its_county(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    snapshot_id = await hand_made_snapshot(session_factory, world)
    closed = await download(client, gql, "township", "ranking.xlsx", f"period=2026&snapshotId={snapshot_id}")
    assert (closed.status_code, error_code(closed)) == (403, "FORBIDDEN")  # not opened to townships yet
    async with session_factory.begin() as session:
        await open_to_townships(session, world)
    workbook = open_workbook(
        await download(client, gql, "township", "ranking.xlsx", f"period=2026&snapshotId={snapshot_id}")
    )
    assert [row[1] for row in sheet_values(workbook, MUNICIPAL_SHEET)[3:] if row[1]] == [
        "V11书记",
        "V21书记",
        "V12书记",
    ]


async def test_live_ranking_export(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    """Two ranked secretaries in T1 and one without a poll in T2; the world's own secretaries
    (another group) have no poll either."""
    async with session_factory.begin() as session:
        await ranked_secretary(session, world, "甲", 90.0, 90, 100, village="V11")
        await ranked_secretary(session, world, "乙", 95.0, 95, 100, village="V12")
        await add_secretary(session, world, "丙", "V21")
    county = open_workbook(await download(client, gql, "county", "ranking.xlsx", "period=2026"))
    assert county.sheetnames == [TOWNSHIP_SHEET, MUNICIPAL_SHEET]  # WORKBOOK_ORDER
    values = sheet_values(county, TOWNSHIP_SHEET)
    assert values[0][0] == "A名2026年度第一书记考评排名定档表（实时）"
    assert values[2] == HEADERS
    assert [row[:5] for row in values[3:5]] == [[1, "乙", "V12名", "T1名", 95], [2, "甲", "V11名", "T1名", 90]]
    assert values[3][6] == 90.25 and values[4][6] == 81
    assert values[5][0] == NOT_RANKABLE_HEADING
    assert values[6][:4] == [None, "丙", "V21名", "T2名"]
    assert values[6][8] == "未开展本年度群众满意度测评，不参与排名"
    municipal = sheet_values(county, MUNICIPAL_SHEET)
    assert [row[1] for row in municipal[4:]] == ["V11书记", "V12书记", "V21书记"]

    async with session_factory.begin() as session:
        await open_to_townships(session, world)
    own = open_workbook(await download(client, gql, "township", "ranking.xlsx", "period=2026"))
    values = sheet_values(own, TOWNSHIP_SHEET)
    assert values[0][0] == "A名T1名2026年度第一书记考评排名定档表（实时）"
    assert [row[1] for row in values[3:]] == ["乙", "甲"]  # T2's secretary is not the township's


async def test_who_may_download(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    snapshot_id = await hand_made_snapshot(session_factory, world)
    published = f"period=2026&snapshotId={snapshot_id}"
    anonymous = await download(client, gql, None, "ranking.xlsx", published)
    assert (anonymous.status_code, error_code(anonymous)) == (401, "UNAUTHENTICATED")
    for user in ("village", "member"):
        for query in (published, "period=2026"):
            refused = await download(client, gql, user, "ranking.xlsx", query)
            assert (refused.status_code, error_code(refused)) == (403, "FORBIDDEN"), (user, query)
    other_county = await download(client, gql, "county_b", "ranking.xlsx", published)
    assert (other_county.status_code, error_code(other_county)) == (404, "NOT_FOUND")
    for query in (published, "period=2026"):  # not opened to townships (the default)
        refused = await download(client, gql, "township", "ranking.xlsx", query)
        assert (refused.status_code, error_code(refused)) == (403, "FORBIDDEN"), query
    async with session_factory.begin() as session:
        await open_to_townships(session, world)
    for user, query in (
        ("township", f"period=2026&townshipId={world.unit_id('T2')}"),  # another township's live rows
        ("township", f"{published}&townshipId={world.unit_id('TB')}"),  # a township of another county
        ("county", f"{published}&townshipId={world.unit_id('TB')}"),
    ):
        refused = await download(client, gql, user, "ranking.xlsx", query)
        assert (refused.status_code, error_code(refused)) == (404, "NOT_FOUND"), query


async def test_bad_parameters_are_refused_with_a_code(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    snapshot_id = await hand_made_snapshot(session_factory, world)
    for query, field in (
        ("period=abc", "period"),
        ("", "period"),
        (f"period=2025&snapshotId={snapshot_id}", "period"),  # the snapshot is of 2026
        ("period=2026&groupKey=township:resident", "groupKey"),
        ("period=2026&snapshotId=x1", "snapshotId"),
        ("period=2026&townshipId=-3", "townshipId"),
    ):
        response = await download(client, gql, "county", "ranking.xlsx", query)
        assert response.status_code == 400, query
        error = response.json()["errors"][0]
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("INVALID_INPUT", field), query
        assert error["message"]
    missing = await download(client, gql, "county", "ranking.xlsx", "period=2026&snapshotId=999999")
    assert (missing.status_code, error_code(missing)) == (404, "NOT_FOUND")
    village_as_township = await download(
        client, gql, "county", "ranking.xlsx", f"period=2026&townshipId={world.unit_id('V11')}"
    )
    assert (village_as_township.status_code, error_code(village_as_township)) == (404, "NOT_FOUND")
