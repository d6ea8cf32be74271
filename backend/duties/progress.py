"""Progress on the county's duty checklist (履职清单, by default the eight duties 八个一) per
secretary and per township: each item counted by its completion rule (backend/duties/checklist/)
with the version the secretary's term uses. Set-based: the configuration (every version and move)
is read once, then a fixed number of queries count the filings for any number of secretaries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, case, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.duties.checklist import (
    Checklist,
    ChecklistConfiguration,
    ChecklistItem,
    ChecklistRule,
    load_configuration,
)
from backend.duties.rules import monthly_rule
from backend.filings.models import Filing, FilingKind, FilingStatus
from backend.org.access import access_org_unit, access_secretary, require_role, require_secretary
from backend.org.county_settings import CountyRules, rules_for
from backend.org.models import Household, OrgKind, OrgUnit, Role, SecretaryProfile
from backend.org.secretaries import current_secretaries
from backend.problems.ledger import ledger_counts, resolution_cutoff
from backend.problems.models import ProblemStatus
from backend.service_card.models import ServiceCard

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
    kinds: tuple[str, ...] = ()  # the item's evidence kinds
    rule: ChecklistRule = ChecklistRule.APPROVED_COUNT

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
    # Counted diary entries per calendar month (keyed by its first day), as the checklist's monthly
    # item counting work_diary reads them: the secretary's home shows this month's count against
    # its threshold ("本月工作日志 2/4"). Empty, and `diary_required` None, when no item does.
    diary_entries: Mapping[date, int] = field(default_factory=dict)
    checklist: Checklist | None = None  # the version the term uses now
    diary_required: int | None = None

    @property
    def completed_count(self) -> int:
        return sum(d.complete for d in self.duties)

    @property
    def checklist_name(self) -> str:
        return self.checklist.name if self.checklist else ""

    @property
    def checklist_version(self) -> int:
        return self.checklist.version if self.checklist else 1


@dataclass(frozen=True)
class TownshipProgress:
    township: OrgUnit
    secretaries: list[DutyProgress]
    village_names: Mapping[int, str] = field(default_factory=dict)  # the township's villages, by id

    @property
    def completed_share(self) -> float:
        total = sum(len(p.duties) for p in self.secretaries)
        return round(sum(p.completed_count for p in self.secretaries) / total, 4) if total else 0.0

    @property
    def columns(self) -> list[tuple[str, str]]:
        return duty_columns(self.secretaries)

    @property
    def checklist_names(self) -> list[str]:
        return list(dict.fromkeys(p.checklist_name for p in self.secretaries if p.checklist))


def duty_columns(progress: Sequence[DutyProgress]) -> list[tuple[str, str]]:
    """(key, label) of the union of the items of the checklists these secretaries use: the items
    of the newest version in its order, then older versions' items not in it."""
    checklists = {(p.checklist.county_id, p.checklist.version): p.checklist for p in progress if p.checklist}
    columns: dict[str, str] = {}
    for _, checklist in sorted(checklists.items(), key=lambda kv: -kv[0][1]):
        for item in checklist.items:
            columns.setdefault(item.key, item.label)
    for p in progress:  # progress made without a checklist (none in practice): its own items
        for d in p.duties:
            columns.setdefault(d.key, d.label)
    return list(columns.items())


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
    session: AsyncSession,
    secretaries: Sequence[SecretaryProfile],
    rules: CountyRules,
    today: date,
    config: ChecklistConfiguration | None = None,
) -> list[DutyProgress]:
    """Each secretary's progress on the checklist their term uses. `config` is read here (one
    query) unless the caller already has it."""
    if not secretaries:
        return []
    ids = [s.id for s in secretaries]
    if config is None:
        config = await load_configuration(session, {s.county_id for s in secretaries}, ids)
    current = {s.id: config.current(s, today) for s in secretaries}
    in_use = {(c.county_id, c.version): c for c in current.values()}
    items = [item for checklist in in_use.values() for item in checklist.items]
    monthly_kinds = {
        kind
        for county_id in {s.county_id for s in secretaries}
        for version in config.versions_of(county_id)
        for item in version.items
        if item.rule is ChecklistRule.MONTHLY_COUNT
        for kind in item.kinds
    }
    villages = list({s.village_id for s in secretaries})
    roster, cards = await _rosters_and_cards(session, secretaries)
    counts = await _filing_counts(session, ids, items)
    per_month = await _counts_by_month(session, ids, monthly_kinds)
    ledgers = await _ledgers(session, villages, today, rules)
    result = []
    for s in secretaries:
        checklist = current[s.id]
        months = per_month.get(s.id, {})
        duties = []
        for item in checklist.items:
            if item.rule is ChecklistRule.ROSTER_COVERAGE:
                done = counts.households(s.id, item.kinds)
                duties.append(_coverage(item, done, roster.get(s.id, 0), _coverage_unit(item.kinds)))
            elif item.rule is ChecklistRule.SERVICE_CARD:
                done = counts.households(s.id, item.kinds)
                duties.append(_card(item, s.id in cards, done, roster.get(s.id, 0)))
            elif item.rule is ChecklistRule.LEDGER:
                duties.append(_ledger(item, ledgers.get(s.village_id, _Ledger()), rules))
            elif item.rule is ChecklistRule.APPROVED_COUNT:
                duties.append(_count(item, counts.approved(s.id, item.kinds)))
            else:
                duties.append(_monthly(item, s, months, config, today))
        diary = checklist.diary_item
        result.append(
            DutyProgress(
                s,
                duties,
                _sum_months(months, diary.kinds) if diary else {},
                checklist,
                diary.threshold if diary else None,
            )
        )
    return result


