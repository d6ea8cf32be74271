"""Checklist versions for the tests: the default 八个一 with other thresholds, and a "十个一" with two
extra items and another diary rule, written straight to the database (the API is tested in
tests/duties/test_checklist_api.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from backend.duties.checklist import DEFAULT_ITEMS, Checklist, ChecklistItem, ChecklistRule
from backend.duties.models import DutyChecklistMove, DutyChecklistVersion

PAIRING_ITEM = ChecklistItem("item_1", "结对帮扶一户困难户", ("pairing",), ChecklistRule.ROSTER_COVERAGE, 50)
MEETING_ITEM = ChecklistItem("item_2", "召开村工作例会", ("committee_meeting",), ChecklistRule.MONTHLY_COUNT, 1)


def default_with(**thresholds: int) -> tuple[ChecklistItem, ...]:
    """The eight items with some thresholds changed (by key)."""
    return tuple(replace(i, threshold=thresholds.get(i.key, i.threshold)) for i in DEFAULT_ITEMS)


def ten_items(diary_per_month: int = 2) -> tuple[ChecklistItem, ...]:
    """十个一: the eight with `diary_per_month` diaries a month, then pairing coverage and monthly meetings."""
    return (*default_with(work_diary=diary_per_month), PAIRING_ITEM, MEETING_ITEM)


async def save_version(
    session: AsyncSession,
    county_id: int,
    version: int,
    items: tuple[ChecklistItem, ...],
    *,
    name: str = "八个一",
    effective_from: date = date(2000, 1, 1),
) -> Checklist:
    checklist = Checklist(county_id, version, name, effective_from, items)
    row = DutyChecklistVersion(
        county_id=county_id,
        version=version,
        name=name,
        effective_from=effective_from,
        items=[i.to_json() for i in items],
        sha256=checklist.sha256,
    )
    session.add(row)
    await session.flush()
    return checklist


async def move(session: AsyncSession, county_id: int, secretary_id: int, version: int, from_month: date) -> None:
    session.add(
        DutyChecklistMove(
            county_id=county_id, secretary_id=secretary_id, version=version, from_month=from_month, note="测试"
        )
    )
    await session.flush()
