"""0012 carries the existing check-ins over: every past month with check-ins is frozen as a
confirmed month with the old check-in-only count, so the allowance for past months does not change;
the current month is left to the new rule. Roll calls are untouched. On both databases."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from backend.attendance.common import SHANGHAI, local_date
from backend.attendance.models import CheckIn, ConfirmationSource, MonthConfirmation, RollCall
from backend.core.db import SessionFactory
from backend.core.migrate import downgrade, upgrade_async
from backend.core.orm import utcnow
from backend.core.settings import Settings
from backend.org.models import SecretaryProfile, StationMode
from tests.attendance.helpers import start_roll_call
from tests.attendance.test_stationed_days import SUMMARY, file
from tests.conftest import GraphQLClient
from tests.world import World


def _weekdays(first: date, n: int) -> list[date]:
    out, d = [], first
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


async def test_past_months_keep_their_check_in_allowance(
    gql: GraphQLClient, world: World, settings: Settings, session_factory: SessionFactory
) -> None:
    today = local_date(utcnow())
    this_first = today.replace(day=1)
    past_first = (this_first - timedelta(days=1)).replace(day=1)
    past = past_first.strftime("%Y-%m")
    mon, tue, wed, thu = _weekdays(past_first, 4)
    saturday = next(past_first + timedelta(days=n) for n in range(7) if (past_first + timedelta(days=n)).weekday() == 5)
    plan = {
        "V11": [(mon, True), (mon, True), (tue, True), (wed, False)],
        "V12": [(saturday, True)],
        "V21": [(thu, False)],
    }
    async with session_factory.begin() as session:
        for village in ("V11", "V12", "V21"):
            profile = await session.get(SecretaryProfile, world.secretaries[village].id)
            assert profile is not None
            profile.term_start, profile.term_end = date(2020, 1, 1), date(2099, 12, 31)
            if village == "V12":
                profile.mode = StationMode.LIAISON
        for village, entries in plan.items():
            unit = world.units[village]
            for day, inside in [*entries, (today, True)]:
                session.add(
                    CheckIn(
                        id=str(uuid.uuid4()),
                        secretary_id=world.secretaries[village].id,
                        village_id=unit.id,
                        township_id=unit.township_id,
                        county_id=unit.county_id,
                        at=datetime.combine(day, time(9, 0), SHANGHAI),
                        lat=36.3,
                        lng=120.0,
                        accuracy_m=10.0,
                        distance_m=100.0 if inside else 3000.0,
                        inside_geofence=inside,
                        content_hash="x",
                    )
                )
    roll_call = (await start_roll_call(gql, [str(world.secretaries["V11"].id)]))["rollCall"]["id"]

    def sheet(body: dict) -> dict[str, tuple[int, int]]:
        rows = body["data"]["attendanceSummary"]["rows"]
        return {r["villageName"]: (r["stationedDays"], r["allowanceYuan"]) for r in rows}

    before = sheet(await gql.execute(SUMMARY, {"m": past}, as_user="county"))
    assert before == {"V11名": (2, 80), "V12名": (1, 0), "V21名": (0, 0)}

    await asyncio.to_thread(downgrade, settings, "0010_roll_call_reasons")
    await upgrade_async(settings)

    async with session_factory() as session:
        frozen = {
            (c.secretary_id, c.month): (c.stationed_days, c.rate_yuan_per_day, c.allowance_yuan, c.source)
            for c in (await session.scalars(select(MonthConfirmation))).all()
        }
        assert await session.get(RollCall, roll_call) is not None
    carried = ConfirmationSource.CARRIED_OVER
    assert frozen == {
        (world.secretaries["V11"].id, past): (2, 40, 80, carried),
        (world.secretaries["V12"].id, past): (1, 0, 0, carried),
        (world.secretaries["V21"].id, past): (0, 40, 0, carried),
    }

    # Work filed now for the past month changes nothing there; the current month counts it.
    await file(gql, thu.isoformat())
    after = await gql.execute(SUMMARY, {"m": past}, as_user="county")
    assert sheet(after) == before
    row = next(r for r in after["data"]["attendanceSummary"]["rows"] if r["villageName"] == "V11名")
    assert (row["derivedDays"], row["statusLabel"]) == (3, "按原签到规则结转")
    current = await gql.execute(SUMMARY, {"m": this_first.strftime("%Y-%m")}, as_user="county")
    rows = current["data"]["attendanceSummary"]["rows"]
    assert all(not r["confirmed"] for r in rows)