def _percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def _status(
    item: ChecklistItem, complete: bool, numerator: int, denominator: int, percent: float | None, detail: str
) -> DutyStatus:
    return DutyStatus(item.key, item.label, complete, numerator, denominator, percent, detail, item.kinds, item.rule)


_UNITS: dict[tuple[str, ...], str] = {
    (FilingKind.HOUSEHOLD_VISIT.value,): "户已走访",
    (FilingKind.SERVICE_CARD.value,): "户已发卡",
    (FilingKind.PAIRING.value,): "户已结对",
    (FilingKind.PAIRING_VISIT.value,): "户已结对走访",
}


def _coverage_unit(kinds: tuple[str, ...]) -> str:
    return _UNITS.get(kinds, "户已覆盖")


def _coverage(item: ChecklistItem, done: int, roster: int, unit: str) -> DutyStatus:
    pct = _percent(done, roster)
    complete = roster > 0 and done * 100 >= item.threshold * roster
    return _status(item, complete, done, roster, pct, f"{done}/{roster} {unit}")


def _card(item: ChecklistItem, generated: bool, distributed: int, roster: int) -> DutyStatus:
    base = _coverage(item, distributed, roster, "户已发卡")
    detail = base.detail if generated else f"尚未生成服务卡；{base.detail}"
    return _status(item, generated and base.complete, base.numerator, base.denominator, base.percent, detail)


def _count(item: ChecklistItem, approved: int) -> DutyStatus:
    required = item.threshold
    return _status(item, approved >= required, approved, required, None, f"已通过审核 {approved} 项（要求 {required}）")


def _monthly(
    item: ChecklistItem,
    secretary: SecretaryProfile,
    per_month: Mapping[tuple[str, date], int],
    config: ChecklistConfiguration,
    today: date,
) -> DutyStatus:
    """Each full month of the term so far is judged by the version in effect at its start: with that
    version's threshold and kinds, or not at all when that version has no such monthly item."""

    def required_in(month: date) -> int | None:
        then = config.version_at(secretary, month).by_key.get(item.key)
        if then is None or then.rule is not ChecklistRule.MONTHLY_COUNT:
            return None
        return then.threshold

    def entries(month: date) -> int:
        then = config.version_at(secretary, month).by_key.get(item.key) or item
        return sum(per_month.get((kind, month), 0) for kind in then.kinds)

    end = min(today, secretary.term_end + timedelta(days=1))
    counted = {m: entries(m) for m in _months_with_entries(per_month)}
    rule = monthly_rule(secretary.term_start, end, counted, required_in, item.threshold)
    months, met = len(rule.months), rule.met
    detail = f"{met}/{months} 个完整月份达到每月 {rule.required} {item.unit}" if months else "任期内尚无完整月份"
    return _status(item, rule.complete, met, months, _percent(met, months), detail)


def _months_with_entries(per_month: Mapping[tuple[str, date], int]) -> set[date]:
    return {month for _, month in per_month}


def _sum_months(per_month: Mapping[tuple[str, date], int], kinds: tuple[str, ...]) -> dict[date, int]:
    result: dict[date, int] = defaultdict(int)
    for (kind, month), count in per_month.items():
        if kind in kinds:
            result[month] += count
    return dict(result)


