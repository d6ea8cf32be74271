"""A secretary's target assessment: every rubric item with its score or the system's proposal,
and item-by-item scoring by the assessor (DOMAIN.md section 5).

An assessment is made on the first score with the rubric version then current and keeps it: later
edits of the rubric never change a score already made. Part sums and the target score
(`target_centi = max(0, basic + discipline + results + org upgrade)`) are recomputed in the same
transaction as the item scores, so rankings read one row per secretary. Edits name the version they
replace (optimistic locking); an override of the system's proposal needs a note and is audited."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.access import access_assessment
from backend.assessment.common import (
    MAX_OCCURRENCES,
    Period,
    Subject,
    can_score,
    clean_note,
    format_points,
    parse_period,
    to_centi,
)
from backend.assessment.evidence import Proposal, proposals_for
from backend.assessment.models import Assessment, AssessmentItemScore
from backend.assessment.rubric import (
    EvidenceKey,
    Part,
    Rubric,
    RubricItem,
    county_rubric,
    ensure_saved,
    occurrences_for,
    rubrics_by_id,
    sums,
)
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput, StaleVersion
from backend.org.models import Role


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


def status_of(items_scored: int, items_total: int) -> Status:
    if items_scored == 0:
        return Status.NOT_STARTED
    return Status.COMPLETE if items_scored >= items_total else Status.IN_PROGRESS


@dataclass(frozen=True)
class ItemView:
    """One rubric item of one assessment. The proposal and evidence are those saved with the score
    when it is scored, else the live ones; `evidence_changed` says the live proposal now differs."""

    item: RubricItem
    score: AssessmentItemScore | None
    proposed_occurrences: int | None
    proposed_centi: int | None
    evidence_summary: str | None
    filing_ids: tuple[str, ...]
    evidence_changed: bool


@dataclass(frozen=True)
class AssessmentView:
    subject: Subject
    period: str
    rubric: Rubric
    assessment: Assessment | None
    items: list[ItemView]
    can_score: bool
    assessor_role: Role

    @property
    def version(self) -> int:
        """0 until the first score; the version to name in the next scoreAssessment."""
        return self.assessment.version if self.assessment else 0

    @property
    def status(self) -> Status:
        a = self.assessment
        return status_of(a.items_scored, a.items_total) if a else Status.NOT_STARTED

    def part_centi(self, part: Part) -> int:
        a = self.assessment
        if a is None:
            return 0
        return {
            Part.BASIC: a.basic_centi,
            Part.DISCIPLINE: a.discipline_centi,
            Part.RESULTS: a.results_centi,
            Part.ORG_UPGRADE: a.org_upgrade_centi,
        }[part]

    @property
    def target_centi(self) -> int:
        return self.assessment.target_centi if self.assessment else 0


@dataclass(frozen=True)
class ItemScoreInput:
    """One item as the assessor sends it. Occurrences alone: points by the formula. Points alone:
    the assessor's judgement (occurrences inferred when the formula gives those points). Neither:
    confirm the system's proposal."""

    key: str
    occurrences: int | None = None
    points: float | None = None
    note: str | None = None


# --- reading ------------------------------------------------------------------------------------


async def assessment_view(
    session: AsyncSession, actor: Actor | None, secretary_id: int, period: str, *, today: date | None = None
) -> AssessmentView:
    """Every rubric item with its score or proposal. Staff who may read it see the live proposals;
    the secretary sees what has been scored."""
    subject, assessment = await access_assessment(session, actor, secretary_id, period)
    assert actor is not None
    parsed = parse_period(period)
    if assessment is not None:
        rubric = (await rubrics_by_id(session, [assessment.rubric_version_id]))[assessment.rubric_version_id]
        scores = await _scores(session, assessment.id)
    else:
        rubric = await county_rubric(session, subject.county_id, parsed)
        scores = {}
    live: dict[EvidenceKey, Proposal] = {}
    if actor.role in (Role.COUNTY, Role.TOWNSHIP):
        keys = {i.evidence for i in rubric.items if i.evidence}
        live = (await proposals_for(session, [subject], parsed, keys, today=today or date.today()))[
            subject.secretary.id
        ]
    return _view(actor, subject, parsed, rubric, assessment, scores, live)


