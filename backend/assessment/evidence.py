"""Proposals from the data the system already holds (DOMAIN.md section 5: "where the system already
holds the evidence it proposes the item's score and the assessor confirms or overrides it").

Set-based: `proposals_for` reads any number of secretaries with at most four queries (filings
without bodies, talk filings with bodies, organisation classes, and — for the diary — the checklist
versions and moves, backend/duties/checklist/) plus one per county for its rules. The diary item
follows each term's checklist: its monthly item counting work diaries, month by month.
Filings count when submitted or approved (as on the duty checklist); research reports only when
approved. "So far" means calendar weeks and months of the term, within the period, that have ended
(the calendar and the diary rule are the duties' own: backend/duties/rules.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.common import Period, Subject
from backend.assessment.models import OrgClass, OrgClassRecord
from backend.assessment.rubric import EvidenceKey
from backend.duties.checklist import ChecklistConfiguration, load_configuration
from backend.duties.rules import full_months, full_weeks, month_of, monthly_rule, week_of
from backend.filings.bodies import TALK_CATEGORIES
from backend.filings.models import Filing, FilingKind, FilingStatus
from backend.org.county_settings import CountyRules, rules_for
from backend.org.models import StationMode

COUNTED = (FilingStatus.SUBMITTED, FilingStatus.APPROVED)  # returned and draft filings don't count
REQUIRED_TALK_CATEGORIES = ("cadre", "member", "applicant")  # 村干部、党员、入党积极分子
_CLASS_RANK = {OrgClass.A: 0, OrgClass.B: 1, OrgClass.C: 2, OrgClass.D: 3}

_KINDS_FOR: dict[EvidenceKey, tuple[FilingKind, ...]] = {
    EvidenceKey.DIARY: (FilingKind.WORK_DIARY,),
    EvidenceKey.RESEARCH_REPORT: (FilingKind.RESEARCH_REPORT,),
    EvidenceKey.COMMITTEE_MEETINGS: (FilingKind.COMMITTEE_MEETING,),
    EvidenceKey.PAIRING: (FilingKind.PAIRING,),
    EvidenceKey.PAIRING_VISITS: (FilingKind.PAIRING, FilingKind.PAIRING_VISIT),
}
_TALK_KEYS = {EvidenceKey.TALKS, EvidenceKey.TALK_REQUESTS}
_ORG_KEYS = {EvidenceKey.ORG_GAINED, EvidenceKey.ORG_LOST}


@dataclass(frozen=True)
class Proposal:
    """What the evidence says about one item: occurrences (None: it shows the evidence but
    proposes nothing, and the assessor decides), a Chinese summary and the filings behind it."""

    occurrences: int | None
    summary: str
    filing_ids: tuple[str, ...] = ()

    def to_json(self, points_centi: int | None) -> dict[str, object]:
        return {
            "summary": self.summary,
            "filing_ids": list(self.filing_ids),
            "proposed_occurrences": self.occurrences,
            "proposed_centi": points_centi,
        }


@dataclass
class _Row:
    id: str
    kind: FilingKind
    status: FilingStatus
    occurred_on: date
    household_id: int | None


@dataclass
class _Talk:
    id: str
    occurred_on: date
    category: str | None
    requested: bool


@dataclass
class _Data:
    filings: list[_Row] = field(default_factory=list)
    talks: list[_Talk] = field(default_factory=list)


def window(subject: Subject, period: Period, today: date) -> tuple[date, date]:
    """[start, end): the part of the term inside the period that has passed (end is exclusive)."""
    start = max(subject.secretary.term_start, period.start)
    end = min(today, subject.secretary.term_end + timedelta(days=1), period.end)
    return start, max(start, end)


def _ids(rows: Iterable[_Row | _Talk]) -> tuple[str, ...]:
    return tuple(r.id for r in sorted(rows, key=lambda r: (r.occurred_on, r.id)))


async def proposals_for(
    session: AsyncSession,
    subjects: Sequence[Subject],
    period: Period,
    keys: Iterable[EvidenceKey],
    *,
    today: date,
) -> dict[int, dict[EvidenceKey, Proposal]]:
    """Proposals per secretary id and evidence key, for the keys asked."""
    wanted = set(keys)
    if not subjects or not wanted:
        return {s.secretary.id: {} for s in subjects}
    ids = [s.secretary.id for s in subjects]
    data: dict[int, _Data] = defaultdict(_Data)
    kinds = sorted({k for key in wanted for k in _KINDS_FOR.get(key, ())})
    if kinds:
        filing_rows = await session.execute(
            select(
                Filing.secretary_id, Filing.id, Filing.kind, Filing.status, Filing.occurred_on, Filing.household_id
            ).where(
                Filing.secretary_id.in_(ids),
                Filing.kind.in_(kinds),
                Filing.status.in_(COUNTED),
                Filing.occurred_on < period.end,
                # a pairing made in an earlier year still counts; everything else is this period's
                or_(Filing.kind == FilingKind.PAIRING, Filing.occurred_on >= period.start),
            )
        )
        for secretary_id, filing_id, kind, status, occurred_on, household_id in filing_rows.tuples():
            data[secretary_id].filings.append(_Row(filing_id, kind, status, occurred_on, household_id))
    if wanted & _TALK_KEYS:
        talk_rows = await session.execute(
            select(Filing.secretary_id, Filing.id, Filing.occurred_on, Filing.body).where(
                Filing.secretary_id.in_(ids),
                Filing.kind == FilingKind.TALK,
                Filing.status.in_(COUNTED),
                Filing.occurred_on >= period.start,
                Filing.occurred_on < period.end,
            )
        )
        for secretary_id, filing_id, occurred_on, body in talk_rows.tuples():
            body = body if isinstance(body, dict) else {}
            data[secretary_id].talks.append(
                _Talk(filing_id, occurred_on, body.get("category"), body.get("requestedByPerson") is True)
            )
    classes = await _org_classes(session, [s.village.id for s in subjects], period) if wanted & _ORG_KEYS else {}
    rules: dict[int, CountyRules] = {}
    for county_id in sorted({s.county_id for s in subjects}):
        rules[county_id] = await rules_for(session, county_id)
    # the diary proposal follows each term's checklist, month by month (one query for all)
    checklists = (
        await load_configuration(session, {s.county_id for s in subjects}, ids)
        if EvidenceKey.DIARY in wanted
        else ChecklistConfiguration()
    )

    result: dict[int, dict[EvidenceKey, Proposal]] = {}
    for subject in subjects:
        found = data[subject.secretary.id]
        county_rules = rules[subject.county_id]
        start, end = window(subject, period, today)
        proposals: dict[EvidenceKey, Proposal] = {}
        for key in wanted:
            proposal = _propose(
                key, subject, found, county_rules, checklists, period, start, end, classes.get(subject.village.id)
            )
            if proposal is not None:
                proposals[key] = proposal
        result[subject.secretary.id] = proposals
    return result


def _propose(
    key: EvidenceKey,
    subject: Subject,
    found: _Data,
    rules: CountyRules,
    checklists: ChecklistConfiguration,
    period: Period,
    start: date,
    end: date,
    classes: tuple[tuple[str, OrgClass] | None, tuple[str, OrgClass] | None] | None,
) -> Proposal | None:
    match key:
        case EvidenceKey.DIARY:
            return _diary(subject, found, checklists, start, end)
        case EvidenceKey.RESEARCH_REPORT:
            return _research_report(found)
        case EvidenceKey.COMMITTEE_MEETINGS:
            return _committee_meetings(subject, found, start, end)
        case EvidenceKey.TALKS:
            return _talks(found)
        case EvidenceKey.TALK_REQUESTS:
            return _talk_requests(found)
        case EvidenceKey.PAIRING:
            return _pairing(found, rules)
        case EvidenceKey.PAIRING_VISITS:
            return _pairing_visits(found, rules)
        case EvidenceKey.ORG_GAINED | EvidenceKey.ORG_LOST:
            return _org_change(key, classes or (None, None))
    return None


def _diary(
    subject: Subject, found: _Data, checklists: ChecklistConfiguration, start: date, end: date
) -> Proposal | None:
    """Full months below the checklist's monthly diary item, each month judged by the version in
    effect at its start; no proposal when the term's checklist has no such item."""
    current = checklists.current(subject.secretary, end - timedelta(days=1)).diary_item
    if current is None:
        return None

    def required_in(month: date) -> int | None:
        item = checklists.version_at(subject.secretary, month).diary_item
        return item.threshold if item else None

    entries = [r for r in found.filings if r.kind is FilingKind.WORK_DIARY and start <= r.occurred_on < end]
    per_month: dict[date, int] = defaultdict(int)
    for entry in entries:
        per_month[month_of(entry.occurred_on)] += 1
    diary = monthly_rule(start, end, per_month, required_in, current.threshold)
    if not diary.months:
        return Proposal(0, "本年度任期内尚无已结束的完整月份，暂不扣分", _ids(entries))
    summary = (
        f"本年度任期内已结束 {len(diary.months)} 个完整月份，共记工作日志 {len(entries)} 篇；"
        f"{diary.met} 个月达到每月 {diary.required} 篇"
    )
    if diary.short:
        summary += "，未达到的月份：" + "、".join(f"{m.year}年{m.month}月" for m in diary.short)
    return Proposal(len(diary.short), summary, _ids(entries))


