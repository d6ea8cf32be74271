"""Stationed days derived from the secretary's own work (以事管人、无感考勤), docs/ATTENDANCE.md.

Since 25 January 2026 (国办函〔2026〕12号) no check-in may be forced, so a stationed day is not a
punch: it is a workday on which the secretary's own work shows them in the village. For one month
the evidence of a set of secretaries is read in a fixed number of statements (`load_evidence`),
whatever their number:

* filings (visits, meetings, diaries, trainings, … — any filing sent to the server) whose
  recorded position is inside the village geofence. The day is the Beijing date of the filing's
  recorded time (`recorded_at`, the phone's clock when the position was fixed) — not the
  `occurred_on` the secretary types, because the position proves presence when it was taken, not
  on a date written into the form;
* check-ins inside the geofence (optional "我在村"), the roll-call answers by such check-ins;
* the township's phone or video verification of a roll call (电话/视频核实), on its Beijing date;
* declared days: 镇街会议 / 培训 / 公务外出 count as stationed (official business); 请假 never counts
  (approved leave is shown as leave, pending leave as pending).

A day whose only positions are outside the geofence (or with no village centre) is 待核实: listed
for the township to review, never counted and never a deduction by itself. Workdays are those of
`allowance.py` (Monday to Friday, Beijing time, within the term; holidays not adjusted for).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.common import Month, local_date
from backend.attendance.models import (
    CheckIn,
    DayDeclaration,
    DeclarationReason,
    DeclarationStatus,
    MonthConfirmation,
    RollCall,
    RollCallTarget,
)
from backend.core.geo import haversine_m
from backend.filings.bodies import KIND_LABELS
from backend.filings.models import Filing, FilingStatus
from backend.org.models import OrgUnit, SecretaryProfile, StationMode


class Source(enum.StrEnum):
    FILING = "filing"
    CHECK_IN = "check_in"
    ROLL_CALL = "roll_call"
    DECLARED = "declared"


class DayState(enum.StrEnum):
    COUNTED = "counted"  # 驻村
    REVIEW = "review"  # 待核实: positions only outside the geofence
    LEAVE = "leave"  # 请假（已批准）
    LEAVE_PENDING = "leave_pending"  # 请假待批
    NONE = "none"  # 无记录
    NOT_WORKDAY = "not_workday"  # weekend, or outside the term


STATE_LABELS = {
    DayState.COUNTED: "驻村",
    DayState.REVIEW: "待核实",
    DayState.LEAVE: "请假（已批准）",
    DayState.LEAVE_PENDING: "请假待批",
    DayState.NONE: "无记录",
    DayState.NOT_WORKDAY: "非工作日",
}
REASON_LABELS = {
    DeclarationReason.TOWNSHIP_MEETING: "镇街会议",
    DeclarationReason.TRAINING: "培训",
    DeclarationReason.OFFICIAL_TRIP: "公务外出",
    DeclarationReason.LEAVE: "请假",
}
STATUS_LABELS = {
    DeclarationStatus.DECLARED: "已申报",
    DeclarationStatus.PENDING: "待镇街审批",
    DeclarationStatus.APPROVED: "已批准",
    DeclarationStatus.REJECTED: "未批准",
}
OFFICIAL_REASONS = (DeclarationReason.TOWNSHIP_MEETING, DeclarationReason.TRAINING, DeclarationReason.OFFICIAL_TRIP)


@dataclass(frozen=True)
class Evidence:
    source: Source
    label: str  # e.g. 走访农户, 签到, 电话核实, 培训
    inside: bool


@dataclass
class SecretaryEvidence:
    days: dict[date, list[Evidence]] = field(default_factory=lambda: defaultdict(list))
    declarations: dict[date, DayDeclaration] = field(default_factory=dict)
    outside_checkins: int = 0


@dataclass(frozen=True)
class DayView:
    day: date
    workday: bool
    state: DayState
    evidence: list[Evidence]
    declaration: DayDeclaration | None

    @property
    def counted(self) -> bool:
        return self.state is DayState.COUNTED

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def sources(self) -> list[str]:
        """What shows the day, inside evidence first, each label once (Chinese)."""
        seen: list[str] = []
        for e in sorted(self.evidence, key=lambda e: not e.inside):
            label = e.label if e.inside else f"{e.label}（村外）"
            if label not in seen:
                seen.append(label)
        return seen


@dataclass(frozen=True)
class MonthCount:
    """A secretary's month by the rule (before any confirmation)."""

    days: list[DayView]
    mode: StationMode

    @property
    def derived_days(self) -> int:
        return sum(1 for d in self.days if d.counted)

    def count(self, state: DayState) -> int:
        return sum(1 for d in self.days if d.state is state)

    @property
    def by_source(self) -> dict[Source, int]:
        """Counted days per kind of evidence (one day may show several)."""
        out: dict[Source, int] = defaultdict(int)
        for d in self.days:
            if d.counted:
                for s in {e.source for e in d.evidence if e.inside}:
                    out[s] += 1
        return dict(out)


