"""The one table (一张表): rows from what was filed, the routes' access, the JSON against its
published schema, the .xlsx's header row, and a pinned number of SQL statements."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import jsonschema
from openpyxl import load_workbook
from starlette.applications import Starlette

from backend.attendance.models import ConfirmationSource, MonthConfirmation
from backend.core.db import SessionFactory
from backend.duties.progress import county_progress
from backend.reporting.one_table import COLUMNS, HEADERS, KEYS, VERSION, one_table
from tests.conftest import GraphQLClient
from tests.ranking.helpers import assess, poll
from tests.test_query_counts import count_queries, security_log_statements
from tests.world import World, add_village_with_secretary

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "one-table.schema.json").read_text(encoding="utf-8"))
TODAY = date(2026, 12, 7)


async def _filed(session_factory: SessionFactory, world: World) -> None:
    """V11: assessed 88 points, a closed valid poll 45/50 of 60 eligible, April confirmed 15 days."""
    async with session_factory.begin() as session:
        v11 = world.secretaries["V11"]
        await assess(session, world, v11, 88.0)
        row = await poll(session, world, v11, 45, 50)
        row.result = {"ballots": 50, "eligible": 60}
        session.add(
            MonthConfirmation(
                secretary_id=v11.id,
                month="2026-04",
                township_id=world.units["T1"].id,
                county_id=world.units["A"].id,
                derived_days=14,
                stationed_days=15,
                rate_yuan_per_day=40,
                allowance_yuan=600,
                note="补录一天",
                source=ConfirmationSource.TOWNSHIP,
                confirmed_by=world.users["township"].id,
            )
        )


async def _get(client: httpx.AsyncClient, gql: GraphQLClient, user: str | None, url: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {await gql.token_for(user)}"} if user else {}
    return await client.get(url, headers=headers)


async def test_rows_come_from_what_was_filed(session_factory: SessionFactory, world: World) -> None:
    await _filed(session_factory, world)
    async with session_factory() as session:
        table = await one_table(session, world.actor("county"), "2026", month="2026-04", today=TODAY)
        progress = await county_progress(session, world.actor("county"), today=TODAY)
    by_name = {r["name"]: r for r in table.rows}
    assert set(by_name) == {"V11书记", "V12书记", "V21书记"}  # county A only, never county B
    assert all(tuple(r) == KEYS for r in table.rows)  # every row carries the columns, in order
    v11 = by_name["V11书记"]
    assert (v11["township"], v11["village"], v11["dispatch_unit"], v11["mode"]) == (
        world.units["T1"].name,
        world.units["V11"].name,
        "县农业农村局",
        "resident",
    )
    expected = next(p for p in progress.secretaries if p.secretary.id == world.secretaries["V11"].id)
    assert v11["duties_completed"] == expected.completed_count
    assert (v11["duty_list"], v11["duties_total"]) == ("八个一", 8)
    assert v11["duties_incomplete"] == "；".join(d.label for d in expected.duties if not d.complete)
    assert (v11["stationed_days"], v11["allowance_yuan"], v11["stationed_confirmed"]) == (15, 600, True)
    assert (v11["poll_ballots"], v11["poll_eligible"], v11["poll_valid"]) == (50, 60, True)
    assert (v11["satisfaction_percent"], v11["poll_tier"]) == ("90.00", "none")
    assert v11["assessment_score"] == 88.0
    assert v11["total_score"] == 79.2  # 88 × 45/50
    assert v11["rank"] == 1 and v11["grade"] is not None
    v12 = by_name["V12书记"]
    assert v12["poll_ballots"] is None and v12["assessment_score"] is None and v12["grade"] is None
    assert v12["stationed_confirmed"] is False  # April derived, not confirmed
    assert v12["note"]  # why not rankable, from the ranking


async def test_a_year_sums_the_months_so_far(session_factory: SessionFactory, world: World) -> None:
    await _filed(session_factory, world)
    async with session_factory() as session:
        table = await one_table(session, world.actor("county"), "2026", today=TODAY)
        future = await one_table(session, world.actor("county"), "2027", today=TODAY)
    assert [m.key for m in table.months] == [f"2026-{n:02d}" for n in range(1, 13)]
    v11 = next(r for r in table.rows if r["name"] == "V11书记")
    assert isinstance(v11["stationed_days"], int) and v11["stationed_days"] >= 15
    assert v11["stationed_confirmed"] is False  # only April was confirmed
    assert future.months == [] and all(r["stationed_days"] == 0 for r in future.rows)


def _check(schema: dict[str, Any], body: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(body)


async def test_json_api_for_the_county_matches_its_schema(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await _filed(session_factory, world)
    response = await _get(client, gql, "county", "/api/one-table/v1?period=2026&month=2026-04")
    assert response.status_code == 200, response.text
    body = response.json()
    _check(SCHEMA, body)
    assert body["version"] == VERSION and body["period"] == "2026" and body["month"] == "2026-04"
    assert [c["key"] for c in body["columns"]] == list(KEYS)
    assert [c["header"] for c in body["columns"]] == list(HEADERS)
    assert all(c["source"]["domain"] and c["source"]["record"] for c in body["columns"])
    assert {r["name"] for r in body["rows"]} == {"V11书记", "V12书记", "V21书记"}
    # The schema lists every column as a row property with its type: the docs cannot drift.
    properties = SCHEMA["properties"]["rows"]["items"]["properties"]
    assert list(properties) == list(KEYS)
    for column in COLUMNS:
        types = properties[column.key]["type"]
        assert types == ([column.type, "null"] if column.nullable else column.type), column.key


async def test_routes_refuse_other_roles(client: httpx.AsyncClient, gql: GraphQLClient, world: World) -> None:
    for url in ("/api/one-table/v1?period=2026", "/exports/one-table-2026.xlsx"):
        assert (await _get(client, gql, None, url)).status_code == 401
        for user in ("township", "village", "member"):
            response = await _get(client, gql, user, url)
            assert response.status_code == 403, (user, url)
            assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await _get(client, gql, "county", "/api/one-table/v1?period=26")
    assert bad.status_code == 400
    wrong_year = await _get(client, gql, "county", "/api/one-table/v1?period=2026&month=2025-04")
    assert wrong_year.status_code == 400
    other = await _get(client, gql, "county_b", "/api/one-table/v1?period=2026")
    assert {r["name"] for r in other.json()["rows"]} == {"VB书记"}


async def test_xlsx_header_row_is_the_provenance_headers(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await _filed(session_factory, world)
    response = await _get(client, gql, "county", "/exports/one-table-2026.xlsx?month=2026-04")
    assert response.status_code == 200, response.text
    assert "spreadsheetml" in response.headers["content-type"]
    book = load_workbook(io.BytesIO(response.content))
    rows = [list(r) for r in book["一张表"].iter_rows(values_only=True)]
    assert rows[2] == list(HEADERS)
    v11 = next(r for r in rows[3:] if r[1] == "V11书记")
    cells = dict(zip(KEYS, v11, strict=True))
    assert (cells["mode"], cells["stationed_days"], cells["allowance_yuan"], cells["poll_valid"]) == (
        "脱产驻村",
        15,
        600,
        "是",
    )
    assert len(rows) == 3 + 3
    sources = [list(r) for r in book["数据来源"].iter_rows(values_only=True)]
    assert [r[0] for r in sources[1:]] == list(HEADERS)


async def test_statements_do_not_grow_with_secretaries(
    app: Starlette, client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await _filed(session_factory, world)
    url = "/api/one-table/v1?period=2026&month=2026-04"

    async def statements() -> int:
        with count_queries(app) as seen:
            response = await _get(client, gql, "county", url)
            assert response.status_code == 200, response.text
        return len(seen)

    before = await statements()
    async with session_factory.begin() as session:
        for n in range(12):
            await add_village_with_secretary(
                session,
                world.units["T2"],
                name=f"增村{n}",
                code=f"G{n:02d}",
                secretary_name=f"增书记{n}",
                phone=f"1370000{n:04d}",
            )
    assert await statements() == before
    # roster, progress (17 = 16 before the county's checklist + 1: its versions and moves, one
    # query for every secretary), polls, ranking, one allowance sheet; then the security log
    # records the export
    assert before == 17 + security_log_statements(app), before


def test_the_docs_list_every_column() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "ONE_TABLE.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"| `{column.key}` | {column.header} | {column.type}" in docs, column.key


async def test_the_screen_reads_the_same_provenance_list(gql: GraphQLClient, world: World) -> None:
    body = await gql.execute("{ oneTableColumns { key header valueType nullable domain record } }", as_user="county")
    columns = body["data"]["oneTableColumns"]  # type: ignore[index]
    assert [(c["key"], c["header"], c["valueType"]) for c in columns] == [(c.key, c.header, c.type) for c in COLUMNS]
