"""Shared documents and helpers for the attendance tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from backend.attendance.models import RollCall
from backend.core.db import SessionFactory
from tests.conftest import GraphQLClient

CENTRE = (36.3, 120.0)  # every village of the test world
METRES_PER_DEGREE_LAT = 111_195.08  # on the mean-radius sphere

CHECK_IN = """mutation($id: ID!, $at: DateTime!, $lat: Float!, $lng: Float!, $acc: Float) {
  checkIn(input: {id: $id, at: $at, lat: $lat, lng: $lng, accuracyM: $acc}) {
    checkIn { id at distanceM insideGeofence flag village { code } }
    rollCalls { rollCallId answered reason }
    notice
    errors { code field message } } }"""

START_ROLL_CALL = """mutation($id: ID!, $s: [ID!]!, $reason: RollCallReason, $note: String) {
  startRollCall(input: {id: $id, secretaryIds: $s, reason: $reason, note: $note}) {
    rollCall { id startedAt deadline reason reasonLabel note open answeredCount totalCount
      targets { secretary { id name } answered checkIn { id insideGeofence } } }
    errors { code field message } } }"""

ROLL_CALLS = """query($first: Int, $after: String) { rollCalls(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id reason reasonLabel note open answeredCount totalCount township { code }
    targets { secretary { name village { code } } answered checkIn { at distanceM insideGeofence } } } } } }"""


def new_id() -> str:
    return str(uuid.uuid4())


def now_iso(delta: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + delta).isoformat()


def north_of_centre(metres: float) -> tuple[float, float]:
    return CENTRE[0] + metres / METRES_PER_DEGREE_LAT, CENTRE[1]


async def check_in(
    gql: GraphQLClient,
    *,
    user: str = "village",
    metres: float = 100,
    at: str | None = None,
    id: str | None = None,
    accuracy: float | None = 15.0,
) -> dict:
    lat, lng = north_of_centre(metres)
    variables = {"id": id or new_id(), "at": at or now_iso(), "lat": lat, "lng": lng, "acc": accuracy}
    body = await gql.execute(CHECK_IN, variables, as_user=user)
    assert "errors" not in body, body
    return body["data"]["checkIn"]


async def start_roll_call(
    gql: GraphQLClient,
    secretary_ids: list[str],
    *,
    user: str = "township",
    id: str | None = None,
    reason: str | None = "SPOT_CHECK",
    note: str = "周一点名",
) -> dict:
    variables = {"id": id or new_id(), "s": secretary_ids, "reason": reason, "note": note}
    body = await gql.execute(START_ROLL_CALL, variables, as_user=user)
    assert "errors" not in body, body
    return body["data"]["startRollCall"]


async def shift_roll_call(session_factory: SessionFactory, roll_call_id: str, by: timedelta) -> None:
    """Move a roll call in time (start and deadline together), as if it had been started earlier."""
    async with session_factory.begin() as session:
        roll_call = await session.get(RollCall, roll_call_id)
        assert roll_call is not None
        roll_call.started_at += by
        roll_call.deadline_at += by
