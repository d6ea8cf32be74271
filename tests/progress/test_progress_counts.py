"""What the eight duties count, from the filings of each status (the service, set-based)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backend.core.db import SessionFactory
from backend.duties import progress
from backend.duties.checklist import DEFAULT_KEYS
from backend.duties.progress import DutyStatus
from backend.filings.models import FilingKind, FilingStatus
from backend.org.models import Household
from tests.progress.helpers import filing
from tests.world import World

TODAY = date(2026, 7, 15)  # the world's terms start 2026-03-01: March…June are the full months


async def _seed(session_factory: SessionFactory, world: World) -> None:
    async with session_factory.begin() as session:
        homes = list(
            await session.scalars(
                select(Household.id).where(Household.village_id == world.units["V11"].id).order_by(Household.id)
            )
        )
        rows = [
            # visits: household 0 twice (counts once), 1 returned and 2 draft (don't count) → 1/3
            filing(world, "V11", FilingKind.HOUSEHOLD_VISIT, FilingStatus.SUBMITTED, household_id=homes[0]),
            filing(world, "V11", FilingKind.HOUSEHOLD_VISIT, FilingStatus.APPROVED, household_id=homes[0]),
            filing(world, "V11", FilingKind.HOUSEHOLD_VISIT, FilingStatus.RETURNED, household_id=homes[1]),
            filing(world, "V11", FilingKind.HOUSEHOLD_VISIT, FilingStatus.DRAFT, household_id=homes[2]),
            # service cards handed out to 2 of 3 households, but no card generated → not complete
            filing(world, "V11", FilingKind.SERVICE_CARD, FilingStatus.APPROVED, household_id=homes[0]),
            filing(world, "V11", FilingKind.SERVICE_CARD, FilingStatus.SUBMITTED, household_id=homes[1]),
            # reports: one approved, one waiting → 1/1 done; the lecture was returned → 0/1
            filing(world, "V11", FilingKind.RESEARCH_REPORT, FilingStatus.APPROVED),
            filing(world, "V11", FilingKind.RESEARCH_REPORT, FilingStatus.SUBMITTED),
            filing(world, "V11", FilingKind.PARTY_LECTURE, FilingStatus.RETURNED),
            # V12's approved training is V12's, not V11's
            filing(world, "V12", FilingKind.TECH_TRAINING, FilingStatus.APPROVED),
        ]
        diary_days = (
            {  # 4 a month are required: March and May are met, April has a returned one
                date(2026, 3, d): FilingStatus.SUBMITTED for d in (2, 9, 16, 31)
            }
            | {date(2026, 4, d): FilingStatus.APPROVED for d in (1, 2, 3)}
            | {
                date(2026, 4, 4): FilingStatus.RETURNED,
                date(2026, 5, 1): FilingStatus.DRAFT,
            }
            | {date(2026, 5, d): FilingStatus.SUBMITTED for d in (5, 6, 7, 31)}
        )
        rows += [
            filing(world, "V11", FilingKind.WORK_DIARY, status, occurred_on=day) for day, status in diary_days.items()
        ]
        rows.append(filing(world, "V11", FilingKind.WORK_DIARY, FilingStatus.SUBMITTED, occurred_on=date(2026, 3, 2)))
        session.add_all(rows)


async def test_each_duty_counts_the_right_filings(session_factory: SessionFactory, world: World) -> None:
    await _seed(session_factory, world)
    async with session_factory() as session:
        result = await progress.township_progress(session, world.actor("township"), None, today=TODAY)
    by_name = {p.secretary.name: {d.key: d for d in p.duties} for p in result.secretaries}
    assert list(DEFAULT_KEYS) == list(by_name["V11书记"])
    v11, v12 = by_name["V11书记"], by_name["V12书记"]
    visits = v11["household_visits"]
    assert (visits.complete, visits.numerator, visits.denominator, visits.percent) == (False, 1, 3, 33.3)
    diary = v11["work_diary"]
    assert (diary.complete, diary.numerator, diary.denominator, diary.percent) == (False, 2, 4, 50.0)
    card = v11["service_card"]
    assert (card.complete, card.numerator, card.percent) == (False, 2, 66.7)
    assert card.detail.startswith("尚未生成服务卡")
    assert (v11["research_report"].complete, v11["research_report"].numerator) == (True, 1)
    assert (v11["party_lecture"].complete, v11["party_lecture"].numerator) == (False, 0)
    assert v11["tech_training"].numerator == 0 and v12["tech_training"].numerator == 1
    assert v12["household_visits"].numerator == 0
    ledger = v11["problem_ledger"]  # one open problem, none older than the resolution age
    assert (ledger.complete, ledger.numerator, ledger.denominator, ledger.percent) == (True, 0, 0, None)
    assert result.village_names == {world.units["V11"].id: "V11名", world.units["V12"].id: "V12名"}


async def test_one_secretary_matches_the_township_list(session_factory: SessionFactory, world: World) -> None:
    await _seed(session_factory, world)
    async with session_factory() as session:
        township = await progress.township_progress(session, world.actor("township"), None, today=TODAY)
        own = await progress.duty_progress(session, world.actor("village"), None, today=TODAY)
    (listed,) = [p for p in township.secretaries if p.secretary.id == own.secretary.id]
    assert listed.duties == own.duties
    assert township.completed_share == round(
        sum(p.completed_count for p in township.secretaries) / (8 * len(township.secretaries)), 4
    )


@pytest.mark.parametrize(
    ("percent", "numerator", "denominator", "figure"),
    [
        (33.3, 1, 3, "33.3%"),
        (100.0, 3, 3, "100%"),
        (0.0, 0, 3, "0%"),
        (None, 1, 1, "1/1"),
        (None, 0, 2, "0/2"),
        (None, 0, 0, ""),
    ],
)
def test_figure_is_the_chip_text(percent: float | None, numerator: int, denominator: int, figure: str) -> None:
    status = DutyStatus("k", "名称", False, numerator, denominator, percent, "")
    assert status.figure == figure
