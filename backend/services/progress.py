"""Progress on the eight duties (八个一) per secretary and per township, per DOMAIN.md section 2
with the county's thresholds. Set-based: a fixed number of queries for any number of secretaries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.errors import InvalidInput
from backend.models import (
    Filing,
    FilingKind,
    FilingStatus,
    Household,
    OrgKind,
    OrgUnit,
    ProblemStatus,
    Role,
    SecretaryProfile,
    ServiceCard,
)
from backend.services.access import access_org_unit, access_secretary, require_role, require_secretary
from backend.services.county_settings import CountyRules, rules_for
from backend.services.problems import ledger_counts, resolution_cutoff
from backend.services.secretaries import current_secretaries

COUNTED = (FilingStatus.SUBMITTED, FilingStatus.APPROVED)  # returned and draft filings don't count


@dataclass(frozen=True)
class DutyStatus:
    key: str
    label: str
    complete: bool
    numerator: int
    denominator: int
    percent: float | None
    detail: str


@dataclass(frozen=True)
class DutyProgress:
    secretary: SecretaryProfile
    duties: list[DutyStatus]

    @property
    def completed_count(self) -> int:
        return sum(d.complete for d in self.duties)


@dataclass(frozen=True)
class TownshipProgress:
    township: OrgUnit
    secretaries: list[DutyProgress]

    @property
    def completed_share(self) -> float:
        total = sum(len(p.duties) for p in self.secretaries)
        return round(sum(p.completed_count for p in self.secretaries) / total, 4) if total else 0.0


async def duty_progress(
    session: AsyncSession, actor: Actor | None, secretary_id: int | None, *, today: date | None = None
) -> DutyProgress:
    if secretary_id is None:
        secretary = await require_secretary(session, actor)
    else:
        secretary = await access_secretary(session, actor, secretary_id)
    rules = await rules_for(session, secretary.county_id)
    (progress,) = await _progress_for(session, [secretary], rules, today or date.today())
    return progress


async def township_progress(
    session: AsyncSession, actor: Actor | None, township_id: int | None, *, today: date | None = None
) -> TownshipProgress:
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    target = township_id if township_id is not None else actor.township_id
    if target is None:
        raise InvalidInput("请选择乡镇", field="townshipId")
    township = await access_org_unit(session, actor, target)
    if township.kind is not OrgKind.TOWNSHIP:
        raise InvalidInput("该组织不是乡镇", field="townshipId")
    today = today or date.today()
    village_ids = list(
        await session.scalars(
            select(OrgUnit.id).where(OrgUnit.township_id == township.id, OrgUnit.kind == OrgKind.VILLAGE)
        )
    )
    chosen = await current_secretaries(session, village_ids, today)
    secretaries = sorted(chosen.values(), key=lambda s: s.village_id)
    rules = await rules_for(session, township.county_id or township.id)
    return TownshipProgress(township, await _progress_for(session, secretaries, rules, today))


async def _progress_for(
    session: AsyncSession, secretaries: Sequence[SecretaryProfile], rules: CountyRules, today: date
) -> list[DutyProgress]:
    if not secretaries:
        return []
    ids = [s.id for s in secretaries]
    villages = list({s.village_id for s in secretaries})
    roster = await _roster_sizes(session, villages)
    visited = await _distinct_households(session, ids, FilingKind.HOUSEHOLD_VISIT)
    carded = await _distinct_households(session, ids, FilingKind.SERVICE_CARD)
    cards = set(await session.scalars(select(ServiceCard.secretary_id).where(ServiceCard.secretary_id.in_(ids))))
    diary_days = await _diary_counts_by_day(session, ids)
    approved = await _approved_counts(session, ids)
    ledgers = await _ledgers(session, villages, today, rules)
    return [
        DutyProgress(
            s,
            [
                _coverage(
                    "household_visits",
                    "走访一遍全村农户",
                    visited.get(s.id, 0),
                    roster.get(s.village_id, 0),
                    rules.household_visit_target_pct,
                    "户已走访",
                ),
                _diary(s, diary_days.get(s.id, {}), rules, today),
                _card(s.id in cards, carded.get(s.id, 0), roster.get(s.village_id, 0), rules),
                _ledger(ledgers.get(s.village_id, _Ledger()), rules),
                _count(
                    "research_report",
                    "形成一篇调研报告",
                    approved[s.id][FilingKind.RESEARCH_REPORT],
                    rules.research_reports_required,
                ),
                _count(
                    "party_lecture",
                    "讲好一堂主题党课",
                    approved[s.id][FilingKind.PARTY_LECTURE],
                    rules.party_lectures_required,
                ),
                _count(
                    "tech_training",
                    "开展一次农技培训",
                    approved[s.id][FilingKind.TECH_TRAINING],
                    rules.tech_trainings_required,
                ),
                _count(
                    "startup_project",
                    "领办一个创业项目",
                    approved[s.id][FilingKind.STARTUP_PROJECT],
                    rules.startup_projects_required,
                ),
            ],
        )
        for s in secretaries
    ]


def _percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def _coverage(key: str, label: str, done: int, roster: int, target_pct: int, unit: str) -> DutyStatus:
    pct = _percent(done, roster)
    complete = roster > 0 and done * 100 >= target_pct * roster
    return DutyStatus(key, label, complete, done, roster, pct, f"{done}/{roster} {unit}")


def _card(generated: bool, distributed: int, roster: int, rules: CountyRules) -> DutyStatus:
    base = _coverage(
        "service_card", "发放一张便民服务卡", distributed, roster, rules.card_coverage_target_pct, "户已发卡"
    )
    detail = base.detail if generated else f"尚未生成服务卡；{base.detail}"
    return DutyStatus(
        base.key, base.label, generated and base.complete, base.numerator, base.denominator, base.percent, detail
    )


def _count(key: str, label: str, approved: int, required: int) -> DutyStatus:
    return DutyStatus(
        key, label, approved >= required, approved, required, None, f"已通过审核 {approved} 项（要求 {required}）"
    )


def _full_months(start: date, today: date) -> list[tuple[int, int]]:
    """Calendar months wholly inside [start, today)."""
    months: list[tuple[int, int]] = []
    year, month = start.year, start.month
    if start.day != 1:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    while True:
        next_first = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        if next_first > today:
            return months
        months.append((year, month))
        year, month = next_first.year, next_first.month


def _diary(secretary: SecretaryProfile, by_day: dict[date, int], rules: CountyRules, today: date) -> DutyStatus:
    end = min(today, secretary.term_end + timedelta(days=1))
    months = _full_months(secretary.term_start, end)
    per_month: dict[tuple[int, int], int] = defaultdict(int)
    for day, count in by_day.items():
        per_month[(day.year, day.month)] += count
    met = sum(per_month[m] >= rules.diary_entries_per_month for m in months)
    detail = (
        f"{met}/{len(months)} 个完整月份达到每月 {rules.diary_entries_per_month} 篇" if months else "任期内尚无完整月份"
    )
    return DutyStatus(
        "work_diary", "记好一本工作日志", met == len(months), met, len(months), _percent(met, len(months)), detail
    )


@dataclass
class _Ledger:
    total: int = 0
    resolved_old: int = 0
    old: int = 0


def _ledger(ledger: _Ledger, rules: CountyRules) -> DutyStatus:
    rate = _percent(ledger.resolved_old, ledger.old)
    rate_text = f"{rate}%" if rate is not None else "—"
    detail = (
        f"台账 {ledger.total} 条；{rules.problem_resolution_age_days} 天以上问题解决率 {rate_text}"
        f"（{ledger.resolved_old}/{ledger.old}）"
    )
    return DutyStatus(
        "problem_ledger",
        "建立一本问题台账",
        ledger.total >= rules.problem_min_count,
        ledger.resolved_old,
        ledger.old,
        rate,
        detail,
    )


async def _roster_sizes(session: AsyncSession, village_ids: Sequence[int]) -> dict[int, int]:
    rows = await session.execute(
        select(Household.village_id, func.count())
        .where(Household.village_id.in_(village_ids))
        .group_by(Household.village_id)
    )
    return dict(rows.tuples().all())


async def _distinct_households(session: AsyncSession, ids: Sequence[int], kind: FilingKind) -> dict[int, int]:
    rows = await session.execute(
        select(Filing.secretary_id, func.count(func.distinct(Filing.household_id)))
        .where(Filing.secretary_id.in_(ids), Filing.kind == kind, Filing.status.in_(COUNTED))
        .group_by(Filing.secretary_id)
    )
    return dict(rows.tuples().all())


async def _diary_counts_by_day(session: AsyncSession, ids: Sequence[int]) -> dict[int, dict[date, int]]:
    rows = await session.execute(
        select(Filing.secretary_id, Filing.occurred_on, func.count())
        .where(Filing.secretary_id.in_(ids), Filing.kind == FilingKind.WORK_DIARY, Filing.status.in_(COUNTED))
        .group_by(Filing.secretary_id, Filing.occurred_on)
    )
    result: dict[int, dict[date, int]] = defaultdict(dict)
    for secretary_id, day, count in rows.tuples():
        result[secretary_id][day] = count
    return result


async def _approved_counts(session: AsyncSession, ids: Sequence[int]) -> dict[int, dict[FilingKind, int]]:
    rows = await session.execute(
        select(Filing.secretary_id, Filing.kind, func.count())
        .where(Filing.secretary_id.in_(ids), Filing.status == FilingStatus.APPROVED)
        .group_by(Filing.secretary_id, Filing.kind)
    )
    result: dict[int, dict[FilingKind, int]] = defaultdict(lambda: defaultdict(int))
    for secretary_id, kind, count in rows.tuples():
        result[secretary_id][kind] = count
    return result


async def _ledgers(
    session: AsyncSession, village_ids: Sequence[int], today: date, rules: CountyRules
) -> dict[int, _Ledger]:
    cutoff = resolution_cutoff(today, rules.problem_resolution_age_days)
    return {
        village_id: _Ledger(
            total=sum(count for count, _ in by_status.values()),
            old=sum(old for _, old in by_status.values()),
            resolved_old=by_status.get(ProblemStatus.RESOLVED, (0, 0))[1],
        )
        for village_id, by_status in (await ledger_counts(session, village_ids, cutoff)).items()
    }
