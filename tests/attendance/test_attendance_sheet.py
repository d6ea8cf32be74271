"""The monthly stationed-days and allowance sheet, on the screen and as .xlsx."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote

import httpx
from openpyxl import load_workbook

from backend.attendance.models import CheckIn
from backend.core.db import SessionFactory
from backend.org.models import SecretaryProfile, StationMode
from tests.conftest import GraphQLClient
from tests.world import World

BEIJING = timezone(timedelta(hours=8))

SUMMARY = """query($m: String!, $t: ID) { attendanceSummary(month: $m, townshipId: $t) {
  month title rule rateYuanPerDay totalStationedDays totalAllowanceYuan totalOutsideCheckIns downloadPath
  rows { index townshipName villageName secretaryName dispatchUnit mode stationedDays rateYuanPerDay
         allowanceYuan outsideCheckIns note } } }"""


async def hand_made_month(session_factory: SessionFactory, world: World) -> None:
    """November 2026 in Beijing time (the 1st is a Sunday, the 30th a Monday).

    V11 (resident): inside on Mon 2 (twice), Tue 3, Thu 5 07:30 (still Wed 4 in UTC) and Mon 30
    23:30 (15:30 UTC) → 4 days; Sat 7 (weekend), Tue Dec 1 00:30 (Nov 30 in UTC) and Oct 30 do not
    count; Wed 4 outside only → flagged, not counted.
    V12 (liaison): inside on Wed 11 and Sat 14 → 2 on-site days, no allowance.
    V21 (resident, township T2): outside once → 0 days. VB is in another county.
    """
    plan = {
        "V11": [
            (datetime(2026, 11, 2, 8, 0), True),
            (datetime(2026, 11, 2, 17, 0), True),
            (datetime(2026, 11, 3, 9, 0), True),
            (datetime(2026, 11, 4, 9, 0), False),
            (datetime(2026, 11, 5, 7, 30), True),
            (datetime(2026, 11, 7, 10, 0), True),
            (datetime(2026, 11, 30, 23, 30), True),
            (datetime(2026, 12, 1, 0, 30), True),
            (datetime(2026, 10, 30, 23, 59), True),
        ],
        "V12": [(datetime(2026, 11, 11, 10, 0), True), (datetime(2026, 11, 14, 10, 0), True)],
        "V21": [(datetime(2026, 11, 10, 10, 0), False)],
        "VB": [(datetime(2026, 11, 10, 10, 0), True)],
    }
    async with session_factory.begin() as session:
        liaison = await session.get(SecretaryProfile, world.secretaries["V12"].id)
        assert liaison is not None
        liaison.mode = StationMode.LIAISON
        for village, entries in plan.items():
            unit = world.units[village]
            for local, inside in entries:
                session.add(
                    CheckIn(
                        id=str(uuid.uuid4()),
                        secretary_id=world.secretaries[village].id,
                        village_id=unit.id,
                        township_id=unit.township_id,
                        county_id=unit.county_id,
                        at=local.replace(tzinfo=BEIJING),
                        lat=36.3,
                        lng=120.0,
                        accuracy_m=10.0,
                        distance_m=100.0 if inside else 3000.0,
                        inside_geofence=inside,
                        content_hash="x",
                    )
                )


async def test_summary_counts_weekdays_once_each_in_beijing_time(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await hand_made_month(session_factory, world)
    body = await gql.execute(SUMMARY, {"m": "2026-11"}, as_user="county")
    summary = body["data"]["attendanceSummary"]
    rows = {r["villageName"]: r for r in summary["rows"]}
    assert list(rows) == ["V11名", "V12名", "V21名"]  # county B's secretary is not listed
    assert rows["V11名"] | {"note": ""} == {
        "index": 1,
        "townshipName": "T1名",
        "villageName": "V11名",
        "secretaryName": "V11书记",
        "dispatchUnit": "县农业农村局",
        "mode": "RESIDENT",
        "stationedDays": 4,
        "rateYuanPerDay": 40,
        "allowanceYuan": 160,
        "outsideCheckIns": 1,
        "note": "",
    }
    assert (
        rows["V11名"]["note"]
        == "待镇街确认；依据：签到 4 天；待核实 1 天（仅有村外定位，不计天数）；村外签到 1 次（已标记，不计天数）"
    )
    assert (rows["V12名"]["mode"], rows["V12名"]["stationedDays"], rows["V12名"]["allowanceYuan"]) == ("LIAISON", 2, 0)
    assert "不计驻村补贴" in rows["V12名"]["note"]
    assert (rows["V21名"]["stationedDays"], rows["V21名"]["allowanceYuan"], rows["V21名"]["outsideCheckIns"]) == (
        0,
        0,
        1,
    )
    assert summary["totalStationedDays"] == 4
    assert summary["totalAllowanceYuan"] == 160
    assert summary["totalOutsideCheckIns"] == 2
    assert summary["title"] == "A名2026年11月第一书记驻村考勤及补贴表"
    assert "周一至周五" in summary["rule"] and "同一天只计一天" in summary["rule"] and "不强制" in summary["rule"]

    own = await gql.execute(SUMMARY, {"m": "2026-11"}, as_user="township")
    assert [r["villageName"] for r in own["data"]["attendanceSummary"]["rows"]] == ["V11名", "V12名"]
    one = await gql.execute(SUMMARY, {"m": "2026-11", "t": world.unit_id("T2")}, as_user="county")
    assert [r["villageName"] for r in one["data"]["attendanceSummary"]["rows"]] == ["V21名"]
    assert one["data"]["attendanceSummary"]["title"] == "A名T2名2026年11月第一书记驻村考勤及补贴表"
    refused = await gql.execute(SUMMARY, {"m": "2026-11", "t": world.unit_id("T2")}, as_user="township")
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    bad = await gql.execute(SUMMARY, {"m": "11/2026"}, as_user="county")
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def _download(client: httpx.AsyncClient, gql: GraphQLClient, user: str | None, query: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {await gql.token_for(user)}"} if user else {}
    return await client.get(f"/exports/attendance.xlsx?{query}", headers=headers)


async def test_xlsx_opens_and_its_numbers_are_right(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await hand_made_month(session_factory, world)
    response = await _download(client, gql, "county", "month=2026-11")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "A名-驻村考勤补贴表-2026-11.xlsx"

    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    values = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    assert values[0][0] == "A名2026年11月第一书记驻村考勤及补贴表"
    assert values[2] == [
        "序号",
        "乡镇",
        "村",
        "第一书记",
        "派出单位",
        "驻村方式",
        "驻村天数",
        "补贴标准(元/天)",
        "补贴金额(元)",
        "备注",
    ]
    body = values[3:6]
    assert [r[:9] for r in body] == [
        [1, "T1名", "V11名", "V11书记", "县农业农村局", "脱产驻村", 4, 40, 160],
        [2, "T1名", "V12名", "V12书记", "县农业农村局", "非脱产联村", 2, 0, 0],
        [3, "T2名", "V21名", "V21书记", "县农业农村局", "脱产驻村", 0, 40, 0],
    ]
    assert (
        body[0][9]
        == "待镇街确认；依据：签到 4 天；待核实 1 天（仅有村外定位，不计天数）；村外签到 1 次（已标记，不计天数）"
    )
    totals = values[6]
    assert (totals[0], totals[6], totals[8]) == ("合计", 4, 160)
    assert str(values[-1][0]).startswith("说明：驻村天数：本月（北京时间）周一至周五")


async def test_xlsx_access(client: httpx.AsyncClient, gql: GraphQLClient, world: World) -> None:
    own = await _download(client, gql, "township", "month=2026-11")
    assert own.status_code == 200
    rows = list(load_workbook(io.BytesIO(own.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "A名T1名2026年11月第一书记驻村考勤及补贴表"
    assert [r[2] for r in rows[3:5]] == ["V11名", "V12名"] and rows[5][0] == "合计"
    assert (  # another township, another county: as if there were none
        await _download(client, gql, "township", f"month=2026-11&townshipId={world.unit_id('T2')}")
    ).status_code == 404
    assert (
        await _download(client, gql, "county", f"month=2026-11&townshipId={world.unit_id('TB')}")
    ).status_code == 404
    assert (
        await _download(client, gql, "county", f"month=2026-11&townshipId={world.unit_id('T2')}")
    ).status_code == 200
    assert (await _download(client, gql, "village", "month=2026-11")).status_code == 403
    assert (await _download(client, gql, "member", "month=2026-11")).status_code == 403
    assert (await _download(client, gql, None, "month=2026-11")).status_code == 401
    assert (await _download(client, gql, "county", "month=2026-1")).status_code == 400
    forged = await client.get("/exports/attendance.xlsx?month=2026-11", headers={"authorization": "Bearer nope"})
    assert forged.status_code == 401
