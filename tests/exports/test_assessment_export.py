"""GET /exports/assessment.xlsx: the full assessment sheet, item columns per part."""

from __future__ import annotations

from datetime import date
from urllib.parse import unquote

import httpx

from backend.assessment.sheet import assessment_line_chunks, authorize_assessment_export, item_columns
from backend.core.db import SessionFactory
from backend.org.models import CadreClass, Gender, SecretaryProfile, StationMode, UnitType
from tests.conftest import GraphQLClient
from tests.exports.helpers import (
    RUBRIC_V1,
    RUBRIC_V2,
    download,
    error_code,
    hand_made_assessments,
    open_workbook,
    sheet_values,
)
from tests.world import World

MUNICIPAL_SHEET = "市直派出·脱产驻村·正股级"
TOWNSHIP_SHEET = "镇街派出·非脱产联村·党政正职"
PART_ROW = [
    "姓名", "村(社区)", "镇(街道)",
    "基本工作目标", None, None, "工作规范与纪律", None, "工作实绩", None, "组织晋位升级", None,
    "目标考评得分", "评分进度",
]  # fmt: skip
ITEM_ROW = [
    None, None, None,
    "发展规划·发展规划", "班子建设·组织学习干部纪律规定", "基本工作目标小计",
    "纪律·违反六个严禁", "工作规范与纪律小计",
    "工作实绩·引进物资资金", "工作实绩小计",
    "组织晋位·晋位", "组织晋位升级小计",
    None, None,
]  # fmt: skip


