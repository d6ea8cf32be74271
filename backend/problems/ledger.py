"""The problem ledger (问题台账): villagers report from the public page (members with their
account, anyone else without one: backend/problems/public_reports.py), the secretary files what
they find; each problem moves open → in progress → resolved, or is closed as not actionable,
and every step leaves an unalterable note and an audit record. A report may carry photos,
uploaded first to /media and named here by their hash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, case, func, literal, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import DomainError, ErrorCode, Forbidden, InvalidInput, InvalidState, NotFound
from backend.core.orm import utcnow
from backend.core.pagination import Page, decode_cursor, encode_cursor, page_size
from backend.core.sync import check_base_version, check_retry, client_id, content_hash
from backend.core.validation import clean_sha256, clean_text
from backend.duties.checklist import ChecklistRule, county_checklist
from backend.media.access import access_media
from backend.org.access import (
    STAFF_ROLES,
    access_household,
    access_org_unit,
    require_actor,
    require_role,
    require_secretary,
)
from backend.org.county_settings import rules_for
from backend.org.models import Household, OrgKind, OrgUnit, Role
from backend.org.secretaries import current_secretaries
from backend.problems.access import access_problem, scope_problems
from backend.problems.models import Problem, ProblemNote, ProblemPhoto, ProblemSource, ProblemStatus

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
NOTE_MAX = 2000
MAX_PHOTOS = 3  # a problem is shown, not documented: a few photos at most
OPENING_NOTES = {
    ProblemSource.VILLAGER: "村民反映",
    ProblemSource.SECRETARY: "第一书记登记",
    ProblemSource.PUBLIC: "扫码反映",
}

# open → in progress → resolved; open / in progress → closed (not actionable). Resolved and
# closed are final.
TRANSITIONS: dict[ProblemStatus, frozenset[ProblemStatus]] = {
    ProblemStatus.OPEN: frozenset({ProblemStatus.IN_PROGRESS, ProblemStatus.CLOSED}),
    ProblemStatus.IN_PROGRESS: frozenset({ProblemStatus.RESOLVED, ProblemStatus.CLOSED}),
    ProblemStatus.RESOLVED: frozenset(),
    ProblemStatus.CLOSED: frozenset(),
}
UNRESOLVED = (ProblemStatus.OPEN, ProblemStatus.IN_PROGRESS)
STATUS_LABELS = {
    ProblemStatus.OPEN: "待处理",
    ProblemStatus.IN_PROGRESS: "处理中",
    ProblemStatus.RESOLVED: "已解决",
    ProblemStatus.CLOSED: "已关闭（无法办理）",
}


@dataclass(frozen=True)
class NewProblem:
    id: str
    title: str
    description: str = ""
    household_id: int | None = None
    photos: tuple[str, ...] = ()  # sha256 of photos the reporter uploaded to /media


@dataclass(frozen=True)
class _Checked:
    """A new problem's content after the shape checks, before any read."""

    id: str
    title: str
    description: str
    photos: tuple[str, ...]


@dataclass(frozen=True)
class StatusChange:
    id: str
    to_status: ProblemStatus
    note: str
    base_version: int


@dataclass(frozen=True)
class LedgerSummary:
    village: OrgUnit
    total: int
    by_status: dict[ProblemStatus, int]
    age_days: int
    resolved_old: int  # numerator: resolved among problems older than age_days
    old: int  # denominator: all problems older than age_days
    min_count: int

    @property
    def resolution_percent(self) -> float | None:
        return round(100 * self.resolved_old / self.old, 1) if self.old else None

    @property
    def complete(self) -> bool:
        return self.total >= self.min_count


# --- writing ----------------------------------------------------------------------------------


async def report_problem(session: AsyncSession, actor: Actor | None, new: NewProblem, today: date) -> Problem:
    """A member reports a problem in their own village; it lands in the secretary's ledger."""
    actor = require_role(actor, Role.MEMBER)
    if actor.village_id is None:
        raise Forbidden("您的账号未关联村/社区")
    village = await access_org_unit(session, actor, actor.village_id, kind=OrgKind.VILLAGE)
    secretary = (await current_secretaries(session, [village.id], today)).get(village.id)
    return await _create(
        session,
        actor,
        new,
        village=village,
        source=ProblemSource.VILLAGER,
        secretary_id=secretary.id if secretary else None,
    )


