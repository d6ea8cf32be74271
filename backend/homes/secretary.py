"""The first secretary's home (第一书记首页): what to do next, not a menu — an open roll call and
its deadline, returned filings with the township's comment, this month's diary against the
checklist's monthly diary item, and the first item of the checklist not yet complete. The outbox state is the phone's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.roll_calls import RollCallView, open_roll_calls_of
from backend.auth.actor import Actor
from backend.core.orm import utcnow
from backend.core.pagination import Page
from backend.duties.progress import DutyProgress, DutyStatus, progress_for
from backend.duties.rules import month_of
from backend.filings.models import Filing, FilingStatus
from backend.filings.queries import filings_of
from backend.org.access import require_secretary_with_village
from backend.org.county_settings import rules_for
from backend.org.models import Household, OrgUnit, SecretaryProfile

RETURNED_SHOWN = 5  # returned filings listed on the home; the inbox has them all


@dataclass(frozen=True)
class SecretaryHome:
    secretary: SecretaryProfile
    village: OrgUnit
    township_name: str | None
    household_count: int
    roll_calls: list[RollCallView]  # open ones naming the secretary, soonest deadline first
    returned: Page[Filing]  # newest first, the first RETURNED_SHOWN
    progress: DutyProgress
    month: date  # the first day of this month

    @property
    def diary_this_month(self) -> int:
        """Counted (submitted or approved) diary entries dated this month."""
        return self.progress.diary_entries.get(self.month, 0)

    @property
    def diary_required(self) -> int | None:
        """The threshold of the checklist's monthly item counting work diaries (None: it has none)."""
        return self.progress.diary_required

    @property
    def next_duty(self) -> DutyStatus | None:
        """The first item of the checklist, in its order, not yet complete (None when all are)."""
        return next((d for d in self.progress.duties if not d.complete), None)


async def secretary_home(
    session: AsyncSession, actor: Actor | None, *, today: date, now: datetime | None = None
) -> SecretaryHome:
    """VILLAGE only: the caller's own record, village, roll calls, returned filings and progress."""
    secretary, village = await require_secretary_with_village(session, actor)
    township = select(OrgUnit.name).where(OrgUnit.id == village.township_id).scalar_subquery()
    households = select(func.count()).where(Household.village_id == village.id).scalar_subquery()
    township_name, household_count = (await session.execute(select(township, households))).one()
    roll_calls = await open_roll_calls_of(session, secretary, now or utcnow())
    returned = await filings_of(
        session, secretary, kind=None, status=FilingStatus.RETURNED, first=RETURNED_SHOWN, after=None
    )
    rules = await rules_for(session, secretary.county_id)
    (progress,) = await progress_for(session, [secretary], rules, today)
    return SecretaryHome(
        secretary=secretary,
        village=village,
        township_name=township_name,
        household_count=int(household_count or 0),
        roll_calls=roll_calls,
        returned=returned,
        progress=progress,
        month=month_of(today),
    )
