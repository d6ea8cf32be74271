"""The county settings API: read by county and township, changed by the county, used at once."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timedelta

from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.org.api.county_settings import CountySettingsInput, CountySettingsType
from backend.org.county_settings import DECIDED_KEYS, CountyRules
from tests.attendance.helpers import check_in, start_roll_call
from tests.conftest import GraphQLClient
from tests.world import World

READ = "{ countySettings { geofenceRadiusM rollCallMinutes allowanceYuanPerDay excellentQuotaPct } }"
UPDATE = """mutation($input: CountySettingsInput!) { updateCountySettings(input: $input) {
  settings { geofenceRadiusM rollCallMinutes allowanceYuanPerDay excellentQuotaPct } errors { code field } } }"""


def test_api_covers_every_rule() -> None:
    rules = {f.name for f in fields(CountyRules)} - set(DECIDED_KEYS)  # each set by its own mutation
    assert set(CountySettingsType.__annotations__) == rules
    assert set(CountySettingsInput.__annotations__) == rules


async def test_defaults_are_read_by_county_and_township(gql: GraphQLClient, world: World) -> None:
    expected = {"geofenceRadiusM": 2000, "rollCallMinutes": 60, "allowanceYuanPerDay": 40, "excellentQuotaPct": 30}
    for user in ("county", "township"):
        assert (await gql.execute(READ, as_user=user))["data"]["countySettings"] == expected
    for user in ("village", "member"):
        assert (await gql.execute(READ, as_user=user))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_smaller_radius_applies_to_the_next_check_in(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    assert (await check_in(gql, metres=1500))["checkIn"]["insideGeofence"] is True
    changed = await gql.execute(UPDATE, {"input": {"geofenceRadiusM": 1000, "rollCallMinutes": 30}}, as_user="county")
    assert changed["data"]["updateCountySettings"] == {
        "settings": {
            "geofenceRadiusM": 1000,
            "rollCallMinutes": 30,
            "allowanceYuanPerDay": 40,
            "excellentQuotaPct": 30,
        },
        "errors": [],
    }
    after = await check_in(gql, metres=1500)
    assert after["checkIn"]["insideGeofence"] is False
    assert after["checkIn"]["flag"] == "超出村驻地范围：距村中心约 1.5 公里"
    roll_call = (await start_roll_call(gql, [str(world.secretaries["V11"].id)]))["rollCall"]
    started, deadline = datetime.fromisoformat(roll_call["startedAt"]), datetime.fromisoformat(roll_call["deadline"])
    assert deadline - started == timedelta(minutes=30)
    # Another county keeps its own rules.
    assert (await gql.execute(READ, as_user="county_b"))["data"]["countySettings"]["geofenceRadiusM"] == 2000
    async with session_factory() as session:
        event = (await session.scalars(select(AuditEvent).where(AuditEvent.entity == "county_settings"))).one()
    assert event.detail == {"changed": {"geofence_radius_m": [2000, 1000], "roll_call_minutes": [60, 30]}}


async def test_bad_values_and_roles_are_refused(gql: GraphQLClient, world: World) -> None:
    async def errors(values: dict, user: str = "county") -> list[dict]:
        return (await gql.execute(UPDATE, {"input": values}, as_user=user))["data"]["updateCountySettings"]["errors"]

    assert await errors({"geofenceRadiusM": 0}) == [{"code": "INVALID_INPUT", "field": "geofenceRadiusM"}]
    assert await errors({"excellentQuotaPct": 101}) == [{"code": "INVALID_INPUT", "field": "excellentQuotaPct"}]
    assert await errors({"excellentQuotaPct": 80}) == [{"code": "INVALID_INPUT", "field": "excellentQuotaPct"}]
    assert await errors({"satisfactionIncompetentBelowPct": 75}) == [
        {"code": "INVALID_INPUT", "field": "satisfactionIncompetentBelowPct"}
    ]
    assert await errors({"allowanceYuanPerDay": 50}, user="township") == [{"code": "FORBIDDEN", "field": None}]
    assert (await gql.execute(READ, as_user="county"))["data"]["countySettings"]["allowanceYuanPerDay"] == 40
