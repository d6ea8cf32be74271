"""Roll calls: answered only by an inside check-in made within the window, before the deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from backend.app import create_app
from backend.attendance.models import RollCall, RollCallTarget
from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from tests.attendance.helpers import (
    ROLL_CALLS,
    START_ROLL_CALL,
    check_in,
    new_id,
    now_iso,
    shift_roll_call,
    start_roll_call,
)
from tests.conftest import GraphQLClient
from tests.world import World

MY_OPEN = "{ myOpenRollCalls { id open deadline totalCount targets { secretary { name } answered } } }"


def sid(world: World, village: str) -> str:
    return str(world.secretaries[village].id)


async def test_start_roll_call_sets_the_deadline_from_the_county_rule(gql: GraphQLClient, world: World) -> None:
    started = await start_roll_call(gql, [sid(world, "V11"), sid(world, "V12")])
    assert started["errors"] == []
    roll_call = started["rollCall"]
    begun = datetime.fromisoformat(roll_call["startedAt"])
    assert datetime.fromisoformat(roll_call["deadline"]) - begun == timedelta(minutes=60)
    assert abs(datetime.now(UTC) - begun) < timedelta(minutes=1)
    assert roll_call["open"] is True
    assert (roll_call["answeredCount"], roll_call["totalCount"]) == (0, 2)
    assert {t["secretary"]["name"] for t in roll_call["targets"]} == {"V11书记", "V12书记"}


async def test_inside_check_in_within_the_window_answers(gql: GraphQLClient, world: World) -> None:
    roll_call_id = (await start_roll_call(gql, [sid(world, "V11"), sid(world, "V12")]))["rollCall"]["id"]
    open_before = await gql.execute(MY_OPEN, as_user="village")
    assert [r["id"] for r in open_before["data"]["myOpenRollCalls"]] == [roll_call_id]
    # The secretary sees only their own line of the roll call.
    assert open_before["data"]["myOpenRollCalls"][0]["targets"] == [
        {"secretary": {"name": "V11书记"}, "answered": False}
    ]

    result = await check_in(gql, metres=200)
    assert result["rollCalls"] == [{"rollCallId": roll_call_id, "answered": True, "reason": None}]
    assert "已应答点名 1 次" in result["notice"]

    listed = await gql.execute(ROLL_CALLS, {}, as_user="township")
    node = listed["data"]["rollCalls"]["edges"][0]["node"]
    assert (node["answeredCount"], node["totalCount"], node["open"]) == (1, 2, True)
    answered = {t["secretary"]["village"]["code"]: t for t in node["targets"]}
    assert answered["V11"]["answered"] is True
    assert answered["V11"]["checkIn"]["insideGeofence"] is True
    assert answered["V12"] == {
        "secretary": {"name": "V12书记", "village": {"code": "V12"}},
        "answered": False,
        "checkIn": None,
    }
    open_after = await gql.execute(MY_OPEN, as_user="village")
    assert open_after["data"]["myOpenRollCalls"][0]["targets"][0]["answered"] is True


async def test_outside_check_in_is_recorded_but_does_not_answer(gql: GraphQLClient, world: World) -> None:
    roll_call_id = (await start_roll_call(gql, [sid(world, "V11")]))["rollCall"]["id"]
    outside = await check_in(gql, metres=2500)
    assert outside["checkIn"]["insideGeofence"] is False
    assert outside["rollCalls"] == [
        {
            "rollCallId": roll_call_id,
            "answered": False,
            "reason": "签到位置不在村驻地范围内，点名未应答，请到村内重新签到",
        }
    ]
    assert "尚有 1 次点名未应答" in outside["notice"]
    # Going back into the village answers it.
    inside = await check_in(gql, metres=100)
    assert inside["rollCalls"] == [{"rollCallId": roll_call_id, "answered": True, "reason": None}]
    listed = await gql.execute(ROLL_CALLS, {}, as_user="county")
    target = listed["data"]["rollCalls"]["edges"][0]["node"]["targets"][0]
    assert target["answered"] is True and target["checkIn"]["insideGeofence"] is True


async def test_check_in_after_the_deadline_does_not_answer(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    roll_call_id = (await start_roll_call(gql, [sid(world, "V11")]))["rollCall"]["id"]
    await shift_roll_call(session_factory, roll_call_id, -timedelta(hours=2))  # deadline passed an hour ago
    late = await check_in(gql, metres=100)
    assert late["checkIn"]["insideGeofence"] is True
    assert late["rollCalls"] == []  # nothing open any more
    # Even a check-in stamped inside the window, but synced after the deadline, does not count.
    in_window = await check_in(gql, metres=100, at=now_iso(-timedelta(minutes=100)))
    assert in_window["rollCalls"] == []
    listed = await gql.execute(ROLL_CALLS, {}, as_user="township")
    node = listed["data"]["rollCalls"]["edges"][0]["node"]
    assert (node["open"], node["answeredCount"]) == (False, 0)
    assert (await gql.execute(MY_OPEN, as_user="village"))["data"]["myOpenRollCalls"] == []


async def test_check_in_stamped_before_the_start_does_not_answer(gql: GraphQLClient, world: World) -> None:
    roll_call_id = (await start_roll_call(gql, [sid(world, "V11")]))["rollCall"]["id"]
    earlier = await check_in(gql, metres=100, at=now_iso(-timedelta(hours=3)))  # queued on the phone
    assert earlier["rollCalls"] == [
        {"rollCallId": roll_call_id, "answered": False, "reason": "签到时间不在点名时限内，点名未应答"}
    ]


async def test_township_cannot_name_another_townships_secretary(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    started = await start_roll_call(gql, [sid(world, "V11"), sid(world, "V21")])
    assert started["rollCall"] is None
    assert started["errors"][0]["code"] == "NOT_FOUND"
    missing = await start_roll_call(gql, ["999999"])
    assert missing["errors"][0] == started["errors"][0]  # the same answer as for no such secretary
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(RollCall)) == 0
        assert await session.scalar(select(func.count()).select_from(RollCallTarget)) == 0
        assert await session.scalar(select(func.count()).where(AuditEvent.entity == "roll_call")) == 0


async def test_start_roll_call_is_idempotent_by_id(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    rid = new_id()
    first = await start_roll_call(gql, [sid(world, "V11"), sid(world, "V12")], id=rid)
    again = await start_roll_call(gql, [sid(world, "V12"), sid(world, "V11")], id=rid)
    assert again["errors"] == [] and again["rollCall"]["id"] == rid
    assert again["rollCall"]["deadline"] == first["rollCall"]["deadline"]
    changed = await start_roll_call(gql, [sid(world, "V11")], id=rid)
    assert changed["errors"][0]["code"] == "CONFLICT"
    other_township = await gql.execute(
        START_ROLL_CALL,
        {"id": rid, "s": [sid(world, "V21")], "reason": "SPOT_CHECK", "note": "周一点名"},
        as_user="township_t2",
    )
    assert other_township["data"]["startRollCall"]["errors"][0]["code"] == "CONFLICT"
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(RollCall)) == 1
        assert await session.scalar(select(func.count()).where(AuditEvent.entity == "roll_call")) == 1


async def test_roll_calls_are_scoped_and_newest_first(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    older = (await start_roll_call(gql, [sid(world, "V11")]))["rollCall"]["id"]
    await shift_roll_call(session_factory, older, -timedelta(days=1))
    newer = (await start_roll_call(gql, [sid(world, "V12")]))["rollCall"]["id"]
    t2 = (await start_roll_call(gql, [sid(world, "V21")], user="township_t2"))["rollCall"]["id"]

    async def ids(user: str) -> list[str]:
        seen, after = [], None
        while True:
            page = (await gql.execute(ROLL_CALLS, {"first": 1, "after": after}, as_user=user))["data"]["rollCalls"]
            seen += [e["node"]["id"] for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return seen
            after = page["pageInfo"]["endCursor"]

    assert await ids("township") == [newer, older]
    assert await ids("township_t2") == [t2]
    assert set(await ids("county")) == {older, newer, t2}
    assert await ids("county_b") == []


async def test_a_roll_call_started_through_one_process_is_seen_and_answered_through_another(
    gql: GraphQLClient, world: World, settings: Settings
) -> None:
    """Nothing lives in process memory: a second app on the same database sees everything."""
    roll_call_id = (await start_roll_call(gql, [sid(world, "V11")]))["rollCall"]["id"]
    other_app = create_app(settings)
    try:
        transport = httpx.ASGITransport(app=other_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://other") as http:
            other = GraphQLClient(http, world, settings)
            seen = await other.execute(MY_OPEN, as_user="village")
            assert [r["id"] for r in seen["data"]["myOpenRollCalls"]] == [roll_call_id]
            answered = await check_in(other, metres=50)
            assert answered["rollCalls"][0]["answered"] is True
    finally:
        await other_app.state.engine.dispose()
    listed = await gql.execute(ROLL_CALLS, {}, as_user="township")
    assert listed["data"]["rollCalls"]["edges"][0]["node"]["answeredCount"] == 1
