"""The county's security screen (安全审计): securityEvents filters, pages and scoping, and its
Excel export (itself recorded)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from backend.audit.models import SECURITY, AuditEvent
from backend.audit.security_log import Kind, record_security_event
from backend.core.db import SessionFactory
from tests.conftest import GraphQLClient
from tests.exports.helpers import download, open_workbook, sheet_values
from tests.world import World

EVENTS = """query($f: SecurityEventFilter, $n: Int, $a: String) {
  securityEvents(filter: $f, first: $n, after: $a) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { kind kindLabel succeeded actorName subjectName summary } } } }"""


async def _seed(session_factory: SessionFactory, world: World) -> None:
    """County A: a failed login of the township user and a lockout 40 days ago, then the
    township's login and the county's export today; county B: one login."""
    a, b = world.units["A"].id, world.units["B"].id
    township, county = world.users["township"].id, world.users["county"].id
    old = datetime.now(UTC) - timedelta(days=40)
    async with session_factory.begin() as session:
        for kind, at in ((Kind.LOGIN_FAILED, old), (Kind.LOCKED, old + timedelta(minutes=1))):
            session.add(
                AuditEvent(
                    at=at,
                    county_id=a,
                    entity="security",
                    entity_id=str(township),
                    action=kind.value,
                    detail={"phone": "139****0001", "until": (at + timedelta(minutes=15)).isoformat()},
                )
            )
        record_security_event(session, county_id=a, kind=Kind.LOGIN, actor_user_id=township, subject_user_id=township)
        record_security_event(
            session,
            county_id=a,
            kind=Kind.EXPORT,
            actor_user_id=county,
            subject_user_id=county,
            detail={"export": "attendance", "scope": {"month": "2026-11"}, "rows": 3},
        )
        record_security_event(
            session, county_id=b, kind=Kind.LOGIN, actor_user_id=world.users["county_b"].id, subject_user_id=None
        )


def _nodes(body: dict) -> list[dict]:
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["securityEvents"]["edges"]]


async def test_the_county_reads_its_own_security_log_newest_first(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await _seed(session_factory, world)
    nodes = _nodes(await gql.execute(EVENTS, {}, as_user="county"))
    assert [n["kind"] for n in nodes] == ["EXPORT", "LOGIN", "LOCKED", "LOGIN_FAILED"]
    export, login, locked, failed = nodes
    assert export == {
        "kind": "EXPORT",
        "kindLabel": "导出",
        "succeeded": True,
        "actorName": "county用户",
        "subjectName": "county用户",
        "summary": "驻村考勤补贴表（月份：2026-11），共 3 行",
    }
    assert (login["actorName"], login["subjectName"]) == ("township用户", "township用户")
    assert (failed["succeeded"], failed["actorName"], failed["subjectName"]) == (False, None, "township用户")
    assert failed["summary"] == "手机号 139****0001 密码错误或账号不存在"
    assert locked["kindLabel"] == "锁定" and locked["summary"].startswith("手机号 139****0001 连续登录失败，锁定至 ")
    other = _nodes(await gql.execute(EVENTS, {}, as_user="county_b"))
    assert [n["kind"] for n in other] == ["LOGIN"]


async def test_filters_by_kind_dates_and_person(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await _seed(session_factory, world)
    today = datetime.now(UTC).date()

    async def kinds(f: dict) -> list[str]:
        return [n["kind"] for n in _nodes(await gql.execute(EVENTS, {"f": f}, as_user="county"))]

    assert await kinds({"kinds": ["LOGIN_FAILED", "LOCKED"]}) == ["LOCKED", "LOGIN_FAILED"]
    assert await kinds({"from": str(today - timedelta(days=1))}) == ["EXPORT", "LOGIN"]
    assert await kinds({"to": str(today - timedelta(days=30))}) == ["LOCKED", "LOGIN_FAILED"]
    assert await kinds({"userId": world.user_id("township")}) == ["LOGIN", "LOCKED", "LOGIN_FAILED"]
    assert await kinds({"userId": world.user_id("county"), "kinds": ["LOGIN"]}) == []
    backwards = await gql.execute(
        EVENTS, {"f": {"from": str(today), "to": str(today - timedelta(days=1))}}, as_user="county"
    )
    assert backwards["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert backwards["errors"][0]["message"] == "结束日期不能早于开始日期"


async def test_pages_follow_the_chain_newest_first(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await _seed(session_factory, world)
    first = (await gql.execute(EVENTS, {"n": 3}, as_user="county"))["data"]["securityEvents"]
    assert first["totalCount"] == 4 and first["pageInfo"]["hasNextPage"]
    rest = (await gql.execute(EVENTS, {"n": 3, "a": first["pageInfo"]["endCursor"]}, as_user="county"))["data"][
        "securityEvents"
    ]
    assert [e["node"]["kind"] for e in rest["edges"]] == ["LOGIN_FAILED"]
    assert not rest["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize("role", ["township", "village", "member"])
async def test_only_the_county_reads_the_security_log(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, role: str
) -> None:
    await _seed(session_factory, world)
    body = await gql.execute(EVENTS, {}, as_user=role)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await gql.execute(EVENTS, {})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_reading_the_screen_is_not_itself_a_bulk_read(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await _seed(session_factory, world)
    await gql.execute(EVENTS, {}, as_user="county")
    async with session_factory() as session:
        count = len((await session.scalars(select(AuditEvent).where(AuditEvent.chain == SECURITY))).all())
    assert count == 5


async def test_the_excel_export_lists_the_filtered_events_and_is_recorded(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await _seed(session_factory, world)
    response = await download(client, gql, "county", "security-events.xlsx", "kinds=login_failed,locked")
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    rows = sheet_values(open_workbook(response), "安全审计记录")
    assert rows[0][0] == f"{world.units['A'].name}安全审计记录"
    assert rows[1][0].startswith("类型：登录失败、锁定    日期：最早 至 至今")
    assert rows[2] == ["序号", "时间", "类型", "结果", "操作人", "涉及账号", "说明", "链序号"]
    assert [r[2:6] for r in rows[3:]] == [
        ["锁定", "失败", None, "township用户"],
        ["登录失败", "失败", None, "township用户"],
    ]
    async with session_factory() as session:
        newest = await session.scalar(
            select(AuditEvent)
            .where(AuditEvent.chain == SECURITY, AuditEvent.county_id == world.units["A"].id)
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        )
    assert newest is not None
    assert newest.action == "export" and newest.actor_user_id == world.users["county"].id
    assert newest.detail == {"export": "security_events", "scope": {"kinds": ["登录失败", "锁定"]}, "rows": 2}


async def test_the_excel_export_refuses_others_and_bad_filters(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    assert (await download(client, gql, "township", "security-events.xlsx", "")).status_code == 403
    assert (await download(client, gql, None, "security-events.xlsx", "")).status_code == 401
    bad_kind = await download(client, gql, "county", "security-events.xlsx", "kinds=nonsense")
    assert bad_kind.status_code == 400 and bad_kind.json()["errors"][0]["message"] == "事件类型不正确"
    bad_day = await download(client, gql, "county", "security-events.xlsx", "from=2026-13-01")
    assert bad_day.status_code == 400
    empty = sheet_values(
        open_workbook(await download(client, gql, "county", "security-events.xlsx", "")), "安全审计记录"
    )
    assert empty[3][0] == "所选条件下没有安全事件"
