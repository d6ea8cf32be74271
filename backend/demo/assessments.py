"""Demo target assessments for the assessment period, entered through the real services: village
organisation classes for the period and the one before, one disqualifying event, and every
secretary in post scored item by item by their assessor (the county for resident secretaries,
the township for liaison ones), as an assessor at the scoring screen would: the items the system
proposes from the filings (diary, research report, meetings, talks, pairing, organisation class)
are confirmed — now and then overridden with a note, the assessor having checked the paper
ledgers — and the others are scored from the year's paper material with a note. Deterministic
for a seed and a day."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.common import parse_period
from backend.assessment.disqualifications import record_disqualification
from backend.assessment.models import DisqualificationKind, OrgClass
from backend.assessment.org_classes import record_org_class
from backend.assessment.rubric import ItemKind, RubricItem
from backend.assessment.scoring import ItemScoreInput, ItemView, assessment_view, score_items
from backend.auth.actor import Actor
from backend.demo.actors import county_actor, township_actors
from backend.demo.polls import DEMO_PERIOD
from backend.org.models import OrgKind, OrgUnit, SecretaryProfile, StationMode

_CLASSES = [OrgClass.A, OrgClass.B, OrgClass.C, OrgClass.D]
_NOTE = "演示：依据年度考评材料评定"
# An assessor's reasons for departing from the system's proposal (after checking on site).
_LENIENT = "经核实，部分记录在纸质台账中，据实认定"
_STRICT = "经现场核实，台账记录与实际不完全相符，酌情扣分"
_NO_PROPOSAL = "经核实，未发现相关情况"


async def seed_demo_assessments(
    session: AsyncSession, county_id: int, *, seed: int = 2026, now: datetime | None = None
) -> int:
    """Returns how many secretaries were scored. `now`: when the assessors score (the proposals
    count the weeks and months of the term that have ended by then)."""
    now = now or datetime.now(UTC)
    today = now.date()
    rng = random.Random(seed + 11)
    county = await county_actor(session, county_id)
    townships = await township_actors(session, county_id)
    await _org_classes(session, county, county_id, rng)
    period = parse_period(DEMO_PERIOD)
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
        sheet = await assessment_view(session, assessor, secretary_id, DEMO_PERIOD, today=today)
        overrides = 2 if index % 10 == 3 else (1 if index % 10 == 7 else 0)
        items = []
        for view in sheet.items:
            if view.item.evidence is None:
                items.append(_score(view.item, diligence, rng))
                continue
            entry = _judge(view, rng) if overrides else None
            if entry is not None:
                overrides -= 1
            items.append(entry or _confirm(view))
        await score_items(session, assessor, secretary_id, DEMO_PERIOD, 0, items, today=today, now=now)
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


def _confirm(view: ItemView) -> ItemScoreInput:
    """The system's proposal as it stands; where it proposes nothing, the assessor's finding."""
    if view.proposed_occurrences is None:
        return ItemScoreInput(key=view.item.key, occurrences=0, note=_NO_PROPOSAL)
    return ItemScoreInput(key=view.item.key)


def _judge(view: ItemView, rng: random.Random) -> ItemScoreInput | None:
    """An override of the proposal by one occurrence (either way), or None when that would not
    change the points."""
    proposed = view.proposed_occurrences
    if proposed is None:
        return None
    lenient = proposed > 0 and rng.random() < 0.7
    occurrences = proposed - 1 if lenient else proposed + 1
    if view.item.points_for(occurrences) == view.item.points_for(proposed):
        return None
    return ItemScoreInput(key=view.item.key, occurrences=occurrences, note=_LENIENT if lenient else _STRICT)


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
        await record_org_class(session, county, village_id=village_id, period=previous, org_class=_CLASSES[before])
        await record_org_class(session, county, village_id=village_id, period=DEMO_PERIOD, org_class=_CLASSES[after])