@dataclass
class _Ledger:
    total: int = 0
    resolved_old: int = 0
    old: int = 0


def _ledger(item: ChecklistItem, ledger: _Ledger, rules: CountyRules) -> DutyStatus:
    rate = _percent(ledger.resolved_old, ledger.old)
    rate_text = f"{rate}%" if rate is not None else "—"
    detail = (
        f"台账 {ledger.total} 条；{rules.problem_resolution_age_days} 天以上问题解决率 {rate_text}"
        f"（{ledger.resolved_old}/{ledger.old}）"
    )
    return _status(item, ledger.total >= item.threshold, ledger.resolved_old, ledger.old, rate, detail)


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
    """Per secretary and set of kinds (an item's evidence): distinct households of the counted
    filings, and approved filings."""

    def __init__(
        self, households: dict[tuple[int, tuple[str, ...]], int], approved: dict[tuple[int, tuple[str, ...]], int]
    ):
        self._households = households
        self._approved = approved

    def households(self, secretary_id: int, kinds: tuple[str, ...]) -> int:
        return self._households.get((secretary_id, tuple(sorted(kinds))), 0)

    def approved(self, secretary_id: int, kinds: tuple[str, ...]) -> int:
        return self._approved.get((secretary_id, tuple(sorted(kinds))), 0)


def _kinds_in(kinds: tuple[str, ...]) -> ColumnElement[bool]:
    members = [FilingKind(k) for k in kinds]
    return Filing.kind == members[0] if len(members) == 1 else Filing.kind.in_(members)


async def _filing_counts(session: AsyncSession, ids: Sequence[int], items: Sequence[ChecklistItem]) -> _FilingCounts:
    """One pass over the secretaries' filings of the kinds the items count by household (roster
    coverage, the card) or by approval; one column per distinct set of kinds."""
    household_sets = sorted(
        {tuple(sorted(i.kinds)) for i in items if i.rule in (ChecklistRule.ROSTER_COVERAGE, ChecklistRule.SERVICE_CARD)}
    )
    approved_sets = sorted({tuple(sorted(i.kinds)) for i in items if i.rule is ChecklistRule.APPROVED_COUNT})
    kinds = sorted({FilingKind(k) for kinds in (*household_sets, *approved_sets) for k in kinds})
    if not kinds:
        return _FilingCounts({}, {})
    columns = [
        func.count(func.distinct(case((and_(Filing.status.in_(COUNTED), _kinds_in(s)), Filing.household_id))))
        for s in household_sets
    ] + [func.count(case((and_(Filing.status == FilingStatus.APPROVED, _kinds_in(s)), 1))) for s in approved_sets]
    rows = await session.execute(
        select(Filing.secretary_id, *columns)
        .where(Filing.secretary_id.in_(ids), Filing.kind.in_(kinds))
        .group_by(Filing.secretary_id)
    )
    households: dict[tuple[int, tuple[str, ...]], int] = {}
    approved: dict[tuple[int, tuple[str, ...]], int] = {}
    for secretary_id, *values in rows.tuples():
        for s, value in zip(household_sets, values[: len(household_sets)], strict=True):
            households[(secretary_id, s)] = int(value)
        for s, value in zip(approved_sets, values[len(household_sets) :], strict=True):
            approved[(secretary_id, s)] = int(value)
    return _FilingCounts(households, approved)


async def _counts_by_month(
    session: AsyncSession, ids: Sequence[int], kinds: set[str]
) -> dict[int, dict[tuple[str, date], int]]:
    """Per secretary: counted filings of the monthly items' kinds per kind and month (keyed by its
    first day), grouped by the database."""
    if not kinds:
        return {}
    year, month = extract("year", Filing.occurred_on), extract("month", Filing.occurred_on)
    members = sorted(FilingKind(k) for k in kinds)
    rows = await session.execute(
        select(Filing.secretary_id, Filing.kind, year, month, func.count())
        .where(Filing.secretary_id.in_(ids), _kinds_in(tuple(members)), Filing.status.in_(COUNTED))
        .group_by(Filing.secretary_id, Filing.kind, year, month)
    )
    result: dict[int, dict[tuple[str, date], int]] = defaultdict(dict)
    for secretary_id, kind, y, m, count in rows.tuples():
        result[secretary_id][(FilingKind(kind).value, date(int(y), int(m), 1))] = int(count)
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