async def file_problem(session: AsyncSession, actor: Actor | None, new: NewProblem) -> Problem:
    """The secretary records a problem they found (e.g. on a household visit)."""
    profile = await require_secretary(session, actor)
    village = await access_org_unit(session, actor, profile.village_id, kind=OrgKind.VILLAGE)
    return await _create(
        session, require_actor(actor), new, village=village, source=ProblemSource.SECRETARY, secretary_id=profile.id
    )


def check_shape(new: NewProblem, *, max_photos: int = MAX_PHOTOS) -> _Checked:
    """The content's shape, checked before anything is read or written."""
    title = clean_text(new.title, "title", "问题标题", max_length=TITLE_MAX)
    description = new.description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(f"问题描述不能超过 {DESCRIPTION_MAX} 个字", field="description")
    if len(new.photos) > max_photos:
        raise InvalidInput(f"最多附 {max_photos} 张照片", field="photos")
    photos = tuple(clean_sha256(sha256, "photos") for sha256 in new.photos)
    if len(set(photos)) != len(photos):
        raise InvalidInput("照片重复", field="photos")
    return _Checked(id=client_id(new.id), title=title, description=description, photos=photos)


def problem_digest(
    checked: _Checked,
    *,
    household_id: int | None,
    source: ProblemSource,
    reporter: int | None,
    village_id: int,
    extra: dict[str, Any] | None = None,
) -> str:
    """What makes a resend the same report. Who reported it and where belong to the content: the
    same id from someone else is a conflict."""
    content: dict[str, Any] = {
        "title": checked.title,
        "description": checked.description,
        "household_id": household_id,
        "source": source.value,
        "reporter": reporter,
        "village": village_id,
        **(extra or {}),
    }
    if checked.photos:  # absent when there are none, so problems stored before photos keep their hash
        content["photos"] = list(checked.photos)
    return content_hash(content)


async def _create(
    session: AsyncSession,
    actor: Actor | None,
    new: NewProblem,
    *,
    village: OrgUnit,
    source: ProblemSource,
    secretary_id: int | None,
    checked: _Checked | None = None,
    contact_phone: str | None = None,
) -> Problem:
    """Insert a problem made on a phone (a resend of the same content returns it). `actor` None: a
    report made without an account (its photos must have been uploaded without one, too)."""
    checked = checked or check_shape(new)
    reporter = actor.user_id if actor is not None else None
    digest = problem_digest(
        checked,
        household_id=new.household_id,
        source=source,
        reporter=reporter,
        village_id=village.id,
        extra={"contact": contact_phone is not None} if source is ProblemSource.PUBLIC else None,
    )
    existing = await session.get(Problem, checked.id)
    if existing is not None:
        check_retry(existing.content_hash, digest)
        return existing
    if new.household_id is not None:
        assert actor is not None  # a household is named only with an account
        await _check_household(session, actor, new.household_id, village)
    await _check_photos(session, actor, checked.photos, village)
    now = utcnow()
    problem = Problem(
        id=checked.id,
        village_id=village.id,
        township_id=village.township_id,
        county_id=village.county_id,
        secretary_id=secretary_id,
        source=source,
        reporter_user_id=reporter,
        household_id=new.household_id,
        contact_phone=contact_phone,
        title=checked.title,
        description=checked.description,
        status=ProblemStatus.OPEN,
        content_hash=digest,
        version=1,
        created_at=now,
        updated_at=now,
    )
    try:
        # A savepoint: a concurrent retry of the same id loses the race here and is then
        # answered like any other retry.
        async with session.begin_nested():
            session.add(problem)
            await session.flush()
    except IntegrityError:
        existing = await session.get(Problem, checked.id)
        if existing is None:
            raise
        check_retry(existing.content_hash, digest)
        return existing
    session.add_all(
        ProblemPhoto(problem_id=problem.id, position=position, media_sha256=sha256)
        for position, sha256 in enumerate(checked.photos)
    )
    opening = OPENING_NOTES[source]
    if source is ProblemSource.PUBLIC:
        opening += "（留了电话）" if contact_phone else "（匿名）"
    session.add(
        ProblemNote(
            problem_id=problem.id,
            at=now,
            author_user_id=reporter,
            from_status=None,
            to_status=ProblemStatus.OPEN.value,
            note=opening,
        )
    )
    detail: dict[str, Any] = {"village_id": village.id, "source": source.value}
    if checked.photos:
        detail["photos"] = len(checked.photos)
    if source is ProblemSource.PUBLIC:
        detail["anonymous"] = contact_phone is None  # never the number: the trail keeps it for ever
    audit.record(
        session,
        actor,
        county_id=problem.county_id,
        entity="problem",
        entity_id=problem.id,
        action={ProblemSource.VILLAGER: "report", ProblemSource.PUBLIC: "report_public"}.get(source, "file"),
        version=1,
        detail=detail,
    )
    await session.flush()
    return problem


