"""Check-ins: measured against the geofence, flagged (never dropped) outside, idempotent by id."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.attendance.models import CheckIn
from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.core.geo import haversine_m
from backend.org.models import OrgUnit
from tests.attendance.helpers import CHECK_IN, check_in, new_id, north_of_centre, now_iso
from tests.conftest import GraphQLClient
from tests.world import World


def test_haversine_matches_known_distances() -> None:
    # One degree of latitude on the mean sphere, and Qingdao → Jinan (~ 300 km, published ~ 302 km).
    assert haversine_m(36.0, 120.0, 37.0, 120.0) == pytest.approx(111_195, abs=5)
    assert haversine_m(36.0671, 120.3826, 36.6512, 117.1201) == pytest.approx(300_000, rel=0.02)
    assert haversine_m(36.3, 120.0, 36.3, 120.0) == 0


async def test_inside_the_geofence(gql: GraphQLClient, world: World) -> None:
    result = await check_in(gql, metres=300)
    assert result["errors"] == []
    assert result["checkIn"]["insideGeofence"] is True
    assert result["checkIn"]["distanceM"] == pytest.approx(300, abs=5)
    assert result["checkIn"]["flag"] is None
    assert result["checkIn"]["village"] == {"code": "V11"}
    assert result["notice"] == "签到成功"


async def test_outside_is_recorded_and_flagged_with_the_distance(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    result = await check_in(gql, metres=2500)
    assert result["errors"] == []
    checkin = result["checkIn"]
    assert checkin["insideGeofence"] is False
    assert checkin["distanceM"] == pytest.approx(2500, abs=50)
    assert checkin["flag"] == "超出村驻地范围：距村中心约 2.5 公里"
    assert "已标记" in result["notice"]
    async with session_factory() as session:
        stored = await session.get(CheckIn, checkin["id"])
        assert stored is not None and stored.inside_geofence is False
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.entity == "checkin"))).all()
    assert [(e.entity_id, e.action, e.detail["inside_geofence"]) for e in events] == [(checkin["id"], "create", False)]


async def test_village_without_centre_is_flagged(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    async with session_factory.begin() as session:
        village = await session.get(OrgUnit, world.units["V11"].id)
        assert village is not None
        village.center_lat = village.center_lng = None
    result = await check_in(gql, metres=0)
    assert result["checkIn"]["distanceM"] is None
    assert result["checkIn"]["insideGeofence"] is False
    assert result["checkIn"]["flag"] == "村中心点未设置"


async def test_retry_with_same_content_returns_the_stored_record(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    cid, at = new_id(), now_iso()
    first = await check_in(gql, id=cid, at=at, metres=100)
    again = await check_in(gql, id=cid, at=at, metres=100)
    assert again["errors"] == []
    assert again["checkIn"] == first["checkIn"]
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(CheckIn)) == 1
        audits = await session.scalar(select(func.count()).where(AuditEvent.entity == "checkin"))
        assert audits == 1  # a retry changes nothing, so it is not audited again


async def test_same_id_with_different_content_is_a_conflict(gql: GraphQLClient, world: World) -> None:
    cid, at = new_id(), now_iso()
    await check_in(gql, id=cid, at=at, metres=100)
    moved = await check_in(gql, id=cid, at=at, metres=150)
    assert moved["errors"][0]["code"] == "CONFLICT" and moved["checkIn"] is None
    other = await check_in(gql, id=cid, at=at, metres=100, user="village_v12")  # another phone, same id
    assert other["errors"][0]["code"] == "CONFLICT"


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"lat": 91.0}, "lat"),
        ({"lng": -181.0}, "lat"),
        ({"at": now_iso(timedelta(minutes=30))}, "at"),
        ({"acc": -1.0}, "accuracyM"),
        ({"id": "not-a-uuid"}, "id"),
    ],
)
async def test_absurd_input_is_refused(gql: GraphQLClient, world: World, variables: dict, field: str) -> None:
    lat, lng = north_of_centre(0)
    base = {"id": new_id(), "at": now_iso(), "lat": lat, "lng": lng, "acc": 10.0}
    body = await gql.execute(CHECK_IN, {**base, **variables}, as_user="village")
    assert body["data"]["checkIn"]["errors"][0] == {
        "code": "INVALID_INPUT",
        "field": field,
        "message": body["data"]["checkIn"]["errors"][0]["message"],
    }


async def test_an_old_check_in_synced_days_later_is_accepted(gql: GraphQLClient, world: World) -> None:
    result = await check_in(gql, at=now_iso(-timedelta(days=5)))
    assert result["errors"] == [] and result["checkIn"]["insideGeofence"] is True


async def test_only_secretaries_check_in(gql: GraphQLClient, world: World) -> None:
    for role in ("county", "township", "member"):
        result = await check_in(gql, user=role)
        assert result["errors"][0]["code"] == "FORBIDDEN", role


CHECK_INS = """query($s: ID!, $m: String, $after: String) { checkIns(secretaryId: $s, month: $m, first: 2, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id at insideGeofence } } } }"""
MY_CHECK_INS = "query($m: String) { myCheckIns(month: $m, first: 10) { totalCount edges { node { id } } } }"


async def test_check_ins_are_listed_newest_first_in_jurisdiction(gql: GraphQLClient, world: World) -> None:
    ids = []
    for hours in (3, 2, 1):
        ids.append((await check_in(gql, at=now_iso(-timedelta(hours=hours))))["checkIn"]["id"])
    secretary = str(world.secretaries["V11"].id)
    seen: list[str] = []
    after = None
    while True:
        body = await gql.execute(CHECK_INS, {"s": secretary, "after": after}, as_user="township")
        page = body["data"]["checkIns"]
        assert page["totalCount"] == 3
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(reversed(ids))
    mine = await gql.execute(MY_CHECK_INS, {}, as_user="village")
    assert mine["data"]["myCheckIns"]["totalCount"] == 3
    other = await gql.execute(MY_CHECK_INS, {}, as_user="village_v12")
    assert other["data"]["myCheckIns"]["totalCount"] == 0
    refused = await gql.execute(CHECK_INS, {"s": secretary}, as_user="township_t2")
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    bad_month = await gql.execute(CHECK_INS, {"s": secretary, "m": "2026-13"}, as_user="county")
    assert bad_month["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