def _view(
    actor: Actor,
    subject: Subject,
    period: Period,
    rubric: Rubric,
    assessment: Assessment | None,
    scores: Mapping[str, AssessmentItemScore],
    live: Mapping[EvidenceKey, Proposal],
) -> AssessmentView:
    items = []
    for item in rubric.items:
        score = scores.get(item.key)
        proposal = live.get(item.evidence) if item.evidence else None
        live_centi = _proposed_centi(item, proposal)
        if score is not None:
            saved = score.evidence or {}
            saved_occurrences = saved.get("proposed_occurrences")
            changed = proposal is not None and (
                proposal.occurrences != saved_occurrences or live_centi != score.proposed_centi
            )
            items.append(
                ItemView(
                    item,
                    score,
                    saved_occurrences,
                    score.proposed_centi,
                    saved.get("summary"),
                    tuple(saved.get("filing_ids") or ()),
                    changed,
                )
            )
        else:
            items.append(
                ItemView(
                    item,
                    None,
                    proposal.occurrences if proposal else None,
                    live_centi,
                    proposal.summary if proposal else None,
                    proposal.filing_ids if proposal else (),
                    False,
                )
            )
    return AssessmentView(
        subject=subject,
        period=period.text,
        rubric=rubric,
        assessment=assessment,
        items=items,
        can_score=can_score(actor, subject),
        assessor_role=subject.assessor_role,
    )


def _proposed_centi(item: RubricItem, proposal: Proposal | None) -> int | None:
    if proposal is None or proposal.occurrences is None:
        return None
    return item.points_for(proposal.occurrences)


async def _scores(session: AsyncSession, assessment_id: int) -> dict[str, AssessmentItemScore]:
    rows = await session.scalars(select(AssessmentItemScore).where(AssessmentItemScore.assessment_id == assessment_id))
    return {row.item_key: row for row in rows}


# --- scoring ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Decision:
    item: RubricItem
    occurrences: int
    points_centi: int
    proposal: Proposal | None
    proposed_centi: int | None
    overridden: bool
    note: str


