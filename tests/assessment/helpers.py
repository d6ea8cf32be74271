"""Building blocks for the assessment tests: filings written straight into the test world, terms
and modes to set, and the GraphQL documents.

The API tests assess the period 2025 with terms moved into 2025, so that every week and month of
the period has passed whatever the date the suite runs on (after 2025)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from backend.assessment.models import OrgClass, OrgClassRecord
from backend.core.db import SessionFactory
from backend.filings.models import FilingKind, FilingStatus
from backend.org.models import Household, SecretaryProfile, StationMode
from tests.world import World, stored_filing

PERIOD = "2025"
YEAR_START, YEAR_END = date(2025, 1, 1), date(2025, 12, 31)

ASSESSMENT = """query($s: ID!, $p: String!) { assessment(secretaryId: $s, period: $p) {
  id period status version rubricVersion basic discipline results orgUpgrade basicPlusDiscipline target
  itemsScored itemsTotal canScore assessorRole
  items { key scored occurrences points overridden note proposedOccurrences proposedPoints evidenceChanged
    item { part kind basePoints perOccurrence cap minPoints maxPoints evidence }
    evidence { summary filingIds filings { id kind title occurredOn status } } } } }"""

SCORE = """mutation($input: ScoreAssessmentInput!) { scoreAssessment(input: $input) {
  assessment { id version status rubricVersion basic discipline results orgUpgrade target itemsScored itemsTotal
    items { key scored occurrences points overridden note proposedPoints } }
  currentVersion errors { code field message } } }"""


async def set_secretary(
    session_factory: SessionFactory,
    world: World,
    village: str,
    *,
    mode: StationMode | None = None,
    term: tuple[date, date] | None = (YEAR_START, YEAR_END),
) -> None:
    values: dict[str, Any] = {}
    if mode is not None:
        values["mode"] = mode
    if term is not None:
        values["term_start"], values["term_end"] = term
    async with session_factory.begin() as session:
        await session.execute(
            update(SecretaryProfile).where(SecretaryProfile.id == world.secretaries[village].id).values(**values)
        )


async def all_in_2025(session_factory: SessionFactory, world: World) -> None:
    for village in world.secretaries:
        await set_secretary(session_factory, world, village)


async def add_filings(
    session_factory: SessionFactory,
    world: World,
    village: str,
    kind: FilingKind,
    days: list[date],
    *,
    status: FilingStatus = FilingStatus.APPROVED,
    household_id: int | None = None,
    body: dict[str, Any] | None = None,
) -> list[str]:
    """Filings of one kind on the given days, as the secretary of `village` would have made them."""
    secretary = world.secretaries[village]
    unit = world.units[village]
    ids = []
    async with session_factory.begin() as session:
        for day in days:
            filing_id = str(uuid.uuid4())
            moment = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
            session.add(
                stored_filing(
                    secretary,
                    unit,
                    kind=kind,
                    status=status,
                    at=moment,
                    occurred_on=day,
                    filing_id=filing_id,
                    title=f"{kind.value} {day.isoformat()}",
                    body=body,
                    household_id=household_id,
                )
            )
            ids.append(filing_id)
    return ids


async def households(session_factory: SessionFactory, world: World, village: str) -> list[int]:
    async with session_factory.begin() as session:
        rows = await session.scalars(
            select(Household.id).where(Household.village_id == world.units[village].id).order_by(Household.id)
        )
        ids = list(rows)
        await session.execute(update(Household).where(Household.id.in_(ids)).values(is_hardship=True))
    return ids


async def record_class(
    session_factory: SessionFactory, world: World, village: str, period: str, org_class: OrgClass
) -> None:
    async with session_factory.begin() as session:
        session.add(
            OrgClassRecord(
                village_id=world.units[village].id,
                period=period,
                county_id=world.units[village].county_id,
                org_class=org_class,
            )
        )


def mondays(start: date, end: date) -> list[date]:
    day = start + timedelta(days=(7 - start.weekday()) % 7)
    found = []
    while day <= end:
        found.append(day)
        day += timedelta(days=7)
    return found


async def perfect_record(session_factory: SessionFactory, world: World, village: str) -> None:
    """Everything the evidence items look for, done in full in 2025."""
    diary_days = [date(2025, m, d) for m in range(1, 13) for d in (3, 10, 17, 24)]
    await add_filings(session_factory, world, village, FilingKind.WORK_DIARY, diary_days, status=FilingStatus.SUBMITTED)
    await add_filings(session_factory, world, village, FilingKind.RESEARCH_REPORT, [date(2025, 6, 1)])
    await add_filings(session_factory, world, village, FilingKind.COMMITTEE_MEETING, mondays(YEAR_START, YEAR_END))
    for n, category in enumerate(("cadre", "member", "applicant")):
        await add_filings(
            session_factory,
            world,
            village,
            FilingKind.TALK,
            [date(2025, 4, 1 + n)],
            body={"person": f"谈话人{n}", "category": category, "topic": "工作", "requestedByPerson": n == 0},
        )
    h1, h2, _ = await households(session_factory, world, village)
    for household in (h1, h2):
        await add_filings(
            session_factory, world, village, FilingKind.PAIRING, [date(2025, 2, 1)], household_id=household
        )
        await add_filings(
            session_factory, world, village, FilingKind.PAIRING_VISIT, [date(2025, 5, 1)], household_id=household
        )
    await record_class(session_factory, world, village, "2024", OrgClass.B)
    await record_class(session_factory, world, village, PERIOD, OrgClass.B)