def _research_report(found: _Data) -> Proposal:
    reports = [r for r in found.filings if r.kind is FilingKind.RESEARCH_REPORT and r.status is FilingStatus.APPROVED]
    if reports:
        return Proposal(0, f"本年度已审核通过调研报告 {len(reports)} 篇", _ids(reports))
    return Proposal(1, "本年度尚无审核通过的调研报告", ())


def _committee_meetings(subject: Subject, found: _Data, start: date, end: date) -> Proposal:
    meetings = [r for r in found.filings if r.kind is FilingKind.COMMITTEE_MEETING and start <= r.occurred_on < end]
    if subject.secretary.mode is StationMode.RESIDENT:
        buckets, bucket_of, cadence, unit = full_weeks(start, end), week_of, "每周一次", "周"
    else:
        buckets, bucket_of, cadence, unit = full_months(start, end), month_of, "每月一次", "个月"
    held = {bucket_of(m.occurred_on) for m in meetings}
    missed = [b for b in buckets if b not in held]
    if not buckets:
        return Proposal(0, f"本年度任期内尚无已结束的完整{unit}（{cadence}），暂不扣分", _ids(meetings))
    summary = (
        f"本年度任期内应召开工作例会 {len(buckets)} 次（{cadence}），已记录 {len(meetings)} 次；"
        f"{len(missed)} {unit}未召开"
    )
    return Proposal(len(missed), summary, _ids(meetings))


