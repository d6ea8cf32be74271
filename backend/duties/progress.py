"""Progress on the eight duties (八个一) per secretary and per township, per DOMAIN.md section 2
with the county's thresholds. Set-based: a fixed number of queries for any number of secretaries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.duties.rules import diary_months
from backend.filings.models import Filing, FilingKind, FilingStatus
from backend.org.access import access_org_unit, access_secretary, require_role, require_secretary
from backend.org.county_settings import CountyRules, rules_for
from backend.org.models import Household, OrgKind, OrgUnit, Role, SecretaryProfile
from backend.org.secretaries import current_secretaries
from backend.problems.ledger import ledger_counts, resolution_cutoff
from backend.problems.models import ProblemStatus
from backend.service_card.models import ServiceCard

COUNTED = (FilingStatus.SUBMITTED, FilingStatus.APPROVED)  # returned and draft filings don't count
DUTIES = (  # (key, name) of the eight duties, in the order every DutyProgress lists them
    ("household_visits", "走访一遍全村农户"),
    ("work_diary", "记好一本工作日志"),
    ("service_card", "发放一张便民服务卡"),
    ("problem_ledger", "建立一本问题台账"),
    ("research_report", "形成一篇调研报告"),
    ("party_lecture", "讲好一堂主题党课"),
    ("tech_training", "开展一次农技培训"),
    ("startup_project", "领办一个创业项目"),
)
LABELS = dict(DUTIES)
PER_KIND = (  # the kinds counted per secretary and kind: households reached, or approved filings
    FilingKind.HOUSEHOLD_VISIT,
    FilingKind.SERVICE_CARD,
    FilingKind.RESEARCH_REPORT,
    FilingKind.PARTY_LECTURE,
    FilingKind.TECH_TRAINING,
    FilingKind.STARTUP_PROJECT,
)


@dataclass(frozen=True)
class DutyStatus:
    key: str
    label: str
    complete: bool
    numerator: int
    denominator: int
    percent: float | None
    detail: str

    @property
    def figure(self) -> str:
        """The short figure on a duty chip: "85.3%" for a share, "1/1" for a count, "" for neither."""
        if self.percent is not None:
            return f"{round(self.percent, 1):g}%"
        return f"{self.numerator}/{self.denominator}" if self.denominator else ""


@dataclass(frozen=True)
class DutyProgress:
    secretary: SecretaryProfile
    duties: list[DutyStatus]
    # Counted diary entries per calendar month (keyed by its first day), as the diary rule reads
    # them: the secretary's home shows this month's count against the rule ("本月工作日志 2/4").
    diary_entries: Mapping[date, int] = field(default_factory=dict)

    @property
    def completed_count(self) -> int:
        return sum(d.complete for d in self.duties)


@dataclass(frozen=True)
class TownshipProgress:
    township: OrgUnit
    secretaries: list[DutyProgress]
    village_names: Mapping[int, str] = field(default_factory=dict)  # the township's villages, by id

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
    (progress,) = await progress_for(session, [secretary], rules, today or date.today())
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
    villages = await session.execute(
        select(OrgUnit.id, OrgUnit.name).where(OrgUnit.township_id == township.id, OrgUnit.kind == OrgKind.VILLAGE)
    )
    village_names = dict(villages.tuples().all())
    chosen = await current_secretaries(session, list(village_names), today)
    secretaries = sorted(chosen.values(), key=lambda s: s.village_id)
    rules = await rules_for(session, township.county_id or township.id)
    return TownshipProgress(township, await progress_for(session, secretaries, rules, today), village_names)


@dataclass(frozen=True)
class CountyProgress:
    townships: list[tuple[int, str]]  # (id, name) of every township of the county, by code
    secretaries: list[DutyProgress]  # each village's current secretary
    village_township: Mapping[int, int] = field(default_factory=dict)  # village id → township id
    village_names: Mapping[int, str] = field(default_factory=dict)


async def county_progress(session: AsyncSession, actor: Actor | None, *, today: date | None = None) -> CountyProgress:
    """COUNTY: every township's secretaries with their progress — the same rules as
    `township_progress`, for the whole county in a fixed number of queries."""
    actor = require_role(actor, Role.COUNTY)
    today = today or date.today()
    units = await session.execute(
        select(OrgUnit.id, OrgUnit.kind, OrgUnit.name, OrgUnit.township_id)
        .where(OrgUnit.county_id == actor.county_id, OrgUnit.kind.in_((OrgKind.TOWNSHIP, OrgKind.VILLAGE)))
        .order_by(OrgUnit.code, OrgUnit.id)
    )
    townships: list[tuple[int, str]] = []
    village_township: dict[int, int] = {}
    village_names: dict[int, str] = {}
    for unit_id, kind, name, township_id in units.tuples():
        if OrgKind(kind) is OrgKind.TOWNSHIP:
            townships.append((unit_id, name))
        elif township_id is not None:
            village_township[unit_id] = township_id
            village_names[unit_id] = name
    chosen = await current_secretaries(session, list(village_township), today)
    secretaries = sorted(chosen.values(), key=lambda s: s.village_id)
    rules = await rules_for(session, actor.county_id)
    progress = await progress_for(session, secretaries, rules, today)
    return CountyProgress(townships, progress, village_township, village_names)


async def progress_for(
    session: AsyncSession, secretaries: Sequence[SecretaryProfile], rules: CountyRules, today: date
) -> list[DutyProgress]:
    if not secretaries:
        return []
    ids = [s.id for s in secretaries]
    villages = list({s.village_id for s in secretaries})
    roster, cards = await _rosters_and_cards(session, secretaries)
    counts = await _filing_counts(session, ids)
    diary_months = await _diary_counts_by_month(session, ids)
    ledgers = await _ledgers(session, villages, today, rules)
    return [
        DutyProgress(
            s,
            [
                _coverage(
                    "household_visits",
                    counts.households(s.id, FilingKind.HOUSEHOLD_VISIT),
                    roster.get(s.id, 0),
                    rules.household_visit_target_pct,
                    "户已走访",
                ),
                _diary(s, diary_months.get(s.id, {}), rules, today),
                _card(s.id in cards, counts.households(s.id, FilingKind.SERVICE_CARD), roster.get(s.id, 0), rules),
                _ledger(ledgers.get(s.village_id, _Ledger()), rules),
                _count(
                    "research_report",
                    counts.approved(s.id, FilingKind.RESEARCH_REPORT),
                    rules.research_reports_required,
                ),
                _count(
                    "party_lecture",
                    counts.approved(s.id, FilingKind.PARTY_LECTURE),
                    rules.party_lectures_required,
                ),
                _count(
                    "tech_training",
                    counts.approved(s.id, FilingKind.TECH_TRAINING),
                    rules.tech_trainings_required,
                ),
                _count(
                    "startup_project",
                    counts.approved(s.id, FilingKind.STARTUP_PROJECT),
                    rules.startup_projects_required,
                ),
            ],
            diary_months.get(s.id, {}),
        )
        for s in secretaries
    ]


def _percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def _coverage(key: str, done: int, roster: int, target_pct: int, unit: str) -> DutyStatus:
    pct = _percent(done, roster)
    complete = roster > 0 and done * 100 >= target_pct * roster
    return DutyStatus(key, LABELS[key], complete, done, roster, pct, f"{done}/{roster} {unit}")


def _card(generated: bool, distributed: int, roster: int, rules: CountyRules) -> DutyStatus:
    base = _coverage("service_card", distributed, roster, rules.card_coverage_target_pct, "户已发卡")
    detail = base.detail if generated else f"尚未生成服务卡；{base.detail}"
    return DutyStatus(
        base.key, base.label, generated and base.complete, base.numerator, base.denominator, base.percent, detail
    )


def _count(key: str, approved: int, required: int) -> DutyStatus:
    return DutyStatus(
        key, LABELS[key], approved >= required, approved, required, None, f"已通过审核 {approved} 项（要求 {required}）"
    )


def _diary(secretary: SecretaryProfile, per_month: dict[date, int], rules: CountyRules, today: date) -> DutyStatus:
    end = min(today, secretary.term_end + timedelta(days=1))
    diary = diary_months(secretary.term_start, end, per_month, rules.diary_entries_per_month)
    months, met = len(diary.months), diary.met
    detail = f"{met}/{months} 个完整月份达到每月 {diary.required} 篇" if months else "任期内尚无完整月份"
    return DutyStatus("work_diary", LABELS["work_diary"], diary.complete, met, months, _percent(met, months), detail)


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
        LABELS["problem_ledger"],
        ledger.total >= rules.problem_min_count,
        ledger.resolved_old,
        ledger.old,
        rate,
        detail,
    )


async def _rosters_and_cards(
    session: AsyncSession, secretaries: Sequence[SecretaryProfile]
) -> tuple[dict[int, int], set[int]]:
    """Per secretary, in one query: the village roster's size, and whether the service card exists."""
    ids = [s.id for s in secretaries]
    roster = select(func.count()).where(Household.village_id == SecretaryProfile.village_id).scalar_subquery()
    has_card = select(ServiceCard.secretary_id).where(ServiceCard.secretary_id == SecretaryProfile.id).exists()
    rows = (
        await session.execute(select(SecretaryProfile.id, roster, has_card).where(SecretaryProfile.id.in_(ids)))
    ).all()
    return {sid: int(size) for sid, size, _ in rows}, {sid for sid, _, card in rows if card}


