"""The demo county as importer records: pure and deterministic (same seed → same data)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

from backend.demo.places import (
    COUNTY_CENTER,
    MUNICIPAL_UNITS,
    TOWNSHIPS,
    TownshipPlan,
    community_names,
    township_units,
    village_names,
)
from backend.org.importer.records import HouseholdRecord, ParsedWorkbook, SecretaryRecord, TownshipRecord, VillageRecord
from backend.org.models import CadreClass, Gender, StationMode, UnitType

TERM_START = date(2026, 3, 1)
HOUSEHOLDS_PER_VILLAGE = (200, 600)
HARDSHIP_SHARE = 0.05
SECRETARY_PHONE_BASE = 13810000000
_KM_PER_DEGREE_LAT = 111.0
_VILLAGE_SPREAD_KM = 7.0
_NAME_POOL_SIZE = 5000  # household heads are drawn from a pool: Faker per row is slow
# Household sizes 1…6 in rough rural proportions (percent).
_MEMBER_COUNTS = tuple(
    size for size, percent in zip(range(1, 7), (8, 25, 25, 22, 12, 8), strict=True) for _ in range(percent)
)
_CADRE_WEIGHTS = {
    CadreClass.PARTY_GOV_CHIEF: 1,
    CadreClass.OTHER_LEADER: 2,
    CadreClass.SECTION_CHIEF: 3,
    CadreClass.DEPUTY_SECTION_AND_BELOW: 4,
}


@dataclass(frozen=True, slots=True)
class DemoCounty:
    records: ParsedWorkbook
    village_names_by_code: dict[str, str]


def secretary_phone(number: int) -> str:
    """Phone (and login) of the n-th demo secretary, 1-based."""
    return str(SECRETARY_PHONE_BASE + number)


def build_demo_county(seed: int = 2026) -> DemoCounty:
    rng = random.Random(seed)
    faker = Faker("zh_CN")
    faker.seed_instance(seed)
    records = ParsedWorkbook()
    taken_names: set[str] = set()
    for plan in TOWNSHIPS:
        records.townships.append(TownshipRecord(plan.code, plan.name))
        records.villages.extend(_villages(rng, plan, taken_names))
    records.secretaries.extend(_secretaries(rng, faker, records))
    head_names = [faker.name() for _ in range(_NAME_POOL_SIZE)]
    for village in records.villages:
        records.households.extend(_households(rng, head_names, village))
    return DemoCounty(records, {v.code: v.name for v in records.villages})


def _villages(rng: random.Random, plan: TownshipPlan, taken: set[str]) -> list[VillageRecord]:
    communities = community_names(plan.name, plan.communities, taken)
    villages = village_names(rng, plan.villages - len(communities), taken)
    center = _offset(COUNTY_CENTER, *plan.offset_km)
    # Statistical-code style: villages 2xx, communities 0xx; villages listed first.
    named = [(f"{plan.code}{200 + i:03d}", name, False) for i, name in enumerate(villages, 1)]
    named += [(f"{plan.code}{i:03d}", name, True) for i, name in enumerate(communities, start=1)]
    return [
        VillageRecord(code, name, plan.code, is_community, *_scatter(rng, center, is_community))
        for code, name, is_community in named
    ]


def _scatter(rng: random.Random, center: tuple[float, float], is_community: bool) -> tuple[float, float]:
    """A point within the township: communities near its seat, villages spread wider."""
    radius = _VILLAGE_SPREAD_KM * (0.3 if is_community else 1.0) * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    lat, lng = _offset(center, radius * math.cos(angle), radius * math.sin(angle))
    return round(lat, 6), round(lng, 6)


def _offset(origin: tuple[float, float], north_km: float, east_km: float) -> tuple[float, float]:
    lat, lng = origin
    km_per_degree_lng = _KM_PER_DEGREE_LAT * math.cos(math.radians(lat))
    return lat + north_km / _KM_PER_DEGREE_LAT, lng + east_km / km_per_degree_lng


def _secretaries(rng: random.Random, faker: Faker, records: ParsedWorkbook) -> list[SecretaryRecord]:
    township_names = {t.code: t.name for t in records.townships}
    classes, weights = list(_CADRE_WEIGHTS), list(_CADRE_WEIGHTS.values())
    secretaries = []
    for number, village in enumerate(records.villages, start=1):
        gender = Gender.MALE if rng.random() < 0.7 else Gender.FEMALE
        unit_type = UnitType.TOWNSHIP if rng.random() < 0.5 else UnitType.MUNICIPAL
        mode = StationMode.RESIDENT if rng.random() < 0.45 else StationMode.LIAISON
        if unit_type is UnitType.TOWNSHIP:
            unit = rng.choice(township_units(township_names[village.township_code]))
        else:
            unit = rng.choice(MUNICIPAL_UNITS)
        secretaries.append(
            SecretaryRecord(
                name=faker.name_male() if gender is Gender.MALE else faker.name_female(),
                gender=gender,
                phone=secretary_phone(number),
                dispatch_unit=unit,
                unit_type=unit_type,
                mode=mode,
                cadre_class=rng.choices(classes, weights)[0],
                village_code=village.code,
                term_start=TERM_START,
                term_end=_term_end(mode),
            )
        )
    return secretaries


def _term_end(mode: StationMode) -> date:
    years = 1 if mode is StationMode.RESIDENT else 2
    return TERM_START.replace(year=TERM_START.year + years) - timedelta(days=1)


def _households(rng: random.Random, head_names: list[str], village: VillageRecord) -> list[HouseholdRecord]:
    # rng.random() with table look-ups: randint/choices per row dominate the build time.
    count = rng.randint(*HOUSEHOLDS_PER_VILLAGE)
    street = "号楼" if village.is_community else "组"
    draw = rng.random
    return [
        HouseholdRecord(
            village_code=village.code,
            code=f"{number:04d}",
            head_name=head_names[int(draw() * len(head_names))],
            member_count=_MEMBER_COUNTS[int(draw() * len(_MEMBER_COUNTS))],
            address=f"{village.name}{int(draw() * 12) + 1}{street}{int(draw() * 80) + 1}号",
            is_hardship=draw() < HARDSHIP_SHARE,
            phone=f"1{'35789'[int(draw() * 5)]}{int(draw() * 1e9):09d}" if draw() < 0.8 else None,
        )
        for number in range(1, count + 1)
    ]