def _talks(found: _Data) -> Proposal:
    by_category: dict[str, int] = defaultdict(int)
    for talk in found.talks:
        by_category[talk.category or ""] += 1
    missing = [c for c in REQUIRED_TALK_CATEGORIES if by_category[c] == 0]
    counts = "、".join(f"{label} {by_category[c]} 人次" for c, label in TALK_CATEGORIES.items())
    summary = f"本年度谈心谈话 {len(found.talks)} 人次（{counts}）"
    if missing:
        summary += "；尚未与" + "、".join(TALK_CATEGORIES[c] for c in missing) + "谈心谈话"
    return Proposal(len(missing), summary, _ids(found.talks))


def _talk_requests(found: _Data) -> Proposal:
    requested = [t for t in found.talks if t.requested]
    if requested:
        return Proposal(0, f"本年度应约谈心谈话 {len(requested)} 次", _ids(requested))
    # No request on record is not proof of refusing one: show it, propose nothing.
    return Proposal(None, "本年度暂无应约谈心谈话的记录，请评分人核实", ())


def _paired(found: _Data) -> dict[int, list[_Row]]:
    paired: dict[int, list[_Row]] = defaultdict(list)
    for row in found.filings:
        if row.kind is FilingKind.PAIRING and row.household_id is not None:
            paired[row.household_id].append(row)
    return paired