class _FilingCounts:
    """Per secretary and kind: distinct households of the counted filings, and approved filings."""

    def __init__(self, rows: Sequence[tuple[int, FilingKind | str, int, int]]) -> None:
        self._counts = {(sid, FilingKind(kind)): (int(homes), int(approved)) for sid, kind, homes, approved in rows}

    def households(self, secretary_id: int, kind: FilingKind) -> int:
        return self._counts.get((secretary_id, kind), (0, 0))[0]

    def approved(self, secretary_id: int, kind: FilingKind) -> int:
        return self._counts.get((secretary_id, kind), (0, 0))[1]


async def _filing_counts(session: AsyncSession, ids: Sequence[int]) -> _FilingCounts:
    """One pass over the secretaries' filings of the per-kind duties (diaries are counted per month)."""
    counted_household = case((Filing.status.in_(COUNTED), Filing.household_id))
    rows = await session.execute(
        select(
            Filing.secretary_id,
            Filing.kind,
            func.count(func.distinct(counted_household)),
            func.count(case((Filing.status == FilingStatus.APPROVED, 1))),
        )
        .where(Filing.secretary_id.in_(ids), Filing.kind.in_(PER_KIND))
        .group_by(Filing.secretary_id, Filing.kind)
    )
    return _FilingCounts(rows.tuples().all())


async def _diary_counts_by_month(session: AsyncSession, ids: Sequence[int]) -> dict[int, dict[date, int]]:
    """Per secretary: counted diary entries per month (keyed by its first day), grouped by the database."""
    year, month = extract("year", Filing.occurred_on), extract("month", Filing.occurred_on)
    rows = await session.execute(
        select(Filing.secretary_id, year, month, func.count())
        .where(Filing.secretary_id.in_(ids), Filing.kind == FilingKind.WORK_DIARY, Filing.status.in_(COUNTED))
        .group_by(Filing.secretary_id, year, month)
    )
    result: dict[int, dict[date, int]] = defaultdict(dict)
    for secretary_id, y, m, count in rows.tuples():
        result[secretary_id][date(int(y), int(m), 1)] = count
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