async def _check_photos(session: AsyncSession, actor: Actor | None, photos: tuple[str, ...], village: OrgUnit) -> None:
    """Each photo was uploaded by the reporter (without an account: uploaded without one, for a
    village of the same county); any other photo is the same answer as one not uploaded yet."""
    for sha256 in photos:
        try:
            media = await access_media(session, actor, sha256, to="attach")
        except NotFound:
            media = None
        if media is None or (actor is None and media.county_id != village.county_id):
            raise DomainError("照片尚未上传完成，请稍后重试", field="photos", code=ErrorCode.MEDIA_MISSING)


async def _check_household(session: AsyncSession, actor: Actor, household_id: int, village: OrgUnit) -> None:
    """A household of the problem's village; any other id is the same form error."""
    try:
        household: Household | None = await access_household(session, actor, household_id)
    except NotFound:  # not on a roster the caller may name
        household = None
    if household is None or household.village_id != village.id:
        raise InvalidInput("该农户不在本村花名册中", field="householdId")


async def update_problem_status(session: AsyncSession, actor: Actor | None, change: StatusChange) -> Problem:
    """The village's secretary moves a problem one step, with a note (required when closing)."""
    problem = await access_problem(session, actor, change.id, to="handle", for_update=True)
    assert actor is not None
    check_base_version(problem.version, change.base_version)
    note = change.note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"处理说明不能超过 {NOTE_MAX} 个字", field="note")
    current = problem.status
    if change.to_status not in TRANSITIONS[current]:
        if not TRANSITIONS[current]:
            raise InvalidState(f"问题已{STATUS_LABELS[current]}，不能再更改状态", field="toStatus")
        raise InvalidState(
            f"问题状态不能从“{STATUS_LABELS[current]}”改为“{STATUS_LABELS[change.to_status]}”", field="toStatus"
        )
    if change.to_status is ProblemStatus.CLOSED and not note:
        raise InvalidInput("关闭问题须说明无法办理的原因", field="note")
    now = utcnow()
    problem.status = change.to_status
    problem.version += 1
    problem.updated_at = now
    if change.to_status is ProblemStatus.RESOLVED:
        problem.resolved_at = now
    session.add(
        ProblemNote(
            problem_id=problem.id,
            at=now,
            author_user_id=actor.user_id,
            from_status=current.value,
            to_status=change.to_status.value,
            note=note,
        )
    )
    audit.record(
        session,
        actor,
        county_id=problem.county_id,
        entity="problem",
        entity_id=problem.id,
        action=f"status:{change.to_status.value}",
        version=problem.version,
        detail={"from": current.value, "to": change.to_status.value, "note": note},
    )
    await session.flush()
    return problem


# --- reading ----------------------------------------------------------------------------------


async def get_problem(session: AsyncSession, actor: Actor | None, problem_id: str) -> Problem:
    return await access_problem(session, actor, problem_id)


