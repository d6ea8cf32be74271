"""A roll call lives in the database, so every process sees it. The township starts one through
process A (and its resend of the same id through B is the same roll call, not a second one); B
lists it, the secretary sees it on B and answers it there by checking in inside the geofence; A
then shows the answer with the check-in that made it."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.attendance.models import RollCall
from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from tests.attendance.helpers import ROLL_CALLS, check_in, new_id, start_roll_call
from tests.conftest import GraphQLClient
from tests.scaleout.conftest import postgres_only
from tests.world import World

pytestmark = postgres_only

MY_OPEN = "{ myOpenRollCalls { id open targets { answered } } }"


async def _listed(client: GraphQLClient) -> list[dict]:
    body = await client.execute(ROLL_CALLS, {}, as_user="township")
    return [edge["node"] for edge in body["data"]["rollCalls"]["edges"]]


async def test_a_roll_call_started_on_one_process_is_seen_and_answered_on_the_other(
    clients: tuple[GraphQLClient, GraphQLClient], world: World, session_factory: SessionFactory
) -> None:
    first, second = clients
    named = [str(world.secretaries["V11"].id), str(world.secretaries["V12"].id)]
    roll_call_id = new_id()
    started = await start_roll_call(first, named, id=roll_call_id)
    assert started["errors"] == []
    resent = await start_roll_call(second, named, id=roll_call_id)
    assert resent["errors"] == [] and resent["rollCall"]["deadline"] == started["rollCall"]["deadline"]

    [seen] = await _listed(second)
    assert (seen["id"], seen["open"], seen["answeredCount"], seen["totalCount"]) == (roll_call_id, True, 0, 2)
    mine = (await second.execute(MY_OPEN, as_user="village"))["data"]["myOpenRollCalls"]
    assert mine == [{"id": roll_call_id, "open": True, "targets": [{"answered": False}]}]

    answered = await check_in(second, metres=80)
    assert answered["errors"] == []
    assert answered["rollCalls"] == [{"rollCallId": roll_call_id, "answered": True, "reason": None}]

    [after] = await _listed(first)
    assert after["answeredCount"] == 1
    by_village = {t["secretary"]["village"]["code"]: t for t in after["targets"]}
    assert by_village["V11"]["answered"] is True
    assert by_village["V11"]["checkIn"]["insideGeofence"] is True
    assert by_village["V12"]["answered"] is False
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(RollCall)) == 1
        assert await session.scalar(select(func.count()).where(AuditEvent.entity == "roll_call")) == 1
