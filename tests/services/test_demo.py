"""The demo county 青禾县: deterministic, realistic shape, loadable quickly, with demo logins."""

from __future__ import annotations

import time
from collections import Counter
from functools import cache

import pytest
from sqlalchemy import func, select

from backend.auth.passwords import verify_password
from backend.core.db import SessionFactory
from backend.core.errors import Duplicate
from backend.demo.accounts import DEMO_PASSWORD
from backend.demo.county import DemoCounty, build_demo_county
from backend.demo.loader import database_is_empty, load_demo
from backend.org.models import (
    CadreClass,
    Household,
    OrgKind,
    OrgUnit,
    Role,
    SecretaryProfile,
    StationMode,
    UnitType,
    User,
)

LOAD_BUDGET_SECONDS = 30


@cache
def default_county() -> DemoCounty:
    return build_demo_county()


def test_same_seed_gives_the_same_county() -> None:
    again, other = build_demo_county(2026), build_demo_county(2027)
    assert again.records == default_county().records
    assert [s.name for s in again.records.secretaries] != [s.name for s in other.records.secretaries]


def test_demo_county_has_a_realistic_shape() -> None:
    records = default_county().records
    assert len(records.townships) == 7
    assert sum(t.name.endswith("街道") for t in records.townships) == 1
    assert 160 <= len(records.villages) <= 180
    assert any(v.is_community for v in records.villages)
    assert len({v.name for v in records.villages}) == len(records.villages)
    for village in records.villages:
        assert village.center_lat is not None and village.center_lng is not None
        assert abs(village.center_lat - 36.3) < 0.3 and abs(village.center_lng - 120.0) < 0.35
    secretaries = records.secretaries
    assert [s.village_code for s in secretaries] == [v.code for v in records.villages]
    assert {s.cadre_class for s in secretaries} == set(CadreClass)
    assert {s.mode for s in secretaries} == set(StationMode)
    assert {s.unit_type for s in secretaries} == set(UnitType)
    for secretary in secretaries:
        years = 1 if secretary.mode is StationMode.RESIDENT else 2
        assert secretary.term_end.year - secretary.term_start.year == years
    per_village = Counter(h.village_code for h in records.households)
    assert set(per_village) == {v.code for v in records.villages}
    assert all(200 <= n <= 600 for n in per_village.values())
    hardship = sum(h.is_hardship for h in records.households) / len(records.households)
    assert 0.03 < hardship < 0.07


async def test_load_demo_fills_an_empty_database(session_factory: SessionFactory) -> None:
    async with session_factory.begin() as session:
        assert await database_is_empty(session)
        started = time.perf_counter()
        summary = await load_demo(session)
        elapsed = time.perf_counter() - started
    assert elapsed < LOAD_BUDGET_SECONDS

    expected = default_county().records.counts()
    assert (summary.townships, summary.villages) == (expected.townships, expected.villages)
    assert (summary.secretaries, summary.households) == (expected.secretaries, expected.households)
    async with session_factory() as session:
        assert not await database_is_empty(session)
        kinds = dict((await session.execute(select(OrgUnit.kind, func.count()).group_by(OrgUnit.kind))).all())
        assert kinds == {
            OrgKind.COUNTY: 1,
            OrgKind.TOWNSHIP: expected.townships,
            OrgKind.VILLAGE: expected.villages,
        }
        assert await session.scalar(select(func.count()).select_from(Household)) == (expected.households)
        linked = await session.scalar(select(func.count()).where(SecretaryProfile.user_id.is_not(None)))
        assert linked == expected.secretaries

        users = {u.phone: u for u in (await session.scalars(select(User))).all()}
        units = {u.id: u for u in (await session.scalars(select(OrgUnit))).all()}
        county = users["13800000001"]
        assert county.role is Role.COUNTY and units[county.org_unit_id].kind is OrgKind.COUNTY
        townships = [users[f"138000000{n}"] for n in range(11, 18)]
        assert {u.role for u in townships} == {Role.TOWNSHIP}
        assert [units[u.org_unit_id].code for u in townships] == [t.code for t in default_county().records.townships]
        first_secretary = users["13810000001"]
        first_village = units[first_secretary.org_unit_id]
        assert first_secretary.role is Role.VILLAGE and first_village.kind is OrgKind.VILLAGE
        assert first_village.township_id == townships[0].org_unit_id
        profile = await session.scalar(select(SecretaryProfile).where(SecretaryProfile.user_id == first_secretary.id))
        assert profile is not None and profile.phone == "13810000001"
        assert profile.village_id == first_village.id
        assert users[f"1381000{expected.secretaries:04d}"].role is Role.VILLAGE
        member = users["13820000001"]
        assert member.role is Role.MEMBER and member.org_unit_id == first_village.id
        assert sum(u.role is Role.MEMBER for u in users.values()) >= 3
        assert len({u.password_hash for u in users.values()}) == 1
        assert verify_password(county.password_hash, DEMO_PASSWORD)

    with pytest.raises(Duplicate):
        async with session_factory.begin() as session:
            await load_demo(session)
