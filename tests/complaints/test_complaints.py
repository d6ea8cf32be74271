"""Complaints and suggestions (投诉建议, 国办函〔2026〕12号): anyone sends one to the county — a
villager without an account from the public page, anonymously if they wish; the county reads and
answers; anyone follows one by its tracking number (state and reply, never the sender); nobody but
the county reads another's complaint, least of all the township it is about."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from backend.attendance.common import SHANGHAI
from backend.audit.models import AuditEvent
from backend.cli import main
from backend.complaints.models import Complaint, ComplaintState
from backend.complaints.service import clean_tracking, forget_complaint_phones
from backend.core.db import SessionFactory
from backend.core.orm import utcnow
from backend.core.settings import Settings
from backend.graphql.schema import schema
from tests.conftest import GraphQLClient
from tests.refusals import refusal
from tests.world import World

ERR = "errors { code field message }"
PUBLIC = (
    "mutation($i: PublicComplaintInput!) { sendPublicComplaint(input: $i) { trackingNumber retryAfter " + ERR + " } }"
)
SEND = (
    "mutation($i: SendComplaintInput!) { sendComplaint(input: $i) { complaint { id trackingNumber anonymous state "
    "senderName about { id } } " + ERR + " } }"
)
ANSWER = (
    "mutation($i: AnswerComplaintInput!) { answerComplaint(input: $i) { complaint { state reply repliedAt } "
    + ERR
    + " } }"
)
LIST = """query($s: ComplaintState, $y: Int) { complaints(state: $s, year: $y, first: 50) { totalCount edges { node {
  id trackingNumber kind topic text anonymous viaPublicPage state reply senderName contactPhone about { id name } } } } }"""
MINE = "{ myComplaints { totalCount edges { node { id trackingNumber text state reply senderName contactPhone } } } }"
TRACK = """query($n: String!) { complaintByTracking(trackingNumber: $n) {
  trackingNumber kind topic state reply repliedAt createdAt } }"""


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.with_overrides(media_dir=tmp_path / "media", public_reports_per_village_per_day=3)


def _public(world: World, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "villageId": world.unit_id("V11"),
        "kind": "COMPLAINT",
        "topic": "FORCED_CHECK_IN",
        "text": "镇里要求第一书记每天打卡三次，还在群里通报排名",
        "aboutUnitId": world.unit_id("T1"),
    }
    return {"i": {**fields, **overrides}}


async def _send_public(gql: GraphQLClient, world: World, **overrides: Any) -> str:
    body = await gql.execute(PUBLIC, _public(world, **overrides))
    payload = body["data"]["sendPublicComplaint"]  # type: ignore[index]
    assert payload["errors"] == [], payload
    number: str = payload["trackingNumber"]
    return number


def _nodes(body: dict[str, Any], field: str) -> list[dict[str, Any]]:
    return [e["node"] for e in body["data"][field]["edges"]]


async def test_an_anonymous_villagers_complaint_about_a_township_is_for_the_county_only(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    """The required test: a villager without an account complains anonymously about township T1;
    the county reads and answers it; the township cannot read it through any query."""
    number = await _send_public(gql, world)
    assert len(number) == 14 and number[4] == number[9] == "-"

    listed = _nodes(await gql.execute(LIST, as_user="county"), "complaints")
    [mine] = [n for n in listed if n["trackingNumber"] == number]
    assert mine["anonymous"] and mine["viaPublicPage"] and mine["state"] == "RECEIVED"
    assert mine["senderName"] is None and mine["contactPhone"] is None
    assert mine["about"] == {"id": world.unit_id("T1"), "name": world.units["T1"].name}
    async with session_factory() as session:
        stored = await session.scalar(select(Complaint).where(Complaint.id == int(mine["id"])))
        assert stored is not None and stored.sender_user_id is None and stored.contact_phone is None

    answered = await gql.execute(
        ANSWER, {"i": {"id": mine["id"], "reply": "已核实：不得要求每天打卡，已责令镇里整改"}}, as_user="county"
    )
    assert answered["data"]["answerComplaint"]["complaint"]["state"] == "ANSWERED"  # type: ignore[index]

    # The township, its village and its villagers: through no query.
    for role in ("township", "village", "member"):
        body = await gql.execute(LIST, as_user=role)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body  # type: ignore[index]
        body = await gql.execute(MINE, as_user=role)
        assert all(n["trackingNumber"] != number for n in _nodes(body, "myComplaints")), body
        assert all("打卡三次" not in n["text"] for n in _nodes(body, "myComplaints"))
        refused = await gql.execute(ANSWER, {"i": {"id": mine["id"], "reply": "x"}}, as_user=role)
        assert refused["data"]["answerComplaint"]["errors"][0]["code"] == "FORBIDDEN"  # type: ignore[index]
        guessed = await gql.execute(TRACK, {"n": "2345-6789-ABCD"}, as_user=role)
        assert guessed["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]
    # Another county never sees it either.
    other = _nodes(await gql.execute(LIST, as_user="county_b"), "complaints")
    assert all(n["trackingNumber"] != number for n in other)

    # The villager follows it by its number: state and reply, nothing else.
    tracked = (await gql.execute(TRACK, {"n": number.lower().replace("-", " ")}))["data"]["complaintByTracking"]  # type: ignore[index]
    assert tracked["state"] == "ANSWERED" and tracked["reply"].startswith("已核实")
    assert tracked["trackingNumber"] == number and tracked["repliedAt"]


def test_no_query_reaches_a_complaint_but_the_county_s_and_the_sender_s() -> None:
    """Complaint is reachable only from complaints (the county), myComplaints (the sender's own)
    and the payloads of sending and answering; the tracking type has no sender, text or unit."""
    graphql_schema = schema._schema
    reaching: set[str] = set()
    for root in (graphql_schema.query_type, graphql_schema.mutation_type):
        assert root is not None
        for name, field in root.fields.items():
            if "Complaint" in str(field.type) and "Tracking" not in str(field.type):
                reaching.add(name)
    assert reaching == {"complaints", "myComplaints", "sendComplaint", "answerComplaint", "sendPublicComplaint"}
    holders = {
        type_name
        for type_name, graphql_type in graphql_schema.type_map.items()
        for field in getattr(graphql_type, "fields", {}).values()
        if str(getattr(field, "type", "")).strip("[]!") in {"Complaint", "ComplaintConnection"}
        or "ComplaintEdge" in str(getattr(field, "type", ""))
    }
    assert holders <= {"Query", "ComplaintPayload", "ComplaintConnection", "ComplaintEdge"}, holders
    tracking = set(graphql_schema.type_map["ComplaintTracking"].fields)  # type: ignore[union-attr]
    assert tracking == {"trackingNumber", "kind", "topic", "state", "reply", "repliedAt", "createdAt"}


async def test_a_logged_in_sender_follows_their_own(gql: GraphQLClient, world: World) -> None:
    body = await gql.execute(
        SEND,
        {
            "i": {
                "kind": "SUGGESTION",
                "topic": "DUPLICATE_REPORTING",
                "text": "同一张表不要每月再报一遍",
                "aboutUnitId": world.unit_id("T1"),
            }
        },
        as_user="member",
    )
    sent = body["data"]["sendComplaint"]["complaint"]  # type: ignore[index]
    assert sent["state"] == "RECEIVED" and not sent["anonymous"] and sent["senderName"] is None
    mine = _nodes(await gql.execute(MINE, as_user="member"), "myComplaints")
    assert sent["trackingNumber"] in {n["trackingNumber"] for n in mine}
    county = _nodes(await gql.execute(LIST, {"s": "RECEIVED"}, as_user="county"), "complaints")
    [seen] = [n for n in county if n["id"] == sent["id"]]
    assert seen["senderName"] == world.users["member"].name and not seen["viaPublicPage"]
    await gql.execute(ANSWER, {"i": {"id": sent["id"], "reply": "已采纳", "state": "CLOSED"}}, as_user="county")
    [after] = [n for n in _nodes(await gql.execute(MINE, as_user="member"), "myComplaints") if n["id"] == sent["id"]]
    assert after["state"] == "CLOSED" and after["reply"] == "已采纳" and after["senderName"] is None
    closed = await gql.execute(ANSWER, {"i": {"id": sent["id"], "reply": "再答"}}, as_user="county")
    assert closed["data"]["answerComplaint"]["errors"][0]["code"] == "INVALID_STATE"  # type: ignore[index]
    # Another county's user cannot answer it: the same answer as no such complaint.
    other = await gql.execute(ANSWER, {"i": {"id": sent["id"], "reply": "x"}}, as_user="county_b")
    assert other["data"]["answerComplaint"]["errors"][0]["code"] == "NOT_FOUND"  # type: ignore[index]


async def test_anonymous_with_an_account_keeps_no_account(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    body = await gql.execute(
        SEND,
        {"i": {"kind": "COMPLAINT", "topic": "RANKING_NOTICES", "text": "每周通报排名", "anonymous": True}},
        as_user="village",
    )
    sent = body["data"]["sendComplaint"]["complaint"]  # type: ignore[index]
    assert sent["anonymous"]
    async with session_factory() as session:
        stored = await session.scalar(select(Complaint).where(Complaint.id == int(sent["id"])))
        assert stored is not None and stored.sender_user_id is None
        event = await session.scalar(
            select(AuditEvent).where(AuditEvent.entity == "complaint", AuditEvent.entity_id == sent["id"])
        )
        assert event is not None and event.actor_user_id is None
    mine = _nodes(await gql.execute(MINE, as_user="village"), "myComplaints")
    assert sent["id"] not in {n["id"] for n in mine}
    county = _nodes(await gql.execute(LIST, as_user="county"), "complaints")
    [seen] = [n for n in county if n["id"] == sent["id"]]
    assert seen["senderName"] is None


async def test_the_answer_is_audited(gql: GraphQLClient, world: World, session_factory: SessionFactory) -> None:
    complaint_id = world.complaints["member"]
    await gql.execute(ANSWER, {"i": {"id": complaint_id, "reply": "已转镇里核实"}}, as_user="county")
    async with session_factory() as session:
        event = await session.scalar(
            select(AuditEvent).where(AuditEvent.entity == "complaint", AuditEvent.action == "answer")
        )
    assert event is not None and event.actor_user_id == world.users["county"].id
    assert event.detail["to"] == "answered" and event.detail["reply"] == "已转镇里核实"


@pytest.mark.parametrize(
    ("as_user", "document", "variables", "field"),
    [
        ("member", SEND, lambda w: {"i": {"kind": "COMPLAINT", "topic": "OTHER", "text": "字" * 1001}}, "text"),
        ("member", SEND, lambda w: {"i": {"kind": "COMPLAINT", "topic": "OTHER", "text": "   "}}, "text"),
        (
            "member",
            SEND,
            lambda w: {"i": {"kind": "COMPLAINT", "topic": "OTHER", "text": "x", "aboutUnitId": w.unit_id("TB")}},
            "aboutUnitId",
        ),
        (
            "member",
            SEND,
            lambda w: {"i": {"kind": "COMPLAINT", "topic": "OTHER", "text": "x", "aboutUnitId": w.unit_id("A")}},
            "aboutUnitId",
        ),
        (None, PUBLIC, lambda w: _public(w, text="字" * 1001), "text"),
        (None, PUBLIC, lambda w: _public(w, aboutUnitId=w.unit_id("T2")), "aboutUnitId"),
        (None, PUBLIC, lambda w: _public(w, contactPhone="12345"), "contactPhone"),
        ("county", ANSWER, lambda w: {"i": {"id": w.complaints["member"], "reply": "字" * 2001}}, "reply"),
        (
            "county",
            ANSWER,
            lambda w: {"i": {"id": w.complaints["member"], "reply": "好", "state": "RECEIVED"}},
            "state",
        ),
    ],
)
async def test_inputs_are_checked_before_any_write(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    as_user: str | None,
    document: str,
    variables: Any,
    field: str,
) -> None:
    async def counts() -> tuple[int, int, int]:
        async with session_factory() as session:
            complaints = await session.scalar(select(func.count()).select_from(Complaint))
            answered = await session.scalar(select(func.count()).where(Complaint.reply.is_not(None)))
            events = await session.scalar(select(func.count()).select_from(AuditEvent))
        return int(complaints or 0), int(answered or 0), int(events or 0)

    before = await counts()
    body = await gql.execute(document, variables(world), as_user=as_user)
    (payload,) = body["data"].values()  # type: ignore[union-attr]
    [error] = payload["errors"]
    assert error["code"] == "INVALID_INPUT" and error["field"] == field and error["message"], error
    assert await counts() == before


async def test_a_malformed_tracking_number_is_invalid_input(gql: GraphQLClient) -> None:
    body = await gql.execute(TRACK, {"n": "not-a-number"})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"  # type: ignore[index]
    with pytest.raises(Exception):  # noqa: B017 - the same refusal, from the service
        clean_tracking("0000-1111-OOOO")


async def test_the_honeypot_looks_like_success_and_stores_nothing(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    async with session_factory() as session:
        before = await session.scalar(select(func.count()).select_from(Complaint))
    number = await _send_public(gql, world, website="http://spam.example")
    assert len(number) == 14
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Complaint)) == before
    body = await gql.execute(TRACK, {"n": number})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]


async def test_past_the_days_cap_the_public_page_waits(gql: GraphQLClient, world: World) -> None:
    for n in range(3):  # the cap is 3 in these tests
        await _send_public(gql, world, text=f"建议{n}", villageId=world.unit_id("V12"), aboutUnitId=None)
    body = await gql.execute(PUBLIC, _public(world, villageId=world.unit_id("V12"), aboutUnitId=None))
    payload = body["data"]["sendPublicComplaint"]  # type: ignore[index]
    assert payload["errors"][0]["code"] == "RATE_LIMITED" and payload["retryAfter"] >= 60
    assert payload["trackingNumber"] is None
    await _send_public(gql, world)  # another village's page is not held back


async def test_a_call_back_number_is_for_the_county_and_forgotten_after_the_answer(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    number = await _send_public(gql, world, contactPhone="138 0000 1234", aboutUnitId=None)
    [node] = [
        n for n in _nodes(await gql.execute(LIST, as_user="county"), "complaints") if n["trackingNumber"] == number
    ]
    assert node["contactPhone"] == "13800001234" and not node["anonymous"]
    await gql.execute(ANSWER, {"i": {"id": node["id"], "reply": "已电话回复"}}, as_user="county")
    async with session_factory.begin() as session:
        assert await forget_complaint_phones(session) == 0  # answered just now: kept for a while
        await session.execute(
            update(Complaint).where(Complaint.id == int(node["id"])).values(updated_at=utcnow() - timedelta(days=31))
        )
    [node] = [
        n for n in _nodes(await gql.execute(LIST, as_user="county"), "complaints") if n["trackingNumber"] == number
    ]
    assert node["contactPhone"] is None  # readers stop showing it at once
    async with session_factory.begin() as session:
        assert await forget_complaint_phones(session) == 1
    async with session_factory() as session:
        stored = await session.scalar(select(Complaint).where(Complaint.id == int(node["id"])))
        assert stored is not None and stored.contact_phone is None and stored.state is ComplaintState.ANSWERED


async def test_the_years_list_filters(gql: GraphQLClient, world: World) -> None:
    year = utcnow().astimezone(SHANGHAI).year
    this_year = await gql.execute(LIST, {"y": year}, as_user="county")
    assert this_year["data"]["complaints"]["totalCount"] == 5  # type: ignore[index]  # the world's, county A
    last_year = await gql.execute(LIST, {"y": year - 1}, as_user="county")
    assert last_year["data"]["complaints"]["totalCount"] == 0  # type: ignore[index]
    page = await gql.execute(
        "{ complaints(first: 3) { pageInfo { hasNextPage endCursor } edges { node { id } } } }", as_user="county"
    )
    connection = page["data"]["complaints"]  # type: ignore[index]
    assert connection["pageInfo"]["hasNextPage"]
    rest = await gql.execute(
        "query($a: String) { complaints(first: 3, after: $a) { pageInfo { hasNextPage } edges { node { id } } } }",
        {"a": connection["pageInfo"]["endCursor"]},
        as_user="county",
    )
    ids = [e["node"]["id"] for e in connection["edges"]] + [
        e["node"]["id"]
        for e in rest["data"]["complaints"]["edges"]  # type: ignore[index]
    ]
    assert len(set(ids)) == 5 and not rest["data"]["complaints"]["pageInfo"]["hasNextPage"]  # type: ignore[index]


async def _download(client: httpx.AsyncClient, gql: GraphQLClient, user: str | None, year: int) -> httpx.Response:
    headers = {"authorization": f"Bearer {await gql.token_for(user)}"} if user else {}
    return await client.get(f"/exports/complaints-{year}.xlsx", headers=headers)


async def test_the_county_exports_the_years_summary(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World
) -> None:
    anonymous = await _send_public(gql, world)
    with_phone = await _send_public(gql, world, contactPhone="13800001234", topic="APP_FAULT", kind="SUGGESTION")
    year = utcnow().astimezone(SHANGHAI).year
    response = await _download(client, gql, "county", year)
    assert response.status_code == 200, response.text
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "明细"]
    summary = [list(row) for row in book["汇总"].iter_rows(values_only=True)]
    assert summary[0][0] == f"{year} 年投诉建议汇总"
    by_topic = {row[0]: tuple(row[1:4]) for row in summary if row and row[0]}
    assert by_topic["强制打卡"] == (1, 0, 1)
    assert by_topic["重复填报"] == (5, 0, 5)  # the world's
    assert by_topic["应用故障"] == (0, 1, 1)
    assert by_topic["合计"] == (6, 1, 7)
    assert by_topic["已受理"][0] == 7 and by_topic["其中匿名"][0] == 1
    rows = list(book["明细"].iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "查询编号", "提交时间")
    by_number = {row[1]: row for row in rows[1:]}
    assert by_number[anonymous][8] == "匿名" and by_number[anonymous][5] == world.units["T1"].name
    assert by_number[with_phone][8] == "无账号（留了电话）"
    named = [row for row in rows[1:] if row[8] == world.users["member"].name]
    assert len(named) == 1
    flat = " ".join(str(v) for row in rows for v in row if v is not None)
    assert "13800001234" not in flat and world.users["member_vb"].name not in flat  # never a number; county A only


@pytest.mark.parametrize("user", ["township", "village", "member"])
async def test_only_the_county_exports(client: httpx.AsyncClient, gql: GraphQLClient, user: str) -> None:
    response = await _download(client, gql, user, 2026)
    assert response.status_code == 403 and refusal(response)["code"] == "FORBIDDEN"


async def test_the_export_needs_a_login_and_a_year(client: httpx.AsyncClient, gql: GraphQLClient) -> None:
    response = await _download(client, gql, None, 2026)
    assert response.status_code == 401 and refusal(response)["code"] == "UNAUTHENTICATED"
    response = await client.get(
        "/exports/complaints-20x6.xlsx", headers={"authorization": f"Bearer {await gql.token_for('county')}"}
    )
    assert response.status_code == 400 and refusal(response)["code"] == "INVALID_INPUT"


async def test_prune_public_data_forgets_complaint_numbers_too(
    gql: GraphQLClient,
    world: World,
    settings: Settings,
    session_factory: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The one retention command (`prune-public-data`) covers complaints' call-back numbers."""
    number = await _send_public(gql, world, contactPhone="13800001234", aboutUnitId=None)
    [node] = [
        n for n in _nodes(await gql.execute(LIST, as_user="county"), "complaints") if n["trackingNumber"] == number
    ]
    await gql.execute(ANSWER, {"i": {"id": node["id"], "reply": "已回电"}}, as_user="county")
    async with session_factory.begin() as session:
        await session.execute(
            update(Complaint).where(Complaint.id == int(node["id"])).values(updated_at=utcnow() - timedelta(days=31))
        )
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MEDIA_DIR", str(settings.media_dir))
    assert await asyncio.to_thread(main, ["prune-public-data"]) == 0
    assert "已删除 1 个回电号码" in capsys.readouterr().out
    async with session_factory() as session:
        stored = await session.scalar(select(Complaint).where(Complaint.id == int(node["id"])))
        assert stored is not None and stored.contact_phone is None
