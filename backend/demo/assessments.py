"""Demo target assessments for the assessment period, entered through the real services: village
organisation classes for the period and the one before, one disqualifying event, and every
secretary in post scored item by item by their assessor (the county for resident secretaries,
the township for liaison ones) with a note, as an assessor working from the year's paper
material would. Deterministic for a seed."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.common import parse_period
from backend.assessment.disqualifications import record_disqualification
from backend.assessment.models import DisqualificationKind, OrgClass
from backend.assessment.org_classes import record_org_class
from backend.assessment.rubric import ItemKind, RubricItem, county_rubric
from backend.assessment.scoring import ItemScoreInput, score_items
from backend.auth.actor import Actor
from backend.demo.actors import county_actor, township_actors
from backend.demo.polls import DEMO_PERIOD
from backend.org.models import OrgKind, OrgUnit, SecretaryProfile, StationMode

_CLASSES = [OrgClass.A, OrgClass.B, OrgClass.C, OrgClass.D]
_NOTE = "演示：依据年度考评材料评定"


async def seed_demo_assessments(session: AsyncSession, county_id: int, *, seed: int = 2026) -> int:
    """Returns how many secretaries were scored."""
    rng = random.Random(seed + 11)
    county = await county_actor(session, county_id)
    townships = await township_actors(session, county_id)
    await _org_classes(session, county, county_id, rng)
    period = parse_period(DEMO_PERIOD)
    rubric = await county_rubric(session, county_id, period)
    rows = (
        await session.execute(
            select(SecretaryProfile.id, SecretaryProfile.mode, OrgUnit.township_id)
            .join(OrgUnit, OrgUnit.id == SecretaryProfile.village_id)
            .where(
                SecretaryProfile.county_id == county_id,
                SecretaryProfile.term_start < period.end,
                SecretaryProfile.term_end >= period.start,
            )
            .order_by(SecretaryProfile.id)
        )
    ).all()
    for index, (secretary_id, mode, township_id) in enumerate(rows):
        assessor = county if mode is StationMode.RESIDENT else townships[township_id]
        diligence = 0.45 if index % 13 == 12 else rng.uniform(0.8, 1.0)
        items = [_score(item, diligence, rng) for item in rubric.items]
        await score_items(session, assessor, secretary_id, DEMO_PERIOD, 0, items, today=date(2026, 11, 20))
    if len(rows) > 50:
        await record_disqualification(
            session,
            county,
            secretary_id=rows[50][0],
            period=DEMO_PERIOD,
            kind=DisqualificationKind.DISCIPLINE,
            reason="演示：违反驻村工作纪律，经县委组织部调查核实",
        )
    return len(rows)


def _score(item: RubricItem, diligence: float, rng: random.Random) -> ItemScoreInput:
    """Occurrences as a year of work might give them: a diligent secretary misses little and
    earns the odd bonus; deductions are rare."""
    if item.kind is ItemKind.BASE:
        missed = 0 if rng.random() < diligence else rng.randint(1, 3)
        occurrences = min(missed, _occurrences_to_floor(item))
    elif item.kind is ItemKind.BONUS:
        occurrences = 1 if rng.random() < 0.05 * diligence else 0
    else:
        occurrences = 1 if rng.random() < 0.04 else 0
    return ItemScoreInput(key=item.key, occurrences=occurrences, note=_NOTE)


def _occurrences_to_floor(item: RubricItem) -> int:
    cap = item.effective_cap or 0
    return max(1, -(-cap // abs(item.per_centi))) if item.per_centi else 0


async def _org_classes(session: AsyncSession, county: Actor, county_id: int, rng: random.Random) -> None:
    """Last period's class for every village, and this period's: most unchanged, some up a
    class (org upgrade bonus), some down one (may not be excellent)."""
    villages = list(
        await session.scalars(
            select(OrgUnit.id)
            .where(OrgUnit.county_id == county_id, OrgUnit.kind == OrgKind.VILLAGE)
            .order_by(OrgUnit.id)
        )
    )
    previous = str(int(DEMO_PERIOD) - 1)
    for index, village_id in enumerate(villages):
        before = rng.choices(range(4), weights=[3, 4, 2, 1])[0]
        after = before
        if index % 11 == 5 and before > 0:
            after = before - 1
        elif index % 17 == 9 and before < 3:
            after = before + 1
        await record_org_class(
            session, county, village_id=village_id, period=previous, org_class=_CLASSES[before]
        )
        await record_org_class(
            session, county, village_id=village_id, period=DEMO_PERIOD, org_class=_CLASSES[after]
        )
