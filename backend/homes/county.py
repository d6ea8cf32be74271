"""The county leader's overview (县委组织部): the duty checklist by township, secretaries falling
behind the pace of their term, attendance far below what last month asked, polls in progress
with their turnout, unresolved problems, and whether this year's ranking is published. Each part
is read by its own resolver; every number on the screen links to the list behind it.

Nothing here counts logins, time online or any use of the app, and nobody is ranked by activity
(DOMAIN.md section 8): "behind" is filed duties against the term (backend/duties/pace.py), and
attendance is information, never a deduction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.allowance import AllowanceRow, allowance_sheet
from backend.attendance.common import Month
from backend.auth.actor import Actor
from backend.duties.pace import Pace, pace_of
from backend.duties.progress import county_progress
from backend.org.access import require_role
from backend.org.models import Role
from backend.ranking.models import RankingSnapshot
from backend.ranking.snapshots import list_snapshots


@dataclass(frozen=True)
class TownshipDuties:
    township_id: int
    township_name: str
    secretary_count: int
    completed: int  # duties completed, over the township's secretaries
    due: int  # duties due (8 per secretary)
    behind_count: int

    @property
    def completed_share(self) -> float | None:
        return round(self.completed / self.due, 4) if self.due else None


@dataclass(frozen=True)
class BehindSecretary:
    pace: Pace
    village_name: str
    township_id: int
    township_name: str


@dataclass(frozen=True)
class CountyDuties:
    townships: list[TownshipDuties]
    behind: list[BehindSecretary]  # least done for the term passed first

    @property
    def completed_share(self) -> float | None:
        due = sum(t.due for t in self.townships)
        return round(sum(t.completed for t in self.townships) / due, 4) if due else None


async def county_duties(session: AsyncSession, actor: Actor | None, *, today: date) -> CountyDuties:
    """COUNTY: the duty checklist by township, and who falls behind the pace of their term."""
    progress = await county_progress(session, actor, today=today)
    names = dict(progress.townships)
    paces: dict[int, list[Pace]] = defaultdict(list)
    for p in progress.secretaries:
        paces[progress.village_township[p.secretary.village_id]].append(pace_of(p, today))
    townships = [
        TownshipDuties(
            township_id=tid,
            township_name=name,
            secretary_count=len(paces[tid]),
            completed=sum(p.progress.completed_count for p in paces[tid]),
            due=sum(len(p.progress.duties) for p in paces[tid]),
            behind_count=sum(p.behind for p in paces[tid]),
        )
        for tid, name in progress.townships
    ]
    behind = [
        BehindSecretary(p, progress.village_names[p.progress.secretary.village_id], tid, names[tid])
        for tid, group in paces.items()
        for p in group
        if p.behind
    ]
    behind.sort(key=lambda b: (b.pace.done_share - b.pace.term_passed, b.pace.progress.secretary.name))
    return CountyDuties(townships, behind)


@dataclass(frozen=True)
class AttendanceNotes:
    month: Month
    secretary_count: int  # secretaries in post during the month
    few_days: list[AllowanceRow]  # far below what the month asked, fewest days first


def last_month(today: date) -> Month:
    first = today.replace(day=1)
    return Month(first.year - 1, 12) if first.month == 1 else Month(first.year, first.month - 1)


async def attendance_notes(session: AsyncSession, actor: Actor | None, *, today: date) -> AttendanceNotes:
    """COUNTY: last month's stationed days far below what it asked (the allowance sheet's rule)."""
    actor = require_role(actor, Role.COUNTY)
    month = last_month(today)
    sheet = await allowance_sheet(session, actor, month=month, today=today)
    few = sorted((r for r in sheet.rows if r.few_days), key=lambda r: (r.stationed_days, r.index))
    return AttendanceNotes(month, len(sheet.rows), few)


@dataclass(frozen=True)
class RankingStatus:
    period: str
    latest: RankingSnapshot | None  # the latest published snapshot of the period


async def ranking_status(session: AsyncSession, actor: Actor | None, *, today: date) -> RankingStatus:
    """COUNTY: whether this year's ranking is published (the latest snapshot of the year)."""
    actor = require_role(actor, Role.COUNTY)
    period = str(today.year)
    snapshots = await list_snapshots(session, actor, period)
    return RankingStatus(period, snapshots[0] if snapshots else None)