def _pairing(found: _Data, rules: CountyRules) -> Proposal:
    paired = _paired(found)
    required = rules.pairing_households_required
    missing = max(0, required - len(paired))
    summary = f"已结对帮扶困难户 {len(paired)} 户（要求 {required} 户）" + (f"，少 {missing} 户" if missing else "")
    return Proposal(missing, summary, _ids(r for rows in paired.values() for r in rows))


def _pairing_visits(found: _Data, rules: CountyRules) -> Proposal:
    paired = _paired(found)
    visits = [r for r in found.filings if r.kind is FilingKind.PAIRING_VISIT and r.household_id in paired]
    visited = {v.household_id for v in visits}
    required = rules.pairing_households_required
    unvisited = max(0, min(len(paired), required) - len(visited))
    summary = f"结对帮扶户 {len(paired)} 户中，本年度已走访 {len(visited)} 户（走访 {len(visits)} 次）"
    if unvisited:
        summary += f"，{unvisited} 户未走访"
    return Proposal(unvisited, summary, _ids(visits))


async def _org_classes(
    session: AsyncSession, village_ids: Sequence[int], period: Period
) -> dict[int, tuple[tuple[str, OrgClass] | None, tuple[str, OrgClass] | None]]:
    """Per village: (this period's class, the latest earlier period's class)."""
    rows = await session.execute(
        select(OrgClassRecord.village_id, OrgClassRecord.period, OrgClassRecord.org_class)
        .where(OrgClassRecord.village_id.in_(village_ids), OrgClassRecord.period <= period.text)
        .order_by(OrgClassRecord.village_id, OrgClassRecord.period.desc())
    )
    found: dict[int, tuple[tuple[str, OrgClass] | None, tuple[str, OrgClass] | None]] = {}
    for village_id, record_period, org_class in rows.tuples():
        current, earlier = found.get(village_id, (None, None))
        if record_period == period.text:
            current = (record_period, org_class)
        elif earlier is None:
            earlier = (record_period, org_class)
        found[village_id] = (current, earlier)
    return found


def class_change(before: OrgClass, after: OrgClass) -> int:
    """Classes gained (positive) or lost (negative); A is the best class."""
    return _CLASS_RANK[before] - _CLASS_RANK[after]


def _org_change(key: EvidenceKey, classes: tuple[tuple[str, OrgClass] | None, tuple[str, OrgClass] | None]) -> Proposal:
    current, earlier = classes
    if current is None:
        return Proposal(None, "本年度村党组织等次尚未评定（由县委组织部录入）", ())
    if earlier is None:
        return Proposal(None, f"本年度村党组织等次为 {current[1].value} 级，无以往年度等次可比", ())
    change = class_change(earlier[1], current[1])
    summary = f"村党组织等次：{earlier[0]} 年度 {earlier[1].value} 级 → {current[0]} 年度 {current[1].value} 级"
    if change > 0:
        summary += f"，晋升 {change} 个等次"
    elif change < 0:
        summary += f"，下降 {-change} 个等次"
    else:
        summary += "，等次未变"
    occurrences = max(change, 0) if key is EvidenceKey.ORG_GAINED else max(-change, 0)
    return Proposal(occurrences, summary, ())


async def filings_by_id(session: AsyncSession, ids: Sequence[str]) -> list[Filing | None]:
    """Batch read behind the `filing` DataLoader (the drill-down from a score to its filings)."""
    found = {f.id: f for f in await session.scalars(select(Filing).where(Filing.id.in_(ids)))}
    return [found.get(i) for i in ids]
