"""Attendance types: check-ins, roll calls and the monthly allowance summary."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from backend.attendance.allowance import AllowanceRow, AllowanceSheet
from backend.attendance.checkins import RollCallOutcome, flag_of
from backend.attendance.declarations import MyMonth
from backend.attendance.models import CheckIn as CheckInModel
from backend.attendance.models import ConfirmationSource as _ConfirmationSource
from backend.attendance.models import DayDeclaration as DayDeclarationModel
from backend.attendance.models import DeclarationReason as _DeclarationReason
from backend.attendance.models import DeclarationStatus as _DeclarationStatus
from backend.attendance.models import RollCallReason as _RollCallReason
from backend.attendance.models import VerificationMode as _VerificationMode
from backend.attendance.roll_calls import MODE_LABELS, REASON_LABELS, MonthlyUse, RollCallView, TargetView
from backend.attendance.stationed import REASON_LABELS as DECLARATION_REASON_LABELS
from backend.attendance.stationed import STATUS_LABELS as DECLARATION_STATUS_LABELS
from backend.attendance.stationed import DayState as _DayState
from backend.attendance.stationed import DayView, Source
from backend.graphql.context import Info
from backend.graphql.loaders import referenced
from backend.org.api.types import OrgUnit, Secretary, StationMode
from backend.org.models import SecretaryProfile
from backend.org.models import StationMode as StationModel

SOURCE_LABELS = {
    Source.FILING: "工作记录",
    Source.CHECK_IN: "签到",
    Source.ROLL_CALL: "点名核实",
    Source.DECLARED: "申报公务",
}

# strawberry.enum marks the domain enum in place and returns it (see backend/org/api/types.py).
RollCallReason = _RollCallReason
strawberry.enum(RollCallReason, name="RollCallReason", description="点名事由：督查抽查 / 应急 / 安全 / 其他")

VerificationMode = _VerificationMode
strawberry.enum(VerificationMode, name="VerificationMode", description="核实方式：电话 / 视频")


@strawberry.type(description="签到: one GPS check-in, always recorded; flagged when outside the geofence.")
class CheckIn:
    id: strawberry.ID
    at: datetime = strawberry.field(description="The phone's clock.")
    received_at: datetime
    lat: float
    lng: float
    accuracy_m: float | None
    distance_m: float | None = strawberry.field(description="To the village centre; null when it is not set.")
    inside_geofence: bool
    flag: str | None = strawberry.field(description="Why the check-in is flagged (Chinese), null when inside.")
    _village_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, checkin: CheckInModel) -> CheckIn:
        return cls(
            id=strawberry.ID(checkin.id),
            at=checkin.at,
            received_at=checkin.received_at,
            lat=checkin.lat,
            lng=checkin.lng,
            accuracy_m=checkin.accuracy_m,
            distance_m=checkin.distance_m,
            inside_geofence=checkin.inside_geofence,
            flag=flag_of(checkin),
            _village_id=checkin.village_id,
        )

    @strawberry.field
    async def village(self, info: Info) -> OrgUnit:
        return OrgUnit.from_model(referenced(await info.context.loaders.org_unit.load(self._village_id)))


@strawberry.type(description="电话/视频核实: the township reached a named secretary by a call instead of a check-in.")
class RollCallVerification:
    mode: VerificationMode
    mode_label: str = strawberry.field(description="电话核实 / 视频核实")
    note: str
    at: datetime


@strawberry.type(description="One secretary named in a roll call.")
class RollCallTarget:
    secretary: Secretary
    answered: bool = strawberry.field(description="By an inside check-in in time, or a recorded verification.")
    check_in: CheckIn | None = strawberry.field(description="The inside check-in that answered, if any.")
    verification: RollCallVerification | None = strawberry.field(
        description="The township's phone or video verification, if it recorded one."
    )

    @classmethod
    def from_view(cls, view: TargetView) -> RollCallTarget:
        target = view.target
        verification = None
        if target is not None and target.verified_at is not None and target.verified_mode is not None:
            verification = RollCallVerification(
                mode=target.verified_mode,
                mode_label=MODE_LABELS[target.verified_mode],
                note=target.verified_note or "",
                at=target.verified_at,
            )
        return cls(
            secretary=Secretary.from_model(view.secretary),
            answered=view.answered,
            check_in=CheckIn.from_model(view.checkin) if view.checkin is not None else None,
            verification=verification,
        )


@strawberry.type(description="点名: secretaries named by a township must check in before the deadline.")
class RollCall:
    id: strawberry.ID
    started_at: datetime
    deadline: datetime
    reason: RollCallReason = strawberry.field(description="Why it was made (国办函〔2026〕12号: exceptions only).")
    reason_label: str = strawberry.field(description="督查抽查 / 应急 / 安全 / 其他")
    note: str = strawberry.field(description="The reason's explanation (事由说明).")
    open: bool = strawberry.field(description="The deadline has not passed yet.")
    answered_count: int
    total_count: int
    targets: list[RollCallTarget]
    _township_id: strawberry.Private[int]

    @classmethod
    def from_view(cls, view: RollCallView) -> RollCall:
        rc = view.roll_call
        return cls(
            id=strawberry.ID(rc.id),
            started_at=rc.started_at,
            deadline=rc.deadline_at,
            reason=rc.reason,
            reason_label=REASON_LABELS[rc.reason],
            note=rc.note,
            open=view.open,
            answered_count=view.answered_count,
            total_count=len(view.targets),
            targets=[RollCallTarget.from_view(t) for t in view.targets],
            _township_id=rc.township_id,
        )

    @strawberry.field
    async def township(self, info: Info) -> OrgUnit:
        return OrgUnit.from_model(referenced(await info.context.loaders.org_unit.load(self._township_id)))


@strawberry.type(description="How many more roll calls may name a secretary this calendar month.")
class RollCallAllowance:
    secretary: Secretary
    used: int = strawberry.field(description="Roll calls that named them this month (Beijing time).")
    cap: int = strawberry.field(description="The county's roll_calls_per_month.")
    left: int

    @classmethod
    def from_use(cls, use: MonthlyUse) -> RollCallAllowance:
        return cls(secretary=Secretary.from_model(use.secretary), used=use.used, cap=use.cap, left=use.left)


@strawberry.type(description="What a check-in did to an open roll call naming the secretary.")
class RollCallAnswer:
    roll_call_id: strawberry.ID
    deadline: datetime
    answered: bool
    reason: str | None = strawberry.field(description="Why it was not answered (Chinese), null when answered.")

    @classmethod
    def from_outcome(cls, outcome: RollCallOutcome) -> RollCallAnswer:
        return cls(
            roll_call_id=strawberry.ID(outcome.roll_call_id),
            deadline=outcome.deadline_at,
            answered=outcome.answered,
            reason=outcome.reason,
        )


@strawberry.type(description="One secretary's line of the monthly allowance sheet.")
class AttendanceRow:
    index: int
    secretary_id: strawberry.ID
    secretary_name: str
    township_id: strawberry.ID
    township_name: str
    village_id: strawberry.ID
    village_name: str
    dispatch_unit: str
    mode: StationMode
    stationed_days: int = strawberry.field(
        description="Confirmed days when the township confirmed the month, else derivedDays (resident: Mon–Fri "
        "days with work evidence in the village or declared official business; liaison: on-site days)."
    )
    rate_yuan_per_day: int = strawberry.field(description="0 for liaison secretaries (no stationing allowance).")
    allowance_yuan: int
    outside_check_ins: int = strawberry.field(description="Flagged check-ins (outside, or no village centre).")
    note: str
    expected_days: int = strawberry.field(
        description="What the month asks so far: resident, Mon–Fri days in the term before today; "
        "liaison, 1 once the month is over (one visit a month)."
    )
    few_days: bool = strawberry.field(
        description="Far below expectedDays (resident: under half; liaison: no visit) — information for "
        "leaders, never a deduction."
    )
    derived_days: int = strawberry.field(description="What the rule gives today (work evidence, declarations).")
    confirmed: bool = strawberry.field(description="The township confirmed the month: the numbers are frozen.")
    confirmation_source: ConfirmationSource | None
    status_label: str = strawberry.field(description="镇街已确认 / 待镇街确认 / 按原签到规则结转")
    confirmed_at: datetime | None
    correction_note: str
    review_days: int = strawberry.field(description="待核实: days with positions only outside the geofence.")
    leave_days: int
    pending_leave_days: int
    declared_days: int = strawberry.field(description="Counted days shown only by a declaration of official business.")

    @classmethod
    def from_row(cls, row: AllowanceRow) -> AttendanceRow:
        return cls(
            index=row.index,
            secretary_id=strawberry.ID(str(row.secretary_id)),
            secretary_name=row.secretary_name,
            township_id=strawberry.ID(str(row.township_id)),
            township_name=row.township_name,
            village_id=strawberry.ID(str(row.village_id)),
            village_name=row.village_name,
            dispatch_unit=row.dispatch_unit,
            mode=row.mode,
            stationed_days=row.stationed_days,
            rate_yuan_per_day=row.rate_yuan_per_day,
            allowance_yuan=row.allowance_yuan,
            outside_check_ins=row.outside_checkins,
            note=row.note,
            expected_days=row.expected_days,
            few_days=row.few_days,
            derived_days=row.derived_days,
            confirmed=row.confirmed,
            confirmation_source=row.confirmation_source,
            status_label=row.status_label,
            confirmed_at=row.confirmed_at,
            correction_note=row.correction_note,
            review_days=row.review_days,
            leave_days=row.leave_days,
            pending_leave_days=row.pending_leave_days,
            declared_days=row.declared_days,
        )


@strawberry.type(description="驻村考勤及补贴表: the monthly sheet, as rows for the screen.")
class AttendanceSummary:
    month: str
    title: str
    rule: str = strawberry.field(description="The counting rule, as printed on the sheet.")
    rate_yuan_per_day: int
    geofence_radius_m: int
    rows: list[AttendanceRow]
    total_stationed_days: int = strawberry.field(description="Resident secretaries only.")
    total_allowance_yuan: int
    total_outside_check_ins: int
    confirmed_count: int = strawberry.field(description="Rows the township has confirmed.")
    download_path: str = strawberry.field(description="GET with the bearer token for the .xlsx.")

    @classmethod
    def from_sheet(cls, sheet: AllowanceSheet, township_id: int | None) -> AttendanceSummary:
        path = f"/exports/attendance.xlsx?month={sheet.month.key}"
        if township_id is not None:
            path += f"&townshipId={township_id}"
        return cls(
            month=sheet.month.key,
            title=sheet.title,
            rule=sheet.rule,
            rate_yuan_per_day=sheet.rate_yuan_per_day,
            geofence_radius_m=sheet.geofence_radius_m,
            rows=[AttendanceRow.from_row(r) for r in sheet.rows],
            total_stationed_days=sheet.total_days,
            total_allowance_yuan=sheet.total_allowance_yuan,
            total_outside_check_ins=sheet.total_outside_checkins,
            confirmed_count=sum(1 for r in sheet.rows if r.confirmed),
            download_path=path,
        )


DeclarationReason = _DeclarationReason
strawberry.enum(
    DeclarationReason,
    name="DeclarationReason",
    description="申报事由：镇街会议 / 培训 / 公务外出（计驻村）/ 请假（不计）",
)
DeclarationStatus = _DeclarationStatus
strawberry.enum(DeclarationStatus, name="DeclarationStatus", description="已申报 / 待镇街审批 / 已批准 / 未批准")
StationedDayState = _DayState
strawberry.enum(
    StationedDayState,
    name="StationedDayState",
    description="驻村 / 待核实 / 请假（已批准）/ 请假待批 / 无记录 / 非工作日",
)
ConfirmationSource = _ConfirmationSource
strawberry.enum(ConfirmationSource, name="ConfirmationSource", description="镇街确认 / 按原签到规则结转")


@strawberry.type(description="申报: a workday the secretary declared (official business counts; leave never does).")
class DayDeclaration:
    id: strawberry.ID
    day: date
    reason: DeclarationReason
    reason_label: str
    note: str
    status: DeclarationStatus
    status_label: str
    decision_note: str | None
    decided_at: datetime | None
    secretary_name: str | None = strawberry.field(default=None, description="On the township's list only.")
    secretary_id: strawberry.ID | None = None

    @classmethod
    def from_model(cls, d: DayDeclarationModel, secretary: SecretaryProfile | None = None) -> DayDeclaration:
        return cls(
            id=strawberry.ID(str(d.id)),
            day=d.day,
            reason=d.reason,
            reason_label=DECLARATION_REASON_LABELS[d.reason],
            note=d.note,
            status=d.status,
            status_label=DECLARATION_STATUS_LABELS[d.status],
            decision_note=d.decision_note,
            decided_at=d.decided_at,
            secretary_name=secretary.name if secretary is not None else None,
            secretary_id=strawberry.ID(str(secretary.id)) if secretary is not None else None,
        )


@strawberry.type(description="One day of a secretary's month: its state and what shows it.")
class AttendanceDay:
    day: date
    weekday: int = strawberry.field(description="1 = Monday … 7 = Sunday.")
    workday: bool = strawberry.field(description="Monday–Friday within the term.")
    state: StationedDayState
    state_label: str
    counted: bool
    sources: list[str] = strawberry.field(description="What shows the day (Chinese), e.g. 走访农户, 签到（村外）.")
    declaration: DayDeclaration | None

    @classmethod
    def from_view(cls, v: DayView) -> AttendanceDay:
        return cls(
            day=v.day,
            weekday=v.day.isoweekday(),
            workday=v.workday,
            state=v.state,
            state_label=v.state_label,
            counted=v.counted,
            sources=v.sources,
            declaration=DayDeclaration.from_model(v.declaration) if v.declaration is not None else None,
        )


@strawberry.type(description="Counted days shown by one kind of evidence.")
class SourceCount:
    source: str
    label: str
    days: int


@strawberry.type(description="我的考勤: a secretary's month, day by day, and its confirmation.")
class AttendanceMonth:
    month: str
    label: str
    secretary_id: strawberry.ID
    secretary_name: str
    village_name: str
    mode: StationMode
    days: list[AttendanceDay]
    derived_days: int = strawberry.field(description="What the rule gives today.")
    stationed_days: int = strawberry.field(description="The confirmed days when confirmed, else derivedDays.")
    confirmed: bool
    confirmation_source: ConfirmationSource | None
    status_label: str = strawberry.field(description="镇街已确认 / 待镇街确认 / 按原签到规则结转")
    confirmed_at: datetime | None
    correction_note: str
    rate_yuan_per_day: int
    allowance_yuan: int
    review_days: int = strawberry.field(description="待核实: positions only outside the geofence (not counted).")
    leave_days: int
    pending_leave_days: int
    by_source: list[SourceCount]

    @classmethod
    def from_month(cls, m: MyMonth) -> AttendanceMonth:
        c = m.confirmation
        resident = m.profile.mode is StationModel.RESIDENT
        derived = m.counted.derived_days
        rate = c.rate_yuan_per_day if c is not None else (m.rate_yuan_per_day if resident else 0)
        days = c.stationed_days if c is not None else derived
        if c is None:
            status = "待镇街确认"
        elif c.source is _ConfirmationSource.CARRIED_OVER:
            status = "按原签到规则结转"
        else:
            status = "镇街已确认" + ("（已更正）" if c.note else "")
        counts = m.counted.by_source
        return cls(
            month=m.month.key,
            label=m.month.label,
            secretary_id=strawberry.ID(str(m.profile.id)),
            secretary_name=m.profile.name,
            village_name=m.village.name,
            mode=m.profile.mode,
            days=[AttendanceDay.from_view(d) for d in m.counted.days],
            derived_days=derived,
            stationed_days=days,
            confirmed=c is not None,
            confirmation_source=c.source if c is not None else None,
            status_label=status,
            confirmed_at=c.confirmed_at if c is not None else None,
            correction_note=c.note if c is not None else "",
            rate_yuan_per_day=rate,
            allowance_yuan=c.allowance_yuan if c is not None else days * rate,
            review_days=m.counted.count(_DayState.REVIEW),
            leave_days=m.counted.count(_DayState.LEAVE),
            pending_leave_days=m.counted.count(_DayState.LEAVE_PENDING),
            by_source=[
                SourceCount(source=s.value, label=SOURCE_LABELS[s], days=counts[s]) for s in Source if counts.get(s)
            ],
        )
