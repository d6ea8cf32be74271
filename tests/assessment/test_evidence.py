"""Proposals computed from filings at a given date: only weeks and months of the term that have
passed count, pairings made earlier still count, visits count per paired household."""

from __future__ import annotations

from datetime import date

from backend.assessment.access import access_assessment
from backend.assessment.common import parse_period
from backend.assessment.evidence import proposals_for
from backend.assessment.rubric import EvidenceKey
from backend.core.db import SessionFactory
from backend.duties.rules import full_weeks
from backend.filings.models import FilingKind, FilingStatus
from backend.org.models import StationMode
from tests.assessment.helpers import add_filings, households, set_secretary
from tests.world import World


async def _proposals(session_factory: SessionFactory, world: World, village: str, today: date) -> dict:
    async with session_factory() as session:
        subject, _ = await access_assessment(session, world.actor("county"), world.secretaries[village].id, "2026")
        found = await proposals_for(session, [subject], parse_period("2026"), set(EvidenceKey), today=today)
    return found[subject.secretary.id]


async def test_only_what_has_passed_of_the_term_counts(session_factory: SessionFactory, world: World) -> None:
    # the world's secretaries serve 2026-03-01 … 2027-02-28
    diary = [date(2026, m, d) for m in range(3, 11) for d in (1, 8, 15, 22)]
    await add_filings(session_factory, world, "V11", FilingKind.WORK_DIARY, diary, status=FilingStatus.SUBMITTED)
    await add_filings(session_factory, world, "V11", FilingKind.WORK_DIARY, [date(2026, 2, 20)])  # before the term
    on_day = await _proposals(session_factory, world, "V11", date(2026, 11, 22))
    assert on_day[EvidenceKey.DIARY].occurrences == 0  # March … October, November is not over
    assert len(on_day[EvidenceKey.DIARY].filing_ids) == len(diary)
    later = await _proposals(session_factory, world, "V11", date(2027, 2, 1))
    assert later[EvidenceKey.DIARY].occurrences == 2  # November and December short; 2027 is another period
    early = await _proposals(session_factory, world, "V11", date(2026, 3, 15))
    assert early[EvidenceKey.DIARY].occurrences == 0 and "尚无已结束的完整月份" in early[EvidenceKey.DIARY].summary
    weeks = on_day[EvidenceKey.COMMITTEE_MEETINGS]
    assert weeks.occurrences == len(full_weeks(date(2026, 3, 1), date(2026, 11, 22)))  # none held


async def test_pairings_and_visits(session_factory: SessionFactory, world: World) -> None:
    await set_secretary(
        session_factory, world, "V11", mode=StationMode.LIAISON, term=(date(2025, 3, 1), date(2027, 2, 28))
    )
    h1, h2, h3 = await households(session_factory, world, "V11")
    earlier = await add_filings(session_factory, world, "V11", FilingKind.PAIRING, [date(2025, 4, 1)], household_id=h1)
    await add_filings(session_factory, world, "V11", FilingKind.PAIRING, [date(2026, 4, 1)], household_id=h2)
    await add_filings(session_factory, world, "V11", FilingKind.PAIRING, [date(2027, 1, 5)], household_id=h3)  # later
    visits = await add_filings(
        session_factory, world, "V11", FilingKind.PAIRING_VISIT, [date(2026, 5, 1), date(2026, 6, 1)], household_id=h1
    )
    await add_filings(session_factory, world, "V11", FilingKind.PAIRING_VISIT, [date(2025, 5, 1)], household_id=h2)
    await add_filings(session_factory, world, "V11", FilingKind.PAIRING_VISIT, [date(2026, 5, 1)], household_id=h3)
    found = await _proposals(session_factory, world, "V11", date(2027, 1, 10))
    paired, visited = found[EvidenceKey.PAIRING], found[EvidenceKey.PAIRING_VISITS]
    assert paired.occurrences == 0 and earlier[0] in paired.filing_ids and len(paired.filing_ids) == 2
    assert visited.occurrences == 1  # h2 was visited only in 2025; a visit to h3 (not yet paired) is not counted
    assert set(visited.filing_ids) == set(visits)
    assert "1 户未走访" in visited.summary
    # liaison secretaries meet monthly: all twelve months of 2026 have passed, none held
    assert found[EvidenceKey.COMMITTEE_MEETINGS].occurrences == 12
