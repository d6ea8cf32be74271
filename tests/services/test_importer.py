"""Excel import of townships, villages, first secretaries and households."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from io import BytesIO
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.db import SessionFactory
from backend.core.errors import Forbidden, Unauthenticated
from backend.org.importer.examples import example_records
from backend.org.importer.export import workbook_bytes, workbook_from_records
from backend.org.importer.records import ImportCounts, RowError
from backend.org.importer.service import import_workbook
from backend.org.importer.template import build_template_workbook
from backend.org.models import (
    CadreClass,
    Gender,
    Household,
    OrgKind,
    OrgUnit,
    Role,
    SecretaryProfile,
    StationMode,
    UnitType,
)

EXAMPLE_COUNTS = ImportCounts(townships=2, villages=4, secretaries=4, households=40)


async def make_county(session_factory: SessionFactory, code: str = "370999") -> Actor:
    async with session_factory.begin() as session:
        county = OrgUnit(kind=OrgKind.COUNTY, name="测试县", code=code)
        session.add(county)
        await session.flush()
        county.county_id = county.id
    return Actor(user_id=1, role=Role.COUNTY, org_unit_id=county.id, county_id=county.id)


def example_file() -> bytes:
    return workbook_bytes(workbook_from_records(example_records()))


def sheets_file(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook with the given sheets; each sheet's first row is its header."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def run_import(
    session_factory: SessionFactory, actor: Actor | None, data: bytes, *, dry_run: bool = False
) -> Any:
    async with session_factory.begin() as session:
        return await import_workbook(session, actor, data, dry_run=dry_run)


async def table_counts(session_factory: SessionFactory) -> tuple[int, int, int]:
    async with session_factory() as session:
        return (
            await _count(session, OrgUnit),
            await _count(session, SecretaryProfile),
            await _count(session, Household),
        )


async def _count(session: AsyncSession, model: type[Any]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def where(errors: list[RowError]) -> set[tuple[str, int, str | None]]:
    return {(e.sheet, e.row, e.column) for e in errors}


async def test_good_file_imports_everything(session_factory: SessionFactory) -> None:
    actor = await make_county(session_factory)

    result = await run_import(session_factory, actor, example_file())

    assert result.ok and not result.dry_run and result.row_errors == []
    assert result.counts == EXAMPLE_COUNTS
    assert await table_counts(session_factory) == (1 + 2 + 4, 4, 40)
    async with session_factory() as session:
        units = {u.code: u for u in (await session.scalars(select(OrgUnit))).all()}
        town, community = units["370999101"], units["370999001001"]
        assert (town.kind, town.county_id, town.township_id, town.parent_id) == (
            OrgKind.TOWNSHIP,
            actor.county_id,
            town.id,
            actor.county_id,
        )
        village = units["370999101201"]
        assert (village.kind, village.township_id, village.parent_id) == (
            OrgKind.VILLAGE,
            town.id,
            town.id,
        )
        assert village.county_id == actor.county_id and village.name == "东岭村"
        assert village.center_lat == pytest.approx(36.312)
        assert community.is_community and not village.is_community
        secretary = await session.scalar(select(SecretaryProfile).where(SecretaryProfile.phone == "13900000001"))
        assert secretary is not None
        assert (secretary.name, secretary.gender, secretary.unit_type) == (
            "张建华",
            Gender.MALE,
            UnitType.MUNICIPAL,
        )
        assert (secretary.mode, secretary.cadre_class) == (
            StationMode.RESIDENT,
            CadreClass.SECTION_CHIEF,
        )
        assert (secretary.village_id, secretary.county_id) == (village.id, actor.county_id)
        assert (secretary.term_start, secretary.term_end) == (date(2026, 3, 1), date(2027, 2, 28))
        hardship = await session.scalar(select(func.count()).where(Household.is_hardship.is_(True)))
        assert hardship == 4


async def test_reimport_updates_in_place(session_factory: SessionFactory) -> None:
    actor = await make_county(session_factory)
    await run_import(session_factory, actor, example_file())
    first = await table_counts(session_factory)

    again = await run_import(session_factory, actor, example_file())
    assert again.ok and again.counts == EXAMPLE_COUNTS
    assert await table_counts(session_factory) == first

    records = example_records()
    records.villages[0] = replace(records.villages[0], name="东岭新村")
    records.households[0] = replace(records.households[0], head_name="改名户主", member_count=9, phone=None)
    changed = await run_import(session_factory, actor, workbook_bytes(workbook_from_records(records)))
    assert changed.ok
    assert await table_counts(session_factory) == first
    async with session_factory() as session:
        village = await session.scalar(select(OrgUnit).where(OrgUnit.code == "370999101201"))
        assert village is not None and village.name == "东岭新村"
        household = await session.scalar(
            select(Household).where(Household.village_id == village.id, Household.code == "0001")
        )
        assert household is not None
        assert (household.head_name, household.member_count, household.phone) == (
            "改名户主",
            9,
            None,
        )


async def test_bad_file_reports_every_error_and_writes_nothing(
    session_factory: SessionFactory,
) -> None:
    actor = await make_county(session_factory)
    await run_import(session_factory, actor, example_file())
    before = await table_counts(session_factory)
    secretary_header = [
        "姓名",
        "性别",
        "手机号",
        "派出单位",
        "单位类型",
        "驻村方式",
        "干部类别",
        "所在村代码",
        "任期开始",
        "任期结束",
    ]
    data = sheets_file(
        {
            "乡镇": [["乡镇代码", "乡镇名称"], ["T1", "新镇"], ["T1", "又一个新镇"]],
            "村社区": [
                ["村代码", "村名称", "所属乡镇代码", "类型", "中心纬度", "中心经度"],
                ["V1", "一村", "T1", "村", 36.3, 120.0],
                ["V2", "二村", "NOPE", "村", 36.3, 120.0],
                ["V3", "三村", "T1", "乡", None, None],
                ["T1", "撞码村", "T1", "村", None, None],
                ["V4", "四村", "T1", "村", 136.3, 120.0],
                ["V5", "五村", "T1", "村", 36.3, None],
            ],
            "第一书记": [
                secretary_header,
                [
                    "甲",
                    "男性",
                    "13900001111",
                    "县财政局",
                    "市直",
                    "脱产驻村",
                    "正股级",
                    "V1",
                    "2026-03-01",
                    "2027-02-28",
                ],
                ["乙", "女", "1390000", "县财政局", "市直", "脱产驻村", "正股级", "V1", "2026-03-01", "2027-02-28"],
                [
                    "丙",
                    "女",
                    "13900002222",
                    "县财政局",
                    "镇街",
                    "非脱产联村",
                    "正股级",
                    "V1",
                    "2026-03-01",
                    "2025-02-28",
                ],
                ["丁", "男", "13900003333", "县财政局", "镇街", "非脱产联村", "科长", "V9", "2026-02-30", "2027-02-28"],
            ],
            "农户": [
                ["村代码", "户编号", "户主姓名", "家庭人口", "联系电话", "住址", "是否困难户"],
                ["V1", "0001", "张三", 3, "13700000000", "一村1组", "否"],
                ["V1", "0001", "李四", 3, None, "一村1组", "否"],
                ["V9", "0002", "王五", 3, None, "一村1组", "否"],
                ["V1", "0003", None, 3, "12345", "一村1组", "也许"],
                ["V1", "0004", "赵六", 0, None, "一村1组", None],
            ],
        }
    )

    result = await run_import(session_factory, actor, data)

    assert not result.ok and result.counts == ImportCounts()
    expected = {
        ("乡镇", 3, "乡镇代码"),  # duplicate code
        ("村社区", 3, "所属乡镇代码"),  # unknown township
        ("村社区", 4, "类型"),  # bad label
        ("村社区", 5, "村代码"),  # code of a township
        ("村社区", 6, "中心纬度"),  # out of range
        ("村社区", 7, "中心经度"),  # latitude without longitude
        ("第一书记", 2, "性别"),
        ("第一书记", 3, "手机号"),
        ("第一书记", 4, "任期结束"),  # before start
        ("第一书记", 5, "干部类别"),
        ("第一书记", 5, "任期开始"),  # 30 February
        ("农户", 3, "户编号"),  # duplicate within village
        ("农户", 4, "村代码"),  # unknown village
        ("农户", 5, "户主姓名"),  # required
        ("农户", 5, "联系电话"),
        ("农户", 5, "是否困难户"),
        ("农户", 6, "家庭人口"),
    }
    assert where(result.row_errors) == expected
    messages = {(e.sheet, e.row, e.column): e.message for e in result.row_errors}
    assert "重复" in messages[("乡镇", 3, "乡镇代码")]
    assert "NOPE" in messages[("村社区", 3, "所属乡镇代码")]
    assert "男、女" in messages[("第一书记", 2, "性别")]
    assert "手机号" in messages[("第一书记", 3, "手机号")]
    assert "早于" in messages[("第一书记", 4, "任期结束")]
    assert "必填" in messages[("农户", 5, "户主姓名")]
    assert "1390000" not in "".join(messages.values())  # phones are not echoed
    assert await table_counts(session_factory) == before


async def test_not_an_xlsx_file_is_a_row_error(session_factory: SessionFactory) -> None:
    actor = await make_county(session_factory)
    for data in (b"", b"village,code\n1,2\n", b"PK\x03\x04broken zip"):
        result = await run_import(session_factory, actor, data)
        assert not result.ok
        assert [(e.sheet, e.row) for e in result.row_errors] == [("", 0)]
        assert ".xlsx" in result.row_errors[0].message


async def test_missing_sheets_and_headers(session_factory: SessionFactory) -> None:
    actor = await make_county(session_factory)

    unknown = await run_import(session_factory, actor, sheets_file({"Sheet": [["a"]]}))
    assert [e.row for e in unknown.row_errors] == [0]
    assert "乡镇" in unknown.row_errors[0].message

    no_header = await run_import(session_factory, actor, sheets_file({"乡镇": [["乡镇代码", "名称"], ["T1", "新镇"]]}))
    assert where(no_header.row_errors) == {("乡镇", 1, "乡镇名称")}

    blank_template = workbook_bytes(build_template_workbook())
    empty = await run_import(session_factory, actor, blank_template)
    assert not empty.ok and empty.row_errors[0].row == 0
    assert await table_counts(session_factory) == (1, 0, 0)


async def test_flexible_layout_and_cell_types(session_factory: SessionFactory) -> None:
    """Column order varies, extra columns and blank rows are ignored, numbers stand in for
    text, dates may be real dates or text, and villages may name a township already stored."""
    actor = await make_county(session_factory)
    await run_import(session_factory, actor, sheets_file({"乡镇": [["乡镇代码", "乡镇名称"], [101, "老镇"]]}))
    data = sheets_file(
        {
            "村社区": [
                ["备注", "类型", "村名称", "村代码", "所属乡镇代码"],
                ["x", "社区", "新社区", 101001, "101"],
                [None, None, None, None, None],
            ],
            "第一书记": [
                [
                    "任期结束",
                    "任期开始",
                    "所在村代码",
                    "干部类别",
                    "驻村方式",
                    "单位类型",
                    "派出单位",
                    "手机号",
                    "性别",
                    "姓名",
                ],
                [
                    "2028-02-29",
                    datetime(2026, 3, 1),
                    "101001",
                    "党政正职",
                    "非脱产联村",
                    "镇街",
                    "老镇党委",
                    13900000009,
                    "女",
                    "钱七",
                ],
            ],
            "农户": [
                ["户主姓名", "村代码", "户编号", "住址", "家庭人口"],
                [],
                ["孙八", "101001", 7, "1号楼", "4"],
            ],
        }
    )

    result = await run_import(session_factory, actor, data)

    assert result.ok, result.row_errors
    assert result.counts == ImportCounts(villages=1, secretaries=1, households=1)
    async with session_factory() as session:
        secretary = await session.scalar(select(SecretaryProfile))
        assert secretary is not None
        assert (secretary.phone, secretary.term_start, secretary.term_end) == (
            "13900000009",
            date(2026, 3, 1),
            date(2028, 2, 29),
        )
        household = await session.scalar(select(Household))
        assert household is not None
        assert (household.code, household.member_count, household.phone) == ("7", 4, None)
        assert household.is_hardship is False


async def test_dry_run_counts_but_writes_nothing(session_factory: SessionFactory) -> None:
    actor = await make_county(session_factory)

    result = await run_import(session_factory, actor, example_file(), dry_run=True)

    assert result.ok and result.dry_run and result.counts == EXAMPLE_COUNTS
    assert await table_counts(session_factory) == (1, 0, 0)


async def test_only_county_staff_may_import(session_factory: SessionFactory) -> None:
    county = await make_county(session_factory)
    township = Actor(
        user_id=2,
        role=Role.TOWNSHIP,
        org_unit_id=county.county_id,
        county_id=county.county_id,
        township_id=county.county_id,
    )
    with pytest.raises(Forbidden):
        await run_import(session_factory, township, example_file())
    with pytest.raises(Unauthenticated):
        await run_import(session_factory, None, example_file())
    assert await table_counts(session_factory) == (1, 0, 0)


async def test_counties_do_not_share_codes(session_factory: SessionFactory) -> None:
    first = await make_county(session_factory, code="C1")
    second = await make_county(session_factory, code="C2")
    assert (await run_import(session_factory, first, example_file())).ok
    assert (await run_import(session_factory, second, example_file())).ok
    assert await table_counts(session_factory) == (2 + 2 * 6, 8, 80)


async def test_oversized_sheets_and_error_floods_are_capped(
    session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.org.importer import parse, service

    actor = await make_county(session_factory)
    monkeypatch.setattr(parse, "MAX_ROWS_PER_SHEET", 3)
    rows = [["乡镇代码", "乡镇名称"]] + [[f"T{i}", f"镇{i}"] for i in range(5)]
    too_long = await run_import(session_factory, actor, sheets_file({"乡镇": rows}))
    assert where(too_long.row_errors) == {("乡镇", 5, None)}

    monkeypatch.setattr(service, "MAX_REPORTED_ERRORS", 2)
    bad = [["乡镇代码", "乡镇名称"]] + [[f"T{i}", None] for i in range(3)]
    flood = await run_import(session_factory, actor, sheets_file({"乡镇": bad}))
    assert [e.row for e in flood.row_errors] == [0, 2, 3]
    assert "共 3 处错误" in flood.row_errors[0].message
