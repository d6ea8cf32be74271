"""Duty rules counted the same way wherever they are shown, and the calendar they count in.

"So far" is the calendar weeks (Monday to Sunday) and months that lie wholly inside a window
[start, end) — the term, or the part of it inside an assessment period, up to today. The work-diary
rule (DOMAIN.md section 2, 记好一本工作日志: at least N entries in every full calendar month of the
term so far) is `diary_months`: the duty checklist (progress.py) and the assessment's proposal for
`research.diary` (backend/assessment/evidence.py) both apply it, so they never disagree on a month.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def month_of(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def week_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def full_months(start: date, end: date) -> list[date]:
    """First days of the calendar months wholly inside [start, end)."""
    first = start if start.day == 1 else next_month(start)
    months = []
    while next_month(first) <= end:
        months.append(first)
        first = next_month(first)
    return months


def full_weeks(start: date, end: date) -> list[date]:
    """Mondays of the weeks (Monday to Sunday) wholly inside [start, end)."""
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    weeks = []
    while monday + timedelta(days=7) <= end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class DiaryMonths:
    """The diary rule applied to a window: its full months, and those with too few entries."""

    months: tuple[date, ...]  # first days of the full months, oldest first
    short: tuple[date, ...]  # the months among them with fewer entries than required
    required: int  # entries per month (the checklist's monthly item's threshold)

    @property
    def met(self) -> int:
        """Full months with enough entries."""
        return len(self.months) - len(self.short)

    @property
    def complete(self) -> bool:
        """Every full month so far has enough entries (true while there is none yet)."""
        return not self.short


def diary_months(start: date, end: date, entries_per_month: Mapping[date, int], required: int) -> DiaryMonths:
    """The work-diary rule over [start, end): each full calendar month needs at least `required`
    entries. `entries_per_month` counts the entries by the first day of their month (`month_of`);
    a month it does not name has none."""
    return monthly_rule(start, end, entries_per_month, lambda _month: required, required)


def monthly_rule(
    start: date,
    end: date,
    entries_per_month: Mapping[date, int],
    required_in: Callable[[date], int | None],
    required: int,
) -> DiaryMonths:
    """A per-month count rule over [start, end), the diary rule generalised: `required_in(month)` is
    the entries that month needs (the checklist version in effect at its start), or None where the
    rule does not apply that month (the item is not in that month's version) — such a month is not
    counted. `required` is the figure shown (the current version's)."""
    months = []
    short = []
    for month in full_months(start, end):
        needed = required_in(month)
        if needed is None:
            continue
        months.append(month)
        if entries_per_month.get(month, 0) < needed:
            short.append(month)
    return DiaryMonths(tuple(months), tuple(short), required)
