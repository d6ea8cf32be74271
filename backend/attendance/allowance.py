"""The monthly stationed-days and allowance sheet (驻村考勤及补贴表), DOMAIN.md section 3.

Counting rule (stated in the sheet's notes as well):

* Resident secretaries (脱产驻村): stationed days = the number of distinct calendar days of the
  month, Beijing time, Monday to Friday, with at least one check-in inside the village geofence.
  Several check-ins on one day count once; Saturdays and Sundays do not count; statutory holidays
  and swapped workdays (调休) are not adjusted for. Only days within the secretary's term count.
  Allowance = stationed days × the county's allowance_yuan_per_day.
* Liaison secretaries (非脱产联村) receive no stationing allowance: they are listed for
  information with their on-site days (distinct days, any day of the week, with an inside
  check-in), allowance 0, and a note when they made no visit in the month (they owe one a month).
* Check-ins outside the geofence, or in a village without a centre point, never count; their
  number is shown in the note column so that leaders can follow them up.
* Days far below what the month asks (`few_days`) are pointed out to leaders as information —
  a resident secretary stationed on fewer than half of the month's workdays in the term so far, a
  liaison secretary with no visit in a month that is over — never as a deduction or a ranking.

The whole sheet takes a fixed number of SQL statements, however many secretaries it lists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.attendance.common import Month, local_date
from backend.attendance.models import CheckIn
from backend.auth.actor import Actor
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.org.access import access_org_unit, require_role
from backend.org.county_settings import rules_for
from backend.org.models import OrgKind, OrgUnit, Role, SecretaryProfile, StationMode

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
            f"驻村天数：本月（北京时间）周一至周五、至少有一次在村驻地范围内（距村中心 {self.geofence_radius_m} 米以内）"
            "签到的不同日期数，同一天多次签到只计一天，周六、周日不计，法定节假日及调休未作调整，只计任期内的日期。"
            f"补贴金额 = 驻村天数 × 补贴标准（{self.rate_yuan_per_day} 元/天）。"
            "非脱产联村书记不发驻村补贴，所列天数为本月到村天数（含周末），仅供参考。"
            "村外签到（超出范围或村中心点未设置）已记录并标记，不计入天数，次数见备注。"
        )


def _local_day(session: AsyncSession) -> ColumnElement[Any]:
    """The Beijing-time calendar date of a check-in, computed in SQL (a date on PostgreSQL, ISO
    text on SQLite: `_as_date` reads either)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("Asia/Shanghai", CheckIn.at), Date)
    return func.date(CheckIn.at, "+8 hours")  # SQLite stores UTC text


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


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
    today = today or local_date(utcnow())
    start, end = month.utc_bounds()
    day = _local_day(session)
    days = (
        select(
            CheckIn.secretary_id,
            day.label("day"),
            func.sum(case((CheckIn.inside_geofence, 1), else_=0)).label("inside"),
            func.sum(case((CheckIn.inside_geofence, 0), else_=1)).label("outside"),
        )
        .where(CheckIn.county_id == actor.county_id, CheckIn.at >= start, CheckIn.at < end)
        .group_by(CheckIn.secretary_id, day)
    )
    if township is not None:
        secretaries = secretaries.where(village.township_id == township.id)
        days = days.where(CheckIn.township_id == township.id)
    secretaries = secretaries.order_by(town.code, village.code, SecretaryProfile.term_start, SecretaryProfile.id)

    inside_days: dict[int, set[date]] = defaultdict(set)
    outside: dict[int, int] = defaultdict(int)
    for secretary_id, raw_day, inside_count, outside_count in (await session.execute(days)).tuples():
        if inside_count:
            inside_days[secretary_id].add(_as_date(raw_day))
        outside[secretary_id] += int(outside_count or 0)

    rows: list[AllowanceRow] = []
    for profile, village_unit, town_unit in (await session.execute(secretaries)).tuples():
        in_term = {d for d in inside_days.get(profile.id, ()) if profile.term_start <= d <= profile.term_end}
        notes = []
        if profile.mode is StationMode.RESIDENT:
            counted = sum(1 for d in in_term if d.weekday() < 5)
            rate = rules.allowance_yuan_per_day
        else:
            counted = len(in_term)
            rate = 0
            notes.append("非脱产联村，不计驻村补贴" if counted else "本月无到村签到（联村书记每月应至少到村一次）")
        if outside[profile.id]:
            notes.append(f"村外签到 {outside[profile.id]} 次（已标记，不计天数）")
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
                stationed_days=counted,
                rate_yuan_per_day=rate,
                allowance_yuan=counted * rate,
                outside_checkins=outside[profile.id],
                note="；".join(notes),
                expected_days=expected_days(profile, month, today),
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
