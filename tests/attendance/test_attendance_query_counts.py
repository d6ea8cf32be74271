"""Roll calls and the allowance summary take a fixed number of SQL statements (no N+1)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from starlette.applications import Starlette

from backend.attendance.common import SHANGHAI
from backend.attendance.models import CheckIn, RollCall, RollCallReason, RollCallTarget
from backend.core.db import SessionFactory
from backend.org.models import CadreClass, Gender, OrgKind, OrgUnit, SecretaryProfile, StationMode, UnitType
from tests.conftest import GraphQLClient
from tests.test_query_counts import count_queries, security_log_statements
from tests.world import World

ROLL_CALLS = """{ rollCalls(first: 20) { totalCount edges { node { id startedAt deadline note open
  answeredCount totalCount township { name }
  targets { answered secretary { name phone village { name } } checkIn { at distanceM insideGeofence village { name } } } } } } }"""
SUMMARY = """query($m: String!) { attendanceSummary(month: $m) { title totalAllowanceYuan
  rows { townshipName villageName secretaryName mode stationedDays allowanceYuan note } } }"""


async def _grow(session_factory: SessionFactory, world: World, villages: int, tag: str) -> None:
    """More villages in T1, each with a secretary, check-ins this month, and two roll calls naming all."""
    township = world.units["T1"]
    now = datetime.now(UTC)
    async with session_factory.begin() as session:
        roll_calls = []
        for n in range(2):
            roll_call = RollCall(
                id=str(uuid.uuid4()),
                township_id=township.id,
                county_id=township.county_id,
                started_by=world.users["township"].id,
                started_at=now - timedelta(minutes=n),
                deadline_at=now + timedelta(minutes=60),
                reason=RollCallReason.SPOT_CHECK,
                note="",
            )
            session.add(roll_call)
            roll_calls.append(roll_call)
        await session.flush()
        for v in range(villages):
            village = OrgUnit(
                kind=OrgKind.VILLAGE,
                name=f"增村{tag}{v}",
                code=f"G{tag}{v}",
                parent_id=township.id,
                county_id=township.county_id,
                township_id=township.id,
                center_lat=36.3,
                center_lng=120.0,
            )
            session.add(village)
            await session.flush()
            profile = SecretaryProfile(
                name=f"增书记{v}",
                gender=Gender.MALE,
                phone="13800000000",
                dispatch_unit="县民政局",
                unit_type=UnitType.MUNICIPAL,
                mode=StationMode.LIAISON if v % 2 else StationMode.RESIDENT,
                cadre_class=CadreClass.SECTION_CHIEF,
                village_id=village.id,
                county_id=township.county_id,
                term_start=date(2020, 1, 1),
                term_end=date(2099, 12, 31),
            )
            session.add(profile)
            await session.flush()
            checkin = CheckIn(
                id=str(uuid.uuid4()),
                secretary_id=profile.id,
                village_id=village.id,
                township_id=township.id,
                county_id=township.county_id,
                at=now,
                lat=36.3,
                lng=120.0,
                distance_m=10.0,
                inside_geofence=True,
                content_hash="x",
            )
            session.add(checkin)
            await session.flush()
            for roll_call in roll_calls:
                session.add(RollCallTarget(roll_call_id=roll_call.id, secretary_id=profile.id, checkin_id=checkin.id))


async def _count(app: Starlette, gql: GraphQLClient, doc: str, variables: dict) -> tuple[int, dict]:
    with count_queries(app) as statements:
        body = await gql.execute(doc, variables, as_user="township")
    assert "errors" not in body, body
    return len(statements), body["data"]


async def test_roll_calls_query_count_is_fixed(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await _grow(session_factory, world, villages=2, tag="a")
    small, _ = await _count(app, gql, ROLL_CALLS, {})
    await _grow(session_factory, world, villages=15, tag="b")
    large, data = await _count(app, gql, ROLL_CALLS, {})
    assert data["rollCalls"]["totalCount"] == 4
    assert sum(len(e["node"]["targets"]) for e in data["rollCalls"]["edges"]) == 2 * 2 + 2 * 15
    assert small == large <= 5, (small, large)


async def test_attendance_summary_query_count_is_fixed(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    month = datetime.now(SHANGHAI).strftime("%Y-%m")
    await _grow(session_factory, world, villages=2, tag="a")
    small, _ = await _count(app, gql, SUMMARY, {"m": month})
    await _grow(session_factory, world, villages=15, tag="b")
    large, data = await _count(app, gql, SUMMARY, {"m": month})
    assert len(data["attendanceSummary"]["rows"]) == 2 + 2 + 15
    # rules, county, secretaries, then the evidence (check-ins, filings, roll-call verifications,
    # declarations) and the confirmations: 9, however many secretaries; then the one security-log
    # event that records this bulk read of the stationed-days sheet (安全审计).
    assert small == large <= 9 + security_log_statements(app), (small, large)