def _local_day(session: AsyncSession, column: Any) -> ColumnElement[Any]:
    """The Beijing-time calendar date of a UTC timestamp, in SQL (a date on PostgreSQL, ISO text on
    SQLite: `as_date` reads either)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("Asia/Shanghai", column), Date)
    return func.date(column, "+8 hours")  # SQLite stores UTC text


def as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def inside_fence(village: OrgUnit, lat: float | None, lng: float | None, radius_m: int) -> bool | None:
    """True/False for a position against the village geofence; None when there is no position."""
    if lat is None or lng is None:
        return None
    if village.center_lat is None or village.center_lng is None:
        return False
    return haversine_m(lat, lng, village.center_lat, village.center_lng) <= radius_m


@dataclass(frozen=True)
class Scope:
    county_id: int
    township_id: int | None = None
    secretary_id: int | None = None


async def load_evidence(
    session: AsyncSession, scope: Scope, month: Month, villages: dict[int, OrgUnit], radius_m: int
) -> dict[int, SecretaryEvidence]:
    """Every secretary's evidence for the month in the scope: four statements (check-ins by day,
    filings with a position, roll-call verifications, declarations). `villages` maps secretary id
    to their village (for filings' geofence)."""
    start, end = month.utc_bounds()
    out: dict[int, SecretaryEvidence] = defaultdict(SecretaryEvidence)

    day = _local_day(session, CheckIn.at)
    checkins = select(CheckIn.secretary_id, day.label("day"), CheckIn.inside_geofence, func.count()).where(
        CheckIn.county_id == scope.county_id, CheckIn.at >= start, CheckIn.at < end
    )
    filings = select(Filing.secretary_id, Filing.recorded_at, Filing.kind, Filing.lat, Filing.lng).where(
        Filing.county_id == scope.county_id,
        Filing.recorded_at >= start,
        Filing.recorded_at < end,
        Filing.status != FilingStatus.DRAFT,
        Filing.lat.is_not(None),
        Filing.lng.is_not(None),
    )
    verifications = (
        select(RollCallTarget.secretary_id, RollCallTarget.verified_at, RollCallTarget.verified_mode)
        .join(RollCall, RollCall.id == RollCallTarget.roll_call_id)
        .where(
            RollCall.county_id == scope.county_id,
            RollCallTarget.verified_at >= start,
            RollCallTarget.verified_at < end,
        )
    )
    declarations = select(DayDeclaration).where(
        DayDeclaration.county_id == scope.county_id,
        DayDeclaration.day >= month.first_day,
        DayDeclaration.day <= month.last_day,
    )
    if scope.township_id is not None:
        checkins = checkins.where(CheckIn.township_id == scope.township_id)
        filings = filings.where(Filing.township_id == scope.township_id)
        verifications = verifications.where(RollCall.township_id == scope.township_id)
        declarations = declarations.where(DayDeclaration.township_id == scope.township_id)
    if scope.secretary_id is not None:
        checkins = checkins.where(CheckIn.secretary_id == scope.secretary_id)
        filings = filings.where(Filing.secretary_id == scope.secretary_id)
        verifications = verifications.where(RollCallTarget.secretary_id == scope.secretary_id)
        declarations = declarations.where(DayDeclaration.secretary_id == scope.secretary_id)
    checkins = checkins.group_by(CheckIn.secretary_id, day, CheckIn.inside_geofence)

    for secretary_id, raw_day, inside, count in (await session.execute(checkins)).tuples():
        ev = out[secretary_id]
        ev.days[as_date(raw_day)].append(Evidence(Source.CHECK_IN, "签到", bool(inside)))
        if not inside:
            ev.outside_checkins += int(count)
    for secretary_id, recorded_at, kind, lat, lng in (await session.execute(filings)).tuples():
        village = villages.get(secretary_id)
        if village is None:
            continue
        inside_pos = inside_fence(village, lat, lng, radius_m)
        label = KIND_LABELS.get(kind, "工作记录")
        out[secretary_id].days[local_date(recorded_at)].append(Evidence(Source.FILING, label, bool(inside_pos)))
    for secretary_id, verified_at, mode in (await session.execute(verifications)).tuples():
        if verified_at is None:
            continue
        label = "点名视频核实" if mode is not None and mode.value == "video" else "点名电话核实"
        out[secretary_id].days[local_date(verified_at)].append(Evidence(Source.ROLL_CALL, label, True))
    for declaration in (await session.scalars(declarations)).all():
        out[declaration.secretary_id].declarations[declaration.day] = declaration
    return out


async def load_confirmations(session: AsyncSession, scope: Scope, month: Month) -> dict[int, MonthConfirmation]:
    stmt = select(MonthConfirmation).where(
        MonthConfirmation.county_id == scope.county_id, MonthConfirmation.month == month.key
    )
    if scope.township_id is not None:
        stmt = stmt.where(MonthConfirmation.township_id == scope.township_id)
    if scope.secretary_id is not None:
        stmt = stmt.where(MonthConfirmation.secretary_id == scope.secretary_id)
    return {c.secretary_id: c for c in (await session.scalars(stmt)).all()}


def is_workday(profile: SecretaryProfile, day: date) -> bool:
    return day.weekday() < 5 and profile.term_start <= day <= profile.term_end


def count_month(profile: SecretaryProfile, month: Month, evidence: SecretaryEvidence | None) -> MonthCount:
    """Every day of the month with its state (see the module's rule)."""
    evidence = evidence or SecretaryEvidence()
    days: list[DayView] = []
    d = month.first_day
    while d <= month.last_day:
        found = list(evidence.days.get(d, ()))
        declaration = evidence.declarations.get(d)
        in_term = profile.term_start <= d <= profile.term_end
        workday = is_workday(profile, d)
        if declaration is not None and declaration.reason in OFFICIAL_REASONS:
            found.append(Evidence(Source.DECLARED, REASON_LABELS[declaration.reason], True))
        leave = declaration is not None and declaration.reason is DeclarationReason.LEAVE
        if not in_term or (not workday and profile.mode is StationMode.RESIDENT):
            state = DayState.NOT_WORKDAY
        elif leave and declaration is not None and declaration.status is DeclarationStatus.APPROVED:
            state = DayState.LEAVE
        elif any(e.inside for e in found) and profile.mode is StationMode.RESIDENT:
            state = DayState.COUNTED
        elif any(e.inside and e.source is not Source.DECLARED for e in found):
            state = DayState.COUNTED  # liaison: on-site days only, any day of the week
        elif leave and declaration is not None and declaration.status is DeclarationStatus.PENDING:
            state = DayState.LEAVE_PENDING
        elif found and not any(e.inside for e in found):
            state = DayState.REVIEW
        else:
            state = DayState.NONE
        days.append(DayView(d, workday, state, found, declaration))
        d += timedelta(days=1)
    return MonthCount(days=days, mode=profile.mode)


def work_evidence_counts_without_check_in() -> bool:
    """The rule itself, asked honestly (compliance's "no_forced_checkin"): does a resident workday
    with nothing but a filing positioned inside the village count, and does a day with nothing
    count? Run on the real `count_month`, not on a statement about it."""
    probe = SecretaryProfile(mode=StationMode.RESIDENT, term_start=date(2026, 1, 1), term_end=date(2026, 12, 31))
    evidence = SecretaryEvidence()
    evidence.days[date(2026, 11, 2)].append(Evidence(Source.FILING, "走访农户", True))  # a Monday
    counted = count_month(probe, Month(2026, 11), evidence)
    by_day = {d.day: d.state for d in counted.days}
    return (
        by_day[date(2026, 11, 2)] is DayState.COUNTED
        and by_day[date(2026, 11, 3)] is DayState.NONE
        and counted.derived_days == 1
    )
