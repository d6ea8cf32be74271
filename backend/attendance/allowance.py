"""The monthly stationed-days and allowance sheet (驻村考勤及补贴表), DOMAIN.md section 3.

Counting rule (stated in the sheet's notes as well; the evidence is in `stationed.py`):

* Resident secretaries (脱产驻村): stationed days = the workdays of the month (Beijing time, Monday
  to Friday, within the term; statutory holidays and swapped workdays (调休) not adjusted for) on
  which the secretary's own work shows them in the village — a filing with its position inside the
  geofence, an inside check-in (optional), a roll-call verification — or which they declared as
  official business (镇街会议/培训/公务外出). Leave never counts. Check-in is one way among several,
  never required (国办函〔2026〕12号).
* The township confirms each month (`confirmations.py`): once confirmed, the frozen numbers (days,
  rate, allowance) are what the sheet shows; until then the derived count is shown, marked
  "待镇街确认". Months before migration 0012 are carried over frozen with the old check-in-only count.
* Liaison secretaries (非脱产联村) receive no stationing allowance: they are listed for
  information with their on-site days (distinct days, any day of the week, with inside work
  evidence), allowance 0, and a note when they made no visit in the month (they owe one a month).
* Days whose positions are only outside the geofence (or in a village without a centre point) are
  待核实: never counted, never a deduction by themselves; their number is in the note column.
* Days far below what the month asks (`few_days`) are pointed out to leaders as information —
  a resident secretary stationed on fewer than half of the month's workdays in the term so far, a
  liaison secretary with no visit in a month that is over — never as a deduction or a ranking.

The whole sheet takes a fixed number of SQL statements, however many secretaries it lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.attendance.common import Month, local_date
from backend.attendance.models import ConfirmationSource
from backend.attendance.stationed import (
    DayState,
    MonthCount,
    Scope,
    Source,
    count_month,
    load_confirmations,
    load_evidence,
)
from backend.auth.actor import Actor
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.org.access import access_org_unit, require_role
from backend.org.county_settings import rules_for
from backend.org.models import OrgKind, OrgUnit, Role, SecretaryProfile, StationMode

_SOURCE_LABELS = (
    (Source.FILING, "工作记录"),
    (Source.CHECK_IN, "签到"),
    (Source.ROLL_CALL, "点名核实"),
    (Source.DECLARED, "申报公务"),
)
MODE_LABELS = {StationMode.RESIDENT: "脱产驻村", StationMode.LIAISON: "非脱产联村"}
FEW_DAYS_SHARE = 0.5  # a resident stationed on fewer than this share of the workdays so far: "few days"


@dataclass(frozen=True)
class AllowanceRow:
    index: int
    secretary_id: int
    township_id: int
    township_name: str
    village_id: int
    village_name: str
    secretary_name: str
    dispatch_unit: str
    mode: StationMode
    stationed_days: int
    rate_yuan_per_day: int
    allowance_yuan: int
    outside_checkins: int
    note: str
    # Resident: Monday–Friday days of the month inside the term, before today. Liaison: 1 once a
    # month of the term is over (one visit a month is owed), else 0.
    expected_days: int = 0
    derived_days: int = 0  # what the rule gives today
    confirmed: bool = False
    confirmation_source: ConfirmationSource | None = None
    confirmed_at: datetime | None = None
    correction_note: str = ""
    review_days: int = 0  # 待核实: positions only outside the geofence
    leave_days: int = 0  # approved leave
    pending_leave_days: int = 0
    declared_days: int = 0  # counted by a declaration of official business

    @property
    def status_label(self) -> str:
        match self.confirmation_source:
            case ConfirmationSource.TOWNSHIP:
                return "镇街已确认" + ("（已更正）" if self.correction_note else "")
            case ConfirmationSource.CARRIED_OVER:
                return "按原签到规则结转"
        return "待镇街确认"

    @property
    def mode_label(self) -> str:
        return MODE_LABELS[self.mode]

    @property
    def few_days(self) -> bool:
        """Far below what the month asks so far (information for leaders, never a deduction)."""
        if self.mode is StationMode.RESIDENT:
            return self.stationed_days < self.expected_days * FEW_DAYS_SHARE
        return self.stationed_days < self.expected_days


@dataclass(frozen=True)
class AllowanceSheet:
    month: Month
    county_name: str
    township_name: str | None
    rate_yuan_per_day: int
    geofence_radius_m: int
    rows: list[AllowanceRow] = field(default_factory=list)

    @property
    def scope_name(self) -> str:
        return self.county_name + (self.township_name or "")

    @property
    def title(self) -> str:
        return f"{self.scope_name}{self.month.label}第一书记驻村考勤及补贴表"

    @property
    def total_days(self) -> int:
        return sum(r.stationed_days for r in self.rows if r.mode is StationMode.RESIDENT)

    @property
    def total_allowance_yuan(self) -> int:
        return sum(r.allowance_yuan for r in self.rows)

    @property
    def total_outside_checkins(self) -> int:
        return sum(r.outside_checkins for r in self.rows)

    @property
    def rule(self) -> str:
        return (
            "驻村天数：本月（北京时间）周一至周五、任期内，本人工作记录显示在村的工作日数——在村驻地范围内"
            f"（距村中心 {self.geofence_radius_m} 米以内）定位的走访、会议等工作记录，在村签到（可选，不强制），"
            "点名电话/视频核实，或申报的镇街会议、培训、公务外出；同一天只计一天，请假不计，周六、周日不计，"
            "法定节假日及调休未作调整。"
            f"补贴金额 = 驻村天数 × 补贴标准（{self.rate_yuan_per_day} 元/天）；镇街确认后以确认数为准，"
            "未确认的月份显示按规则计算的天数并标注“待镇街确认”。"
            "非脱产联村书记不发驻村补贴，所列天数为本月到村天数（含周末），仅供参考。"
            "仅有村外定位的日期列为“待核实”，不计天数、不自动扣减。"
        )


def expected_days(profile: SecretaryProfile, month: Month, today: date) -> int:
    """What the month asks of a secretary so far (see `AllowanceRow.expected_days`)."""
    first = max(month.first_day, profile.term_start)
    last = min(month.last_day, profile.term_end, today - timedelta(days=1))
    if profile.mode is StationMode.LIAISON:
        return 1 if first <= last and today > month.last_day else 0
    return sum(1 for n in range((last - first).days + 1) if (first + timedelta(days=n)).weekday() < 5)


async def allowance_sheet(
    session: AsyncSession,
    actor: Actor | None,
    *,
    month: Month,
    township_id: int | None = None,
    today: date | None = None,
) -> AllowanceSheet:
    """County: the whole county or one township; township: its own villages only. `today`
    (Beijing time by default) bounds what the month asks so far (`expected_days`)."""
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    if actor.role is Role.TOWNSHIP:
        township_id = township_id or actor.township_id
    township: OrgUnit | None = None
    if township_id is not None:
        township = await access_org_unit(session, actor, township_id)
        if township.kind is not OrgKind.TOWNSHIP:
            raise NotFound("该组织不是镇/街道")
    county = await session.get(OrgUnit, actor.county_id)
    assert county is not None
    rules = await rules_for(session, actor.county_id)

    village = aliased(OrgUnit)
    town = aliased(OrgUnit)
    secretaries = select(SecretaryProfile, village, town).join(village, village.id == SecretaryProfile.village_id)
    secretaries = secretaries.join(town, town.id == village.township_id).where(
        SecretaryProfile.county_id == actor.county_id,
        SecretaryProfile.term_start <= month.last_day,
        SecretaryProfile.term_end >= month.first_day,
    )
    if township is not None:
        secretaries = secretaries.where(village.township_id == township.id)
    secretaries = secretaries.order_by(town.code, village.code, SecretaryProfile.term_start, SecretaryProfile.id)
    today = today or local_date(utcnow())
    listed = (await session.execute(secretaries)).tuples().all()
    scope = Scope(county_id=actor.county_id, township_id=township.id if township is not None else None)
    villages = {profile.id: village_unit for profile, village_unit, _ in listed}
    evidence = await load_evidence(session, scope, month, villages, rules.geofence_radius_m)
    confirmations = await load_confirmations(session, scope, month)

    rows: list[AllowanceRow] = []
    for profile, village_unit, town_unit in listed:
        ev = evidence.get(profile.id)
        counted = count_month(profile, month, ev)
        outside = ev.outside_checkins if ev is not None else 0
        rate = rules.allowance_yuan_per_day if profile.mode is StationMode.RESIDENT else 0
        confirmation = confirmations.get(profile.id)
        derived = counted.derived_days
        if confirmation is not None:
            days, rate, allowance = (
                confirmation.stationed_days,
                confirmation.rate_yuan_per_day,
                confirmation.allowance_yuan,
            )
        else:
            days, allowance = derived, derived * rate
        rows.append(
            AllowanceRow(
                index=len(rows) + 1,
                secretary_id=profile.id,
                township_id=town_unit.id,
                township_name=town_unit.name,
                village_id=village_unit.id,
                village_name=village_unit.name,
                secretary_name=profile.name,
                dispatch_unit=profile.dispatch_unit,
                mode=profile.mode,
                stationed_days=days,
                rate_yuan_per_day=rate,
                allowance_yuan=allowance,
                outside_checkins=outside,
                note=_note(
                    profile.mode,
                    counted,
                    outside,
                    confirmation is not None,
                    days,
                    confirmation.derived_days if confirmation is not None else derived,
                    confirmation.note if confirmation is not None else "",
                    confirmation.source if confirmation is not None else None,
                ),
                expected_days=expected_days(profile, month, today),
                derived_days=derived,
                confirmed=confirmation is not None,
                confirmation_source=confirmation.source if confirmation is not None else None,
                confirmed_at=confirmation.confirmed_at if confirmation is not None else None,
                correction_note=confirmation.note if confirmation is not None else "",
                review_days=counted.count(DayState.REVIEW),
                leave_days=counted.count(DayState.LEAVE),
                pending_leave_days=counted.count(DayState.LEAVE_PENDING),
                declared_days=_declared_days(counted),
            )
        )
    return AllowanceSheet(
        month=month,
        county_name=county.name,
        township_name=township.name if township is not None else None,
        rate_yuan_per_day=rules.allowance_yuan_per_day,
        geofence_radius_m=rules.geofence_radius_m,
        rows=rows,
    )


def _declared_days(counted: MonthCount) -> int:
    """Counted days shown by nothing but a declaration of official business."""
    return sum(
        1 for d in counted.days if d.counted and all(e.source is Source.DECLARED for e in d.evidence if e.inside)
    )


def _note(
    mode: StationMode,
    counted: MonthCount,
    outside: int,
    confirmed: bool,
    days: int,
    derived: int,
    correction: str,
    source: ConfirmationSource | None,
) -> str:
    notes = []
    if source is ConfirmationSource.CARRIED_OVER:
        notes.append("按原签到规则结转（已冻结）")
    elif confirmed:
        notes.append("镇街已确认" + (f"，由 {derived} 天更正为 {days} 天：{correction}" if correction else ""))
    else:
        notes.append("待镇街确认")
    if mode is StationMode.LIAISON:
        notes.append("非脱产联村，不计驻村补贴" if days else "本月无到村记录（联村书记每月应至少到村一次）")
    if not confirmed and mode is StationMode.RESIDENT:
        sources = counted.by_source
        parts = [f"{label} {sources[key]} 天" for key, label in _SOURCE_LABELS if sources.get(key)]
        if parts:
            notes.append("依据：" + "、".join(parts))
    review = counted.count(DayState.REVIEW)
    if review:
        notes.append(f"待核实 {review} 天（仅有村外定位，不计天数）")
    if outside:
        notes.append(f"村外签到 {outside} 次（已标记，不计天数）")
    leave = counted.count(DayState.LEAVE)
    if leave:
        notes.append(f"请假 {leave} 天")
    pending = counted.count(DayState.LEAVE_PENDING)
    if pending:
        notes.append(f"请假待批 {pending} 天")
    return "；".join(notes)
