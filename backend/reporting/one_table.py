"""The one table (一张表): every secretary of the county for a period, in one row — identity, the
duty checklist (the county's 八个一 or its own list), stationed days and allowance, the poll, the assessment and the grade — built from what
the secretaries, townships and the county already filed. Nothing here is entered again: every value
comes from another domain's service, and `COLUMNS` says which (the provenance list). The same list
drives the .xlsx (`sheet.py`), the JSON API (`http.py`, docs/ONE_TABLE.md,
docs/one-table.schema.json) and the county's screen, so they cannot drift.

Access: the county only (reporting to the level above is the county's; a township sees its own
secretaries on the ranking, progress and attendance screens). Other roles are FORBIDDEN.

A fixed number of SQL statements, however many secretaries: the roster (one), the duties'
progress (`duties.progress.progress_for`, fixed), the polls (one), the live ranking (one,
`ranking.compute.fetch_live`) and the allowance sheet once per month counted
(`attendance.allowance.allowance_sheet`, fixed per month; at most twelve months).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.assessment.common import Period, parse_period
from backend.attendance.allowance import MODE_LABELS, allowance_sheet
from backend.attendance.common import Month, local_date, parse_month
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.core.orm import utcnow
from backend.duties.progress import progress_for
from backend.org.access import require_role
from backend.org.county_settings import rules_for
from backend.org.models import OrgUnit, Role, SecretaryProfile, StationMode
from backend.polls.models import Poll, PollStatus
from backend.polls.tally import percent_text
from backend.ranking.compute import fetch_live, to_row
from backend.ranking.models import Grade
from backend.ranking.rows import RankingRow
from backend.ranking.sql import Cut

VERSION = "2"  # 2: the checklist columns (duty_list … duties_incomplete) replace the eight duty_* columns
JsonValue = str | int | float | bool | None

GRADE_LABELS = {
    Grade.EXCELLENT.value: "优秀",
    Grade.GOOD.value: "良好",
    Grade.COMPETENT.value: "称职",
    Grade.BASIC_COMPETENT.value: "基本称职",
    Grade.INCOMPETENT.value: "不称职",
}
TIER_LABELS = {"none": "称职及以上", "basic_competent": "基本称职", "incompetent": "不称职"}


@dataclass(frozen=True, slots=True)
class Source:
    domain: str  # the backend package that holds the value
    service: str  # the service that computes it
    record: str  # what was filed (or recorded), and by whom — in plain Chinese


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the JSON field name (stable within a version)
    header: str  # the .xlsx header and the screen's label
    type: str  # JSON Schema type: "string" | "integer" | "number" | "boolean"
    nullable: bool
    source: Source
    labels: Mapping[Any, str] | None = None  # how the .xlsx words a coded value

    def cell(self, value: JsonValue) -> str | int | float | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return "是" if value else "否"
        if self.labels is not None:
            return self.labels.get(value, str(value))
        return value


_ORG = Source("org", "org.models.SecretaryProfile（第一书记名册）", "县里导入的第一书记名册")
_DUTIES = Source(
    "duties", "duties.progress.progress_for（履职清单进度）", "第一书记提交的工作记录，镇街审核；县定履职清单"
)
_ATTENDANCE = Source(
    "attendance",
    "attendance.allowance.allowance_sheet（驻村考勤及补贴表）",
    "第一书记的在村工作记录、申报和请假；镇街每月确认",
)
_POLLS = Source("polls", "polls（满意度测评计票）", "群众满意度测评的计票结果")
_RANKING = Source("ranking", "ranking.compute.fetch_live（排名定档）", "县里的考评打分和测评结果，按县定规则计算")
_ASSESSMENT = Source("assessment", "assessment（考评打分）", "县里按考评细则的打分")

COLUMNS: tuple[Column, ...] = (
    Column("secretary_id", "书记编号", "integer", False, _ORG),
    Column("name", "第一书记", "string", False, _ORG),
    Column("township", "乡镇", "string", False, _ORG),
    Column("village", "村", "string", False, _ORG),
    Column("dispatch_unit", "派出单位", "string", False, _ORG),
    Column("mode", "驻村方式", "string", False, _ORG, {m.value: label for m, label in MODE_LABELS.items()}),
    # The county's own checklist (八个一, 十个一 …) names its items: fixed columns cannot, so the row
    # says which list the term uses, how many of its items are done, and which are not.
    Column("duty_list", "履职清单", "string", False, _DUTIES),
    Column("duties_completed", "履职清单完成项数", "integer", False, _DUTIES),
    Column("duties_total", "履职清单项数", "integer", False, _DUTIES),
    Column("duties_incomplete", "未完成项", "string", False, _DUTIES),
    Column("stationed_days", "驻村天数", "integer", False, _ATTENDANCE),
    Column("allowance_yuan", "驻村补贴(元)", "integer", False, _ATTENDANCE),
    Column("stationed_confirmed", "镇街已确认", "boolean", False, _ATTENDANCE),
    Column("poll_ballots", "测评票数", "integer", True, _POLLS),
    Column("poll_eligible", "应参评人数", "integer", True, _POLLS),
    Column("poll_valid", "测评有效", "boolean", True, _POLLS),
    Column("satisfaction_percent", "群众满意度(%)", "string", True, _POLLS),
    Column("poll_tier", "测评档次", "string", True, _POLLS, TIER_LABELS),
    Column("assessment_score", "考评得分", "number", True, _ASSESSMENT),
    Column("total_score", "综合得分", "number", True, _RANKING),
    Column("rank", "组内名次", "integer", True, _RANKING),
    Column("grade", "等次", "string", True, _RANKING, GRADE_LABELS),
    Column("note", "说明", "string", True, _RANKING),
)
KEYS = tuple(c.key for c in COLUMNS)
HEADERS = tuple(c.header for c in COLUMNS)


@dataclass(frozen=True)
class OneTable:
    county_name: str
    period: Period
    month: Month | None  # the stationed days' month; None = the months of the period so far
    months: list[Month]  # the months whose stationed days are summed
    generated_at: datetime
    rows: list[dict[str, JsonValue]]

    @property
    def title(self) -> str:
        return f"{self.county_name}{self.period.year}年度第一书记工作情况汇总表（一张表）"

    @property
    def days_label(self) -> str:
        if self.month is not None:
            return self.month.label
        if not self.months:
            return "本年度（尚无已开始的月份）"
        return f"{self.months[0].label}至{self.months[-1].label}"

    def as_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "county": self.county_name,
            "period": self.period.text,
            "month": self.month.key if self.month is not None else None,
            "stationed_months": [m.key for m in self.months],
            "generated_at": self.generated_at.isoformat(),
            "columns": columns_json(),
            "rows": self.rows,
        }


def columns_json() -> list[dict[str, Any]]:
    return [
        {
            "key": c.key,
            "header": c.header,
            "type": c.type,
            "nullable": c.nullable,
            "source": {"domain": c.source.domain, "service": c.source.service, "record": c.source.record},
        }
        for c in COLUMNS
    ]


def one_table_columns(actor: Actor | None) -> tuple[Column, ...]:
    """The provenance list, for the county (the only role that reports upward)."""
    require_role(actor, Role.COUNTY)
    return COLUMNS


def months_of(period: Period, month: str | None, today: date) -> tuple[Month | None, list[Month]]:
    """The month asked for (it must lie in the period), or every month of the period begun by today."""
    if month:
        chosen = parse_month(month)
        if chosen.year != period.year:
            raise InvalidInput("月份须在考评年度内", field="month")
        return chosen, [chosen]
    last = 12 if today.year > period.year else (today.month if today.year == period.year else 0)
    return None, [Month(period.year, n) for n in range(1, last + 1)]


async def one_table(
    session: AsyncSession,
    actor: Actor | None,
    period: str,
    *,
    month: str | None = None,
    today: date | None = None,
) -> OneTable:
    actor = require_role(actor, Role.COUNTY)
    parsed = parse_period(period)
    today = today or local_date(utcnow())
    chosen, months = months_of(parsed, month, today)
    county = await session.get(OrgUnit, actor.county_id)
    assert county is not None
    rules = await rules_for(session, actor.county_id)

    village = aliased(OrgUnit)
    town = aliased(OrgUnit)
    listed = (
        (
            await session.execute(
                select(SecretaryProfile, village.name, town.name)
                .join(village, village.id == SecretaryProfile.village_id)
                .join(town, town.id == village.township_id)
                .where(
                    SecretaryProfile.county_id == actor.county_id,
                    SecretaryProfile.term_start <= parsed.last_day,
                    SecretaryProfile.term_end >= parsed.start,
                )
                .order_by(town.code, village.code, SecretaryProfile.term_start, SecretaryProfile.id)
            )
        )
        .tuples()
        .all()
    )
    profiles = [p for p, _, _ in listed]
    progress = {p.secretary.id: p for p in await progress_for(session, profiles, rules, today)}
    polls = {
        p.secretary_id: p
        for p in (
            await session.scalars(select(Poll).where(Poll.county_id == actor.county_id, Poll.period == parsed.text))
        ).all()
    }
    ranking: dict[int, RankingRow] = {
        int(m["secretary_id"]): to_row(m, live=True)
        for m in await fetch_live(session, actor.county_id, parsed, rules, Cut())
    }
    days: dict[int, int] = {}
    allowance: dict[int, int] = {}
    unconfirmed: set[int] = set()
    for m in months:
        sheet = await allowance_sheet(session, actor, month=m, today=today)
        for r in sheet.rows:
            days[r.secretary_id] = days.get(r.secretary_id, 0) + r.stationed_days
            allowance[r.secretary_id] = allowance.get(r.secretary_id, 0) + r.allowance_yuan
            if not r.confirmed:
                unconfirmed.add(r.secretary_id)

    rows: list[dict[str, JsonValue]] = []
    for profile, village_name, township_name in listed:
        duties = progress[profile.id]
        poll = polls.get(profile.id)
        closed = poll is not None and poll.status is PollStatus.CLOSED
        result: Mapping[str, Any] = (poll.result or {}) if poll is not None and closed else {}
        ranked = ranking.get(profile.id)
        row: dict[str, JsonValue] = {
            "secretary_id": profile.id,
            "name": profile.name,
            "township": township_name,
            "village": village_name,
            "dispatch_unit": profile.dispatch_unit,
            "mode": StationMode(profile.mode).value,
            "duty_list": duties.checklist_name,
            "duties_completed": duties.completed_count,
            "duties_total": len(duties.duties),
            "duties_incomplete": "；".join(d.label for d in duties.duties if not d.complete),
            "stationed_days": days.get(profile.id, 0),
            "allowance_yuan": allowance.get(profile.id, 0),
            "stationed_confirmed": bool(months) and profile.id not in unconfirmed,
            "poll_ballots": _int(result.get("ballots")) if closed else None,
            "poll_eligible": _int(result.get("eligible")) if closed else None,
            "poll_valid": bool(poll.valid) if poll is not None and closed else None,
            "satisfaction_percent": _percent(poll) if closed else None,
            "poll_tier": poll.tier if poll is not None and closed else None,
            "assessment_score": _points(ranked.target_centi) if ranked is not None else None,
            "total_score": _points(ranked.total_centi) if ranked is not None else None,
            "rank": ranked.rank if ranked is not None else None,
            "grade": ranked.grade.value if ranked is not None and ranked.grade is not None else None,
            "note": ranked.reason if ranked is not None else None,
        }
        rows.append(row)
    return OneTable(county.name, parsed, chosen, months, datetime.now().astimezone(), rows)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _percent(poll: Poll | None) -> str | None:
    if poll is None or poll.satisfaction_num is None or not poll.satisfaction_den:
        return None
    return percent_text(poll.satisfaction_num, poll.satisfaction_den)


def _points(centi: int | None) -> float | None:
    return None if centi is None else centi / 100
