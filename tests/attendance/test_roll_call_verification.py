"""The township may answer a named secretary by recording a phone or video call (电话/视频核实):
the target counts as answered, the record is audited, and only the roll call's own township may
make it (a role × own/other matrix: verifyRollCallTarget is addressed by a roll call's id)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from tests.attendance.helpers import ROLL_CALLS, check_in, start_roll_call
from tests.conftest import GraphQLClient
from tests.permission_matrix import ROLES
from tests.world import World

VERIFY = """mutation($r: ID!, $s: ID!, $m: VerificationMode!, $n: String!) {
  verifyRollCallTarget(input: {rollCallId: $r, secretaryId: $s, mode: $m, note: $n}) {
    rollCall { id answeredCount totalCount
      targets { secretary { name } answered checkIn { id } verification { mode modeLabel note at } } }
    errors { code field message } } }"""


def sid(world: World, village: str) -> str:
    return str(world.secretaries[village].id)


def _payload(body: dict) -> dict:
    assert "errors" not in body, body
    return body["data"]["verifyRollCallTarget"]


async def test_a_video_call_answers_the_target_and_is_audited(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    roll_call_id = (await start_roll_call(gql, [sid(world, "V11"), sid(world, "V12")]))["rollCall"]["id"]
    variables = {"r": roll_call_id, "s": sid(world, "V12"), "m": "VIDEO", "n": "视频中看到其在村委会"}
    verified = _payload(await gql.execute(VERIFY, variables, as_user="township"))
    assert verified["errors"] == []
    roll_call = verified["rollCall"]
    assert (roll_call["answeredCount"], roll_call["totalCount"]) == (1, 2)
    v12 = next(t for t in roll_call["targets"] if t["secretary"]["name"] == "V12书记")
    assert v12["answered"] is True and v12["checkIn"] is None
    assert (v12["verification"]["mode"], v12["verification"]["modeLabel"]) == ("VIDEO", "视频核实")
    # A resend is a safe retry; a different record for the same target is refused.
    assert _payload(await gql.execute(VERIFY, variables, as_user="township"))["errors"] == []
    other = {**variables, "m": "PHONE"}
    assert _payload(await gql.execute(VERIFY, other, as_user="township"))["errors"][0]["code"] == "CONFLICT"
    async with session_factory() as session:
        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.entity == "roll_call", AuditEvent.action == "verify")
            )
        ).all()
    assert [(e.entity_id, e.detail["mode"], e.detail["note"]) for e in events] == [
        (roll_call_id, "video", "视频中看到其在村委会")
    ]
    # The county sees the verification in its list.
    listed = await gql.execute(
        ROLL_CALLS.replace("answered checkIn {", "answered verification { modeLabel } checkIn {"),
        {},
        as_user="county",
    )
    targets = listed["data"]["rollCalls"]["edges"][0]["node"]["targets"]
    assert [t["verification"] for t in targets if t["secretary"]["name"] == "V12书记"] == [{"modeLabel": "视频核实"}]


async def test_a_target_answered_by_check_in_or_not_named_is_not_verified(gql: GraphQLClient, world: World) -> None:
    roll_call_id = (await start_roll_call(gql, [sid(world, "V11")]))["rollCall"]["id"]
    not_named = {"r": roll_call_id, "s": sid(world, "V12"), "m": "PHONE", "n": "电话联系"}
    assert _payload(await gql.execute(VERIFY, not_named, as_user="township"))["errors"][0]["code"] == "NOT_FOUND"
    no_note = {"r": roll_call_id, "s": sid(world, "V11"), "m": "PHONE", "n": " "}
    refused = _payload(await gql.execute(VERIFY, no_note, as_user="township"))["errors"][0]
    assert (refused["code"], refused["field"]) == ("INVALID_INPUT", "note")
    assert (await check_in(gql, metres=100))["rollCalls"][0]["answered"] is True
    answered = {"r": roll_call_id, "s": sid(world, "V11"), "m": "PHONE", "n": "电话联系"}
    assert _payload(await gql.execute(VERIFY, answered, as_user="township"))["errors"][0]["code"] == "CONFLICT"


@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
@pytest.mark.parametrize("role", [*ROLES, None])
async def test_only_the_roll_calls_township_verifies(
    gql: GraphQLClient, world: World, role: str | None, own: bool
) -> None:
    if own:
        roll_call_id = (await start_roll_call(gql, [sid(world, "V11")]))["rollCall"]["id"]
        secretary = sid(world, "V11")
    else:
        roll_call_id = (await start_roll_call(gql, [sid(world, "V21")], user="township_t2"))["rollCall"]["id"]
        secretary = sid(world, "V21")
    variables = {"r": roll_call_id, "s": secretary, "m": "PHONE", "n": "电话联系，本人在村"}
    errors = _payload(await gql.execute(VERIFY, variables, as_user=role))["errors"]
    expected = {
        None: "UNAUTHENTICATED",
        "county": "FORBIDDEN",
        "village": "FORBIDDEN",
        "member": "FORBIDDEN",
        "township": None if own else "NOT_FOUND",
    }[role]
    assert (errors[0]["code"] if errors else None) == expected
