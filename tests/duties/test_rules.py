"""The duty rules shared by the checklist and the assessment: the calendar of "so far" (full weeks
and months of a window) and the work-diary rule."""

from __future__ import annotations

from datetime import date

from backend.duties.rules import diary_months, full_months, full_weeks, month_of


def test_full_weeks_and_months_inside_a_window() -> None:
    assert full_months(date(2026, 3, 1), date(2026, 11, 22)) == [date(2026, m, 1) for m in range(3, 11)]
    assert full_months(date(2026, 3, 2), date(2026, 5, 1)) == [date(2026, 4, 1)]  # March started late
    assert full_months(date(2026, 12, 1), date(2027, 1, 1)) == [date(2026, 12, 1)]
    assert full_weeks(date(2026, 11, 4), date(2026, 11, 23)) == [date(2026, 11, 9), date(2026, 11, 16)]
    assert full_weeks(date(2025, 1, 1), date(2026, 1, 1))[-1] == date(2025, 12, 22)
    assert len(full_weeks(date(2025, 1, 1), date(2026, 1, 1))) == 51


def test_full_months_rule() -> None:
    # a month counts once it has ended: [start, today) holds it whole
    assert full_months(date(2026, 3, 1), date(2026, 5, 31)) == [date(2026, 3, 1), date(2026, 4, 1)]
    assert full_months(date(2026, 3, 15), date(2026, 6, 1)) == [date(2026, 4, 1), date(2026, 5, 1)]
    assert full_months(date(2026, 3, 15), date(2026, 4, 20)) == []


def test_every_full_month_needs_the_required_entries() -> None:
    entries = [date(2026, 3, 3), date(2026, 3, 20), date(2026, 4, 9), date(2026, 5, 1), date(2026, 5, 30)]
    per_month: dict[date, int] = {}
    for day in entries:
        per_month[month_of(day)] = per_month.get(month_of(day), 0) + 1
    # March to May have ended by 1 June; April has one entry, the others two
    diary = diary_months(date(2026, 3, 1), date(2026, 6, 1), per_month, 2)
    assert diary.months == (date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1))
    assert diary.short == (date(2026, 4, 1),)
    assert (diary.met, diary.complete, diary.required) == (2, False, 2)
    # a month with no entry at all is short; months outside the window do not count
    assert diary_months(date(2026, 4, 1), date(2026, 7, 1), per_month, 1).short == (date(2026, 6, 1),)
    # no full month yet: nothing is short, the duty is not failed
    early = diary_months(date(2026, 3, 15), date(2026, 4, 20), per_month, 4)
    assert (early.months, early.met, early.complete) == ((), 0, True)