async def list_problems(
    session: AsyncSession,
    actor: Actor | None,
    *,
    village_id: int | None,
    status: ProblemStatus | None,
    first: int | None,
    after: str | None,
    township_id: int | None = None,
    unresolved: bool = False,
    overdue: bool = False,
    today: date | None = None,
) -> Page[Problem]:
    """A ledger: staff see their jurisdiction (a secretary, their own village), newest first.
    `unresolved`: open or in progress; `overdue`: unresolved and older than the county's
    `problem_resolution_age_days` (the line of the resolution rate) on `today`."""
    actor = require_role(actor, *STAFF_ROLES)
    stmt = select(Problem).where(scope_problems(actor))
    if township_id is not None:
        await access_org_unit(session, actor, township_id, kind=OrgKind.TOWNSHIP)
        stmt = stmt.where(Problem.township_id == township_id)
    if village_id is not None:
        await access_org_unit(session, actor, village_id, kind=OrgKind.VILLAGE)
        stmt = stmt.where(Problem.village_id == village_id)
    if status is not None:
        stmt = stmt.where(Problem.status == status)
    if unresolved or overdue:
        stmt = stmt.where(Problem.status.in_(UNRESOLVED))
    if overdue:
        rules = await rules_for(session, actor.county_id)
        cutoff = resolution_cutoff(today or date.today(), rules.problem_resolution_age_days)
        stmt = stmt.where(Problem.created_at < cutoff)
    return await _newest_first(session, stmt, first=first, after=after)


@dataclass(frozen=True)
class OpenProblems:
    """The caller's unresolved problems in numbers, and the oldest of those past the age line."""

    age_days: int  # the county's problem_resolution_age_days
    unresolved: int  # open or in progress
    overdue: int  # unresolved and older than age_days
    oldest_overdue: list[tuple[Problem, str]]  # (problem, village name), oldest first


async def open_problems(session: AsyncSession, actor: Actor | None, today: date, *, oldest: int = 3) -> OpenProblems:
    """Staff: the unresolved problems of their jurisdiction, counted in one statement, and the
    `oldest` overdue ones with their village's name in another (the homes of the township and county)."""
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    rules = await rules_for(session, actor.county_id)
    cutoff = resolution_cutoff(today, rules.problem_resolution_age_days)
    waiting = (scope_problems(actor), Problem.status.in_(UNRESOLVED))
    unresolved, overdue = (
        await session.execute(
            select(func.count(), func.sum(case((Problem.created_at < cutoff, 1), else_=0))).where(*waiting)
        )
    ).one()
    rows: list[tuple[Problem, str]] = []
    if oldest and overdue:
        found = await session.execute(
            select(Problem, OrgUnit.name)
            .join(OrgUnit, OrgUnit.id == Problem.village_id)
            .where(*waiting, Problem.created_at < cutoff)
            .order_by(Problem.created_at, Problem.id)
            .limit(oldest)
        )
        rows = [(problem, name) for problem, name in found.tuples()]
    return OpenProblems(rules.problem_resolution_age_days, int(unresolved or 0), int(overdue or 0), rows)


async def my_reported_problems(
    session: AsyncSession, actor: Actor | None, *, first: int | None, after: str | None
) -> Page[Problem]:
    actor = require_role(actor, Role.MEMBER)
    stmt = select(Problem).where(Problem.reporter_user_id == actor.user_id)
    return await _newest_first(session, stmt, first=first, after=after)


async def _newest_first(
    session: AsyncSession, stmt: Select[Any], *, first: int | None, after: str | None
) -> Page[Problem]:
    """Keyset pages on (created_at, id) descending; the cursor carries the time as ISO text."""
    size = page_size(first)
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if after:
        at_text, last_id = decode_cursor(after, 2)
        try:
            at = datetime.fromisoformat(str(at_text))
        except ValueError as exc:
            raise InvalidInput("分页游标无效", field="after") from exc
        if at.tzinfo is None:
            raise InvalidInput("分页游标无效", field="after")
        stmt = stmt.where(tuple_(Problem.created_at, Problem.id) < tuple_(literal(at), literal(str(last_id))))
    rows = (await session.scalars(stmt.order_by(Problem.created_at.desc(), Problem.id.desc()).limit(size + 1))).all()
    items = list(rows[:size])
    cursors = [encode_cursor([p.created_at.isoformat(), p.id]) for p in items]
    return Page(items=items, cursors=cursors, has_next=len(rows) > size, total=int(total or 0))