async def score_items(
    session: AsyncSession,
    actor: Actor | None,
    secretary_id: int,
    period: str,
    version: int,
    items: Sequence[ItemScoreInput],
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> AssessmentView:
    """The assessor scores some items. `version` is the assessment's version the assessor saw
    (0 before the first score); STALE_VERSION names the current one."""
    # The assessment under a row lock: a concurrent scoring waits, then sees the committed version.
    subject, assessment = await access_assessment(session, actor, secretary_id, period, to="score", for_update=True)
    assert actor is not None
    parsed = parse_period(period)
    now = now or datetime.now(UTC)
    if not subject.in_post_during(parsed):
        raise InvalidInput(f"该第一书记 {parsed.text} 年度不在任，无需考评", field="period")
    if not items:
        raise InvalidInput("请至少评一项", field="items")
    if assessment is None:
        if version != 0:
            raise _stale(0)
        rubric = await ensure_saved(session, actor, subject.county_id, parsed)
        existing: dict[str, AssessmentItemScore] = {}
    else:
        if version != assessment.version:
            raise _stale(assessment.version)
        rubric = (await rubrics_by_id(session, [assessment.rubric_version_id]))[assessment.rubric_version_id]
        existing = await _scores(session, assessment.id)

    # every evidence item, not only those scored now: the returned assessment shows them all
    keys = {item.evidence for item in rubric.items if item.evidence}
    live = (await proposals_for(session, [subject], parsed, keys, today=today or date.today()))[subject.secretary.id]
    decisions = _decide(rubric, items, live)

    merged = {key: row.points_centi for key, row in existing.items()}
    merged.update({d.item.key: d.points_centi for d in decisions})
    by_part, target, scored = sums(rubric, merged)
    values = {
        "basic_centi": by_part[Part.BASIC],
        "discipline_centi": by_part[Part.DISCIPLINE],
        "results_centi": by_part[Part.RESULTS],
        "org_upgrade_centi": by_part[Part.ORG_UPGRADE],
        "target_centi": target,
        "items_scored": scored,
        "items_total": len(rubric.items),
        "updated_by": actor.user_id,
        "updated_at": now,
    }
    if assessment is None:
        assessment = await _create(session, subject, parsed, rubric, values)
        created = True
    else:
        for name, value in values.items():
            setattr(assessment, name, value)
        await session.flush()
        created = False

    for d in decisions:
        row = existing.get(d.item.key)
        if row is None:
            row = AssessmentItemScore(assessment_id=assessment.id, item_key=d.item.key)
            session.add(row)
            existing[d.item.key] = row
        row.occurrences = d.occurrences
        row.points_centi = d.points_centi
        row.proposed_centi = d.proposed_centi
        row.evidence = d.proposal.to_json(d.proposed_centi) if d.proposal else None
        row.overridden = d.overridden
        row.note = d.note
        row.scored_by = actor.user_id
        row.scored_at = now
    _audit(session, actor, subject, parsed, assessment, decisions, created)
    await session.flush()
    return _view(actor, subject, parsed, rubric, assessment, existing, live)


def _decide(rubric: Rubric, items: Sequence[ItemScoreInput], live: Mapping[EvidenceKey, Proposal]) -> list[_Decision]:
    seen: set[str] = set()
    decisions = []
    for index, entry in enumerate(items):
        item = rubric.by_key.get(entry.key)
        if item is None:
            raise InvalidInput(
                f"考评细则（第 {rubric.version} 版）中没有「{entry.key}」这一项", field=f"items[{index}].key"
            )
        if item.key in seen:
            raise InvalidInput(f"「{item.label}」重复评分", field=f"items[{index}].key")
        seen.add(item.key)
        decisions.append(_decide_item(index, item, entry, live.get(item.evidence) if item.evidence else None))
    return decisions


def _decide_item(index: int, item: RubricItem, entry: ItemScoreInput, proposal: Proposal | None) -> _Decision:
    where = f"items[{index}]"
    proposed_centi = _proposed_centi(item, proposal)
    occurrences = entry.occurrences
    if occurrences is not None and not 0 <= occurrences <= MAX_OCCURRENCES:
        raise InvalidInput(f"「{item.label}」次数应在 0 到 {MAX_OCCURRENCES} 之间", field=f"{where}.occurrences")
    centi = None if entry.points is None else to_centi(entry.points, f"{where}.points")
    if occurrences is None and centi is None:
        if proposed_centi is None or proposal is None or proposal.occurrences is None:
            raise InvalidInput(f"「{item.label}」没有系统建议分，请填写次数或分值", field=f"{where}.occurrences")
        occurrences, centi = proposal.occurrences, proposed_centi
    elif centi is None:
        assert occurrences is not None
        centi = item.points_for(occurrences)
    elif occurrences is None:
        occurrences = occurrences_for(item, centi)
        if occurrences is None:
            occurrences = proposal.occurrences if proposal and proposal.occurrences is not None else 0
    low, high = item.min_centi, item.max_centi
    if (low is not None and centi < low) or (high is not None and centi > high):
        span = f"{'不限' if low is None else format_points(low)} 到 {'不限' if high is None else format_points(high)}"
        raise InvalidInput(f"「{item.label}」的分值应在 {span} 分之间", field=f"{where}.points")
    reference = proposed_centi if proposed_centi is not None else item.points_for(occurrences)
    overridden = centi != reference
    note = clean_note(entry.note, f"{where}.note")
    if overridden and not note:
        basis = "系统建议分" if proposed_centi is not None else f"按 {occurrences} 次计算的分值"
        raise InvalidInput(
            f"「{item.label}」评分（{format_points(centi)} 分）与{basis}（{format_points(reference)} 分）不同，请填写说明",
            field=f"{where}.note",
        )
    return _Decision(item, occurrences, centi, proposal, proposed_centi, overridden, note)


async def _create(
    session: AsyncSession, subject: Subject, period: Period, rubric: Rubric, values: dict[str, object]
) -> Assessment:
    assert rubric.id is not None
    assessment = Assessment(
        county_id=subject.county_id,
        township_id=subject.township_id,
        village_id=subject.village.id,
        secretary_id=subject.secretary.id,
        period=period.text,
        rubric_version_id=rubric.id,
        **values,
    )
    try:
        async with session.begin_nested():
            session.add(assessment)
            await session.flush()
    except IntegrityError as exc:  # another assessor made it first
        current = await session.scalar(
            select(Assessment.version).where(
                Assessment.secretary_id == subject.secretary.id, Assessment.period == period.text
            )
        )
        raise _stale(int(current or 0)) from exc
    return assessment


def _audit(
    session: AsyncSession,
    actor: Actor,
    subject: Subject,
    period: Period,
    assessment: Assessment,
    decisions: Sequence[_Decision],
    created: bool,
) -> None:
    audit.record(
        session,
        actor,
        county_id=subject.county_id,
        entity="assessment",
        entity_id=assessment.id,
        action="created" if created else "scored",
        version=assessment.version,
        detail={
            "secretary_id": subject.secretary.id,
            "period": period.text,
            "target_centi": assessment.target_centi,
            "items": [
                {
                    "key": d.item.key,
                    "occurrences": d.occurrences,
                    "points_centi": d.points_centi,
                    "proposed_centi": d.proposed_centi,
                    "overridden": d.overridden,
                }
                for d in decisions
            ],
        },
    )
    for d in decisions:
        if d.overridden:
            audit.record(
                session,
                actor,
                county_id=subject.county_id,
                entity="assessment",
                entity_id=assessment.id,
                action="override",
                version=assessment.version,
                detail={
                    "secretary_id": subject.secretary.id,
                    "period": period.text,
                    "key": d.item.key,
                    "proposed_occurrences": d.proposal.occurrences if d.proposal else None,
                    "proposed_centi": d.proposed_centi,
                    "formula_centi": d.item.points_for(d.occurrences),
                    "occurrences": d.occurrences,
                    "points_centi": d.points_centi,
                    "note": d.note,
                },
            )


def _stale(current: int) -> StaleVersion:
    exc = StaleVersion(f"该考评已被他人更新（当前版本 {current}），请刷新后再评", current_version=current)
    exc.field = "version"
    return exc
