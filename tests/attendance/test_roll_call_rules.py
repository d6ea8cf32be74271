"""Roll calls are exceptional spot checks (国办函〔2026〕12号): each states a reason, and a secretary is
named at most the county's roll_calls_per_month times a calendar month (Beijing time)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from backend.attendance.common import SHANGHAI
from backend.attendance.models import RollCall, RollCallTarget
from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from tests.attendance.helpers import ROLL_CALLS, START_ROLL_CALL, new_id, start_roll_call
from tests.conftest import GraphQLClient
from tests.world import World

ALLOWANCE = "{ rollCallAllowance { secretary { name } used cap left } }"
SETTINGS = (
    "mutation($n: Int!) { updateCountySettings(input: {rollCallsPerMonth: $n}) "
    "{ settings { rollCallsPerMonth } errors { code field message } } }"
)


def sid(world: World, village: str) -> str:
    return str(world.secretaries[village].id)


async def _written(session_factory: SessionFactory) -> tuple[int, int, int]:
    async with session_factory() as session:
        return (
            int(await session.scalar(select(func.count()).select_from(RollCall)) or 0),
            int(await session.scalar(select(func.count()).select_from(RollCallTarget)) or 0),
            int(await session.scalar(select(func.count()).where(AuditEvent.entity == "roll_call")) or 0),
        )


async def test_a_roll_call_without_a_reason_is_refused(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    refused = await start_roll_call(gql, [sid(world, "V11")], reason=None)
    assert refused["rollCall"] is None
    assert refused["errors"][0]["code"] == "INVALID_INPUT" and refused["errors"][0]["field"] == "reason"
    assert "事由" in refused["errors"][0]["message"]
    # 其他 needs the reason written out.
    other = await start_roll_call(gql, [sid(world, "V11")], reason="OTHER", note="  ")
    assert other["errors"][0]["code"] == "INVALID_INPUT" and other["errors"][0]["field"] == "note"
    assert await _written(session_factory) == (0, 0, 0)

    started = await start_roll_call(gql, [sid(world, "V11")], reason="EMERGENCY", note="防汛应急，确认在岗")
    assert started["errors"] == []
    assert (started["rollCall"]["reason"], started["rollCall"]["reasonLabel"]) == ("EMERGENCY", "应急")
    other_ok = await start_roll_call(gql, [sid(world, "V12")], reason="OTHER", note="上级督查组随机抽查")
    assert other_ok["errors"] == [] and other_ok["rollCall"]["reasonLabel"] == "其他"
    # The county sees every roll call with its reason.
    listed = (await gql.execute(ROLL_CALLS, {}, as_user="county"))["data"]["rollCalls"]["edges"]
    assert sorted((e["node"]["reasonLabel"], e["node"]["note"]) for e in listed) == [
        ("其他", "上级督查组随机抽查"),
        ("应急", "防汛应急，确认在岗"),
    ]


async def test_a_third_roll_call_in_a_month_for_the_same_secretary_is_refused(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    first_id = new_id()
    assert (await start_roll_call(gql, [sid(world, "V11")], id=first_id))["errors"] == []
    assert (await start_roll_call(gql, [sid(world, "V11")]))["errors"] == []
    allowance = (await gql.execute(ALLOWANCE, as_user="township"))["data"]["rollCallAllowance"]
    assert {a["secretary"]["name"]: (a["used"], a["cap"], a["left"]) for a in allowance} == {
        "V11书记": (2, 2, 0),
        "V12书记": (0, 2, 2),
    }
    before = await _written(session_factory)
    # Naming V11 with V12: refused as a whole, V12 is not named either.
    third = await start_roll_call(gql, [sid(world, "V11"), sid(world, "V12")])
    assert third["rollCall"] is None
    error = third["errors"][0]
    assert error["code"] == "ROLL_CALL_CAP_REACHED" and error["field"] == "secretaryIds"
    assert "V11书记" in error["message"] and "V12书记" not in error["message"]
    assert await _written(session_factory) == before
    # A resend of an earlier roll call is still a safe retry (it is not a new one).
    resent = await start_roll_call(gql, [sid(world, "V11")], id=first_id)
    assert resent["errors"] == [] and resent["rollCall"]["id"] == first_id
    assert (await start_roll_call(gql, [sid(world, "V12")]))["errors"] == []


async def test_only_the_current_calendar_month_counts(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    ids = [(await start_roll_call(gql, [sid(world, "V11")]))["rollCall"]["id"] for _ in range(2)]
    # Move both to the last evening of the previous month, Beijing time.
    first_of_month = datetime.now(SHANGHAI).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month = (first_of_month - timedelta(hours=2)).astimezone(UTC)
    async with session_factory.begin() as session:
        for roll_call_id in ids:
            roll_call = await session.get(RollCall, roll_call_id)
            assert roll_call is not None
            roll_call.started_at, roll_call.deadline_at = last_month, last_month + timedelta(hours=1)
    assert (await start_roll_call(gql, [sid(world, "V11")]))["errors"] == []


async def test_the_county_sets_the_cap_within_0_to_4(gql: GraphQLClient, world: World) -> None:
    for too_many in (5, 100):
        refused = (await gql.execute(SETTINGS, {"n": too_many}, as_user="county"))["data"]["updateCountySettings"]
        assert refused["errors"][0]["code"] == "INVALID_INPUT" and refused["errors"][0]["field"] == "rollCallsPerMonth"
    township = (await gql.execute(SETTINGS, {"n": 3}, as_user="township"))["data"]["updateCountySettings"]
    assert township["errors"][0]["code"] == "FORBIDDEN"
    assert (await gql.execute(SETTINGS, {"n": 3}, as_user="county"))["data"]["updateCountySettings"]["errors"] == []
    for _ in range(3):
        assert (await start_roll_call(gql, [sid(world, "V11")]))["errors"] == []
    fourth = await start_roll_call(gql, [sid(world, "V11")])
    assert fourth["errors"][0]["code"] == "ROLL_CALL_CAP_REACHED"
    assert "3 次" in fourth["errors"][0]["message"]
    # 0: no roll calls at all.
    assert (await gql.execute(SETTINGS, {"n": 0}, as_user="county"))["data"]["updateCountySettings"]["errors"] == []
    assert (await start_roll_call(gql, [sid(world, "V12")]))["errors"][0]["code"] == "ROLL_CALL_CAP_REACHED"


async def test_racing_roll_calls_cannot_exceed_the_cap(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    assert (await start_roll_call(gql, [sid(world, "V11")]))["errors"] == []
    variables = [{"id": new_id(), "s": [sid(world, "V11")], "reason": "SPOT_CHECK", "note": "抽查"} for _ in range(6)]
    bodies = await asyncio.gather(*(gql.execute(START_ROLL_CALL, v, as_user="township") for v in variables))
    codes = Counter(
        (b["data"]["startRollCall"]["errors"] or [{"code": None}])[0]["code"] for b in bodies if "data" in b
    )
    assert codes == {None: 1, "ROLL_CALL_CAP_REACHED": 5}, bodies
    async with session_factory() as session:
        named = await session.scalar(
            select(func.count())
            .select_from(RollCallTarget)
            .where(RollCallTarget.secretary_id == int(sid(world, "V11")))
        )
    assert named == 2
