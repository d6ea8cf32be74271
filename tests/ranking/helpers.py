"""Building ranking cases by inserting rows directly: secretaries in one group, their
assessments (with a rubric version), closed polls, disqualifications and org classes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.models import (
    Assessment,
    Disqualification,
    DisqualificationKind,
    OrgClass,
    OrgClassRecord,
    RubricVersion,
)
from backend.org.models import CadreClass, Gender, SecretaryProfile, StationMode, UnitType
from backend.polls.models import Poll, PollStatus
from tests.world import World

PERIOD = "2026"
# The world's own secretaries are municipal:resident:section_chief; cases use another group.
GROUP = "township:liaison:party_gov_chief"
_phones = count(1)


async def add_secretary(
    session: AsyncSession,
    world: World,
    name: str,
    village: str = "V11",
    *,
    unit_type: UnitType = UnitType.TOWNSHIP,
    mode: StationMode = StationMode.LIAISON,
    cadre_class: CadreClass = CadreClass.PARTY_GOV_CHIEF,
    term: tuple[date, date] = (date(2025, 3, 1), date(2027, 2, 28)),
) -> SecretaryProfile:
    unit = world.units[village]
    profile = SecretaryProfile(
        name=name,
        gender=Gender.MALE,
        phone=f"1370{next(_phones):07d}",
        dispatch_unit="镇政府",
        unit_type=unit_type,
        mode=mode,
        cadre_class=cadre_class,
        village_id=unit.id,
        county_id=unit.county_id,
        term_start=term[0],
        term_end=term[1],
    )
    session.add(profile)
    await session.flush()
    return profile


async def _rubric(session: AsyncSession, county_id: int, period: str) -> int:
    found = await session.scalar(
        select(RubricVersion.id).where(RubricVersion.county_id == county_id, RubricVersion.period == period)
    )
    if found is not None:
        return found
    rubric = RubricVersion(county_id=county_id, period=period, version=1, items=[], sha256="0" * 64)
    session.add(rubric)
    await session.flush()
    return rubric.id


async def assess(
    session: AsyncSession,
    world: World,
    secretary: SecretaryProfile,
    target: float,
    core: float = 90.0,
    *,
    period=PERIOD,
) -> Assessment:
    """An assessment with `target` points; `core` = basic + discipline (override 3 reads it)."""
    village = next(u for u in world.units.values() if u.id == secretary.village_id)
    target_centi, core_centi = round(target * 100), round(core * 100)
    row = Assessment(
        county_id=secretary.county_id,
        township_id=village.township_id,
        village_id=village.id,
        secretary_id=secretary.id,
        period=period,
        rubric_version_id=await _rubric(session, secretary.county_id, period),
        basic_centi=core_centi // 2,
        discipline_centi=core_centi - core_centi // 2,
        results_centi=target_centi - core_centi,
        org_upgrade_centi=0,
        target_centi=target_centi,
    )
    session.add(row)
    await session.flush()
    return row


async def poll(
    session: AsyncSession,
    world: World,
    secretary: SecretaryProfile,
    num: int | None,
    den: int | None,
    *,
    valid: bool = True,
    status: PollStatus = PollStatus.CLOSED,
    tier: str | None = "none",
    period: str = PERIOD,
    lines: tuple[int, int] = (60, 70),
) -> Poll:
    """A poll row; a closed one carries the tier lines frozen at close (`lines`)."""
    village = next(u for u in world.units.values() if u.id == secretary.village_id)
    row = Poll(
        county_id=secretary.county_id,
        township_id=village.township_id,
        village_id=village.id,
        secretary_id=secretary.id,
        period=period,
        title="测评",
        status=status,
        key_fingerprint="f" * 64,
        public_key_der=b"key",
        valid=valid if status is PollStatus.CLOSED else None,
        satisfaction_num=num,
        satisfaction_den=den,
        tier=tier if status is PollStatus.CLOSED and valid and num is not None else None,
        incompetent_below_pct=lines[0] if status is PollStatus.CLOSED else None,
        basic_below_pct=lines[1] if status is PollStatus.CLOSED else None,
    )
    session.add(row)
    await session.flush()
    return row


async def ranked_secretary(
    session: AsyncSession,
    world: World,
    name: str,
    target: float,
    num: int = 90,
    den: int = 100,
    *,
    village: str = "V11",
    core: float = 90.0,
    tier: str = "none",
) -> SecretaryProfile:
    secretary = await add_secretary(session, world, name, village)
    await assess(session, world, secretary, target, core)
    await poll(session, world, secretary, num, den, tier=tier)
    return secretary


async def disqualify(
    session: AsyncSession, secretary: SecretaryProfile, reason: str, *, withdrawn: bool = False
) -> Disqualification:
    row = Disqualification(
        county_id=secretary.county_id,
        secretary_id=secretary.id,
        period=PERIOD,
        kind=DisqualificationKind.DISCIPLINE,
        reason=reason,
        withdrawn_reason="核实有误" if withdrawn else None,
        withdrawn_at=datetime.now(UTC) if withdrawn else None,
    )
    session.add(row)
    await session.flush()
    return row


async def org_class(session: AsyncSession, world: World, village: str, period: str, value: OrgClass) -> None:
    unit = world.units[village]
    session.add(OrgClassRecord(village_id=unit.id, period=period, county_id=unit.county_id, org_class=value))
    await session.flush()


async def open_to_townships(session: AsyncSession, world: World) -> None:
    """The county opens its ranking to the townships (晾晒), with a recorded basis."""
    from backend.ranking.visibility import set_ranking_visibility

    await set_ranking_visibility(session, world.actor("county"), True, "县委组织部部务会 2026-12-01 决定向镇街通报")