async def notes_for(session: AsyncSession, problem_ids: Sequence[str]) -> dict[str, list[ProblemNote]]:
    """The timelines of several problems in one query (callers have already checked access)."""
    found: dict[str, list[ProblemNote]] = {pid: [] for pid in problem_ids}
    rows = await session.scalars(
        select(ProblemNote)
        .where(ProblemNote.problem_id.in_(problem_ids))
        .order_by(ProblemNote.problem_id, ProblemNote.at, ProblemNote.id)
    )
    for note in rows:
        found[note.problem_id].append(note)
    return found


async def photos_for(session: AsyncSession, problem_ids: Sequence[str]) -> dict[str, list[str]]:
    """The photos of several problems, in order, in one query (callers have already checked access)."""
    found: dict[str, list[str]] = {pid: [] for pid in problem_ids}
    rows = await session.execute(
        select(ProblemPhoto.problem_id, ProblemPhoto.media_sha256)
        .where(ProblemPhoto.problem_id.in_(problem_ids))
        .order_by(ProblemPhoto.problem_id, ProblemPhoto.position)
    )
    for problem_id, sha256 in rows.tuples():
        found[problem_id].append(sha256)
    return found


def resolution_cutoff(today: date, age_days: int) -> datetime:
    """Problems created before this instant count for the resolution rate: whole days, so the
    figure does not change with the hour it is looked at (the same rule as duty progress)."""
    return datetime.combine(today, time.min, tzinfo=UTC) - timedelta(days=age_days)


async def ledger_counts(
    session: AsyncSession, village_ids: Sequence[int], cutoff: datetime
) -> dict[int, dict[ProblemStatus, tuple[int, int]]]:
    """Per village and status: (problems, problems created before `cutoff`), in one query."""
    rows = await session.execute(
        select(
            Problem.village_id, Problem.status, func.count(), func.sum(case((Problem.created_at < cutoff, 1), else_=0))
        )
        .where(Problem.village_id.in_(village_ids))
        .group_by(Problem.village_id, Problem.status)
    )
    counts: dict[int, dict[ProblemStatus, tuple[int, int]]] = {}
    for village_id, status, count, old_count in rows.tuples():
        counts.setdefault(village_id, {})[ProblemStatus(status)] = (int(count), int(old_count or 0))
    return counts


async def ledger_summary(
    session: AsyncSession, actor: Actor | None, village_id: int | None, today: date
) -> LedgerSummary:
    """Totals by status and the resolution rate: resolved ÷ all problems older than the county's
    `problem_resolution_age_days` (newer problems have not had a fair chance yet)."""
    actor = require_role(actor, *STAFF_ROLES)
    target = village_id if village_id is not None else actor.village_id
    if target is None:
        raise InvalidInput("请指定村/社区", field="villageId")
    village = await access_org_unit(session, actor, target, kind=OrgKind.VILLAGE)
    rules = await rules_for(session, village.county_id or actor.county_id)
    cutoff = resolution_cutoff(today, rules.problem_resolution_age_days)
    counts = (await ledger_counts(session, [village.id], cutoff)).get(village.id, {})
    by_status = {status: counts.get(status, (0, 0))[0] for status in ProblemStatus}
    old = sum(old_count for _, old_count in counts.values())
    resolved_old = counts.get(ProblemStatus.RESOLVED, (0, 0))[1]
    return LedgerSummary(
        village=village,
        total=sum(by_status.values()),
        by_status=by_status,
        age_days=rules.problem_resolution_age_days,
        resolved_old=resolved_old,
        old=old,
        min_count=await ledger_minimum(session, village.county_id or actor.county_id),
    )


async def ledger_minimum(session: AsyncSession, county_id: int) -> int:
    """The problems the county's newest checklist requires in a village ledger (its LEDGER item's
    threshold); 0 when the checklist has no ledger item."""
    checklist = await county_checklist(session, county_id)
    return next((i.threshold for i in checklist.items if i.rule is ChecklistRule.LEDGER), 0)