async def test_sheet_per_group_with_item_columns_part_subtotals_and_unassessed_rows(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await hand_made_assessments(session_factory, world)
    response = await download(client, gql, "county", "assessment.xlsx", "period=2026")
    workbook = open_workbook(response)
    filename = unquote(response.headers["content-disposition"].split("filename*=UTF-8''", 1)[1])
    assert filename == "A名-第一书记目标考评表-2026.xlsx"
    assert workbook.sheetnames == [TOWNSHIP_SHEET, MUNICIPAL_SHEET]

    municipal = sheet_values(workbook, MUNICIPAL_SHEET)
    assert municipal[0][0] == "A名2026年度第一书记组织工作目标考评汇总表"
    assert municipal[1][0].startswith("分组：市直派出·脱产驻村·正股级")
    assert municipal[2] == PART_ROW
    assert municipal[3] == ITEM_ROW
    # V11 was scored with version 1, which has no 发展规划 item: that cell stays empty.
    assert municipal[4] == ["V11书记", "V11名", "T1名", None, 10, 10, -5, -5, 15.5, 15.5, 10, 10, 30.5, "4/4"]
    assert municipal[5] == ["V12书记", "V12名", "T1名"] + [None] * 10 + ["未评"]
    assert len(municipal) == 6  # county B's secretary is not listed

    township = sheet_values(workbook, TOWNSHIP_SHEET)
    assert township[2:4] == [PART_ROW, ITEM_ROW]
    assert township[4] == ["V21书记", "V21名", "T2名", 0, 5, 5, None, 0, None, 0, None, 0, 5, "2/5"]
    assert len(township) == 5
    ws = workbook[MUNICIPAL_SHEET]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:N1", "A3:A4", "D3:F3", "G3:H3", "M3:M4"} <= merged


async def test_columns_are_the_union_of_versions_newest_first_ordered_by_part() -> None:
    columns = item_columns([RUBRIC_V2, RUBRIC_V1, [{"part": "BASIC"}, {"key": "x.new", "label": "新", "part": "ODD"}]])
    assert [(c.key, c.part) for c in columns] == [
        ("plan.income", "BASIC"),
        ("team_building.study", "BASIC"),
        ("discipline.six", "DISCIPLINE"),
        ("results.funds", "RESULTS"),
        ("org_upgrade.gained", "ORG_UPGRADE"),
        ("x.new", "ODD"),  # an unknown part after the known ones; an item without a key is skipped
    ]


async def test_rows_are_read_in_keyset_chunks(world: World, session_factory: SessionFactory) -> None:
    """Two secretaries of the same name in the same village are told apart by id."""
    async with session_factory.begin() as session:
        twin = SecretaryProfile(
            name="V11书记",
            gender=Gender.MALE,
            phone="13911112222",
            dispatch_unit="县财政局",
            unit_type=UnitType.MUNICIPAL,
            mode=StationMode.RESIDENT,
            cadre_class=CadreClass.SECTION_CHIEF,
            village_id=world.units["V11"].id,
            county_id=world.units["A"].id,
            term_start=date(2025, 3, 1),
            term_end=date(2026, 2, 28),
        )
        gone = SecretaryProfile(
            name="往届书记",
            gender=Gender.MALE,
            phone="13911113333",
            dispatch_unit="县财政局",
            unit_type=UnitType.MUNICIPAL,
            mode=StationMode.RESIDENT,
            cadre_class=CadreClass.SECTION_CHIEF,
            village_id=world.units["V11"].id,
            county_id=world.units["A"].id,
            term_start=date(2024, 3, 1),
            term_end=date(2025, 2, 28),  # not in post in 2026
        )
        session.add_all([twin, gone])
    async with session_factory() as session:
        export = await authorize_assessment_export(session, world.actor("county"), period="2026")
        chunks = [chunk async for chunk in assessment_line_chunks(session, export, chunk_rows=1)]
    assert [[(line.name, line.village_name) for line in chunk] for chunk in chunks] == [
        [("V11书记", "V11名")],
        [("V11书记", "V11名")],
        [("V12书记", "V12名")],
        [("V21书记", "V21名")],
    ]
    assert not any(line.assessed for chunk in chunks for line in chunk)


async def test_township_gets_the_liaison_secretaries_of_its_own_villages(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await hand_made_assessments(session_factory, world)
    # T1's secretaries are resident ones, scored by the county: not the township's to read.
    t1 = open_workbook(await download(client, gql, "township", "assessment.xlsx", "period=2026"))
    assert t1.sheetnames == ["考评"]
    assert sheet_values(t1, "考评")[4][0] == "暂无第一书记"
    own = open_workbook(await download(client, gql, "township_t2", "assessment.xlsx", "period=2026"))
    assert own.sheetnames == [TOWNSHIP_SHEET]
    values = sheet_values(own, TOWNSHIP_SHEET)
    assert values[0][0] == "A名T2名2026年度第一书记组织工作目标考评汇总表"
    assert [row[0] for row in values[4:]] == ["V21书记"]
    t2 = open_workbook(
        await download(client, gql, "county", "assessment.xlsx", f"period=2026&townshipId={world.unit_id('T2')}")
    )
    assert t2.sheetnames == [TOWNSHIP_SHEET]


async def test_a_period_without_secretaries_gives_an_empty_sheet(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World
) -> None:
    workbook = open_workbook(await download(client, gql, "county", "assessment.xlsx", "period=2030"))
    assert workbook.sheetnames == ["考评"]
    values = sheet_values(workbook, "考评")
    assert values[4][0] == "暂无第一书记"
    assert values[2][:3] == ["姓名", "村(社区)", "镇(街道)"]  # no rubric yet: the part subtotals only


async def test_who_may_download_and_bad_parameters(client: httpx.AsyncClient, gql: GraphQLClient, world: World) -> None:
    anonymous = await download(client, gql, None, "assessment.xlsx", "period=2026")
    assert (anonymous.status_code, error_code(anonymous)) == (401, "UNAUTHENTICATED")
    for user, query, refusal in (
        ("village", "period=2026", (403, "FORBIDDEN")),
        ("member", "period=2026", (403, "FORBIDDEN")),
        ("township", f"period=2026&townshipId={world.unit_id('T2')}", (404, "NOT_FOUND")),  # not theirs
        ("county", f"period=2026&townshipId={world.unit_id('TB')}", (404, "NOT_FOUND")),
    ):
        refused = await download(client, gql, user, "assessment.xlsx", query)
        assert (refused.status_code, error_code(refused)) == refusal, (user, query)
    for query, field in (("period=26", "period"), ("", "period"), ("period=2026&townshipId=abc", "townshipId")):
        bad = await download(client, gql, "county", "assessment.xlsx", query)
        assert bad.status_code == 400, query
        assert bad.json()["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": field}
