"""The role homes: plain values only (names joined by the services), so a home is one request and
a fixed number of SQL statements. The township's and the county's parts are resolved one field
each (a part not asked for is not computed); parts that share a computation share it once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Generic, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.allowance import AllowanceRow
from backend.attendance.roll_calls import REASON_LABELS, RollCallView, running_roll_calls
from backend.auth.actor import Actor
from backend.duties.api.types import DutyStatus
from backend.filings.api.types import FilingKind
from backend.homes import county, polls, township
from backend.homes.secretary import SecretaryHome as Home
from backend.org.api.types import Secretary, StationMode
from backend.polls.api.types import PollStatus
from backend.polls.models import PollStatus as Phase
from backend.problems import ledger
from backend.problems.api.types import ProblemStatus

T = TypeVar("T")


class _Shared(Generic[T]):
    """One computation awaited by sibling fields that GraphQL resolves concurrently."""

    def __init__(self, compute: Callable[[], Awaitable[T]]) -> None:
        self._compute = compute
        self._task: asyncio.Future[T] | None = None

    async def get(self) -> T:
        if self._task is None:
            self._task = asyncio.ensure_future(self._compute())
        return await self._task


# --- the first secretary ------------------------------------------------------------------------


@strawberry.type(description="An open roll call naming the secretary: check in before the deadline.")
class RollCallDue:
    id: strawberry.ID
    deadline: datetime
    reason_label: str = strawberry.field(description="Why the township calls (督查抽查 / 应急 / 安全 / 其他).")
    note: str
    answered: bool

    @classmethod
    def from_view(cls, view: RollCallView) -> RollCallDue:
        rc = view.roll_call
        return cls(
            id=strawberry.ID(rc.id),
            deadline=rc.deadline_at,
            reason_label=REASON_LABELS[rc.reason],
            note=rc.note,
            answered=view.answered_count > 0,
        )


@strawberry.type(description="A filing the township returned, waiting for the secretary's fix.")
class ReturnedFiling:
    id: strawberry.ID
    kind: FilingKind
    title: str
    review_comment: str | None
    reviewed_at: datetime | None


@strawberry.type(description="This month's work-diary entries against the checklist's monthly diary item.")
class DiaryMonth:
    month: str = strawberry.field(description="YYYY-MM")
    count: int = strawberry.field(description="Counted (submitted or approved) entries dated this month.")
    required: int = strawberry.field(description="Entries per month the checklist's monthly diary item requires.")


@strawberry.type(description="第一书记首页: the secretary's tasks today, in one request.")
class SecretaryHome:
    secretary: Secretary
    village_id: strawberry.ID
    village_name: str
    township_name: str | None
    household_count: int
    open_roll_calls: list[RollCallDue] = strawberry.field(description="Soonest deadline first.")
    returned_count: int
    returned: list[ReturnedFiling] = strawberry.field(description="The newest few; myInbox has them all.")
    diary: DiaryMonth | None = strawberry.field(
        description="This month's diary count; null when the secretary's checklist has no monthly diary item."
    )
    checklist_name: str = strawberry.field(description="The name of the checklist the term uses now (八个一 …).")
    duties_done: int
    duties_total: int
    next_duty: DutyStatus | None = strawberry.field(
        description="The first item of the checklist, in its order, not yet complete; null when all are."
    )

    @classmethod
    def from_home(cls, home: Home) -> SecretaryHome:
        next_duty = home.next_duty
        return cls(
            secretary=Secretary.from_model(home.secretary),
            village_id=strawberry.ID(str(home.village.id)),
            village_name=home.village.name,
            township_name=home.township_name,
            household_count=home.household_count,
            open_roll_calls=[RollCallDue.from_view(v) for v in home.roll_calls],
            returned_count=home.returned.total,
            returned=[
                ReturnedFiling(
                    id=strawberry.ID(f.id),
                    kind=f.kind,
                    title=f.title,
                    review_comment=f.review_comment,
                    reviewed_at=f.reviewed_at,
                )
                for f in home.returned.items
            ],
            diary=None
            if home.diary_required is None
            else DiaryMonth(
                month=home.month.strftime("%Y-%m"), count=home.diary_this_month, required=home.diary_required
            ),
            checklist_name=home.progress.checklist_name,
            duties_done=home.progress.completed_count,
            duties_total=len(home.progress.duties),
            next_duty=DutyStatus.of(next_duty) if next_duty else None,
        )


# --- the township -------------------------------------------------------------------------------


@strawberry.type(description="A filing waiting for review.")
class WaitingFiling:
    id: strawberry.ID
    kind: FilingKind
    title: str
    secretary_name: str
    village_name: str
    submitted_at: datetime | None


@strawberry.type(description="待审核: how many filings wait, and the oldest few.")
class ReviewWaiting:
    total: int
    oldest: list[WaitingFiling]

    @classmethod
    def from_head(cls, head: township.ReviewHead) -> ReviewWaiting:
        return cls(
            total=head.total,
            oldest=[
                WaitingFiling(
                    id=strawberry.ID(i.filing.id),
                    kind=i.filing.kind,
                    title=i.filing.title,
                    secretary_name=i.secretary_name,
                    village_name=i.village_name,
                    submitted_at=i.filing.submitted_at,
                )
                for i in head.oldest
            ],
        )


@strawberry.type(description="A roll call whose deadline has not passed.")
class RunningRollCall:
    id: strawberry.ID
    started_at: datetime
    deadline: datetime
    note: str
    answered_count: int
    total_count: int

    @classmethod
    def from_view(cls, view: RollCallView) -> RunningRollCall:
        rc = view.roll_call
        return cls(
            id=strawberry.ID(rc.id),
            started_at=rc.started_at,
            deadline=rc.deadline_at,
            note=rc.note,
            answered_count=view.answered_count,
            total_count=len(view.targets),
        )


PollTask = polls.PollTask  # marked in place by strawberry.enum: the name stays a type for mypy
strawberry.enum(
    PollTask,
    name="PollTask",
    description="The poll's next step: import the roster, start issuing, (issuing), open voting, (voting), close.",
)


@strawberry.type(description="A poll not closed, with counts only (never a choice) and its next step.")
class PollInProgress:
    id: strawberry.ID
    title: str
    period: str
    status: PollStatus
    secretary_name: str
    village_name: str
    roster_size: int
    issued: int = strawberry.field(description="Credentials and paper slips handed out.")
    ballots_cast: int
    turnout: float | None = strawberry.field(description="Ballots ÷ roster, 0–1.")
    step: PollTask
    ready: bool = strawberry.field(description="The township can take the step now.")

    @classmethod
    def from_running(cls, p: polls.RunningPoll) -> PollInProgress:
        return cls(
            id=strawberry.ID(str(p.id)),
            title=p.title,
            period=p.period,
            status=p.status,
            secretary_name=p.secretary_name,
            village_name=p.village_name,
            roster_size=p.roster_size,
            issued=p.issued,
            ballots_cast=p.ballots_cast,
            turnout=p.turnout,
            step=p.step,
            ready=p.ready,
        )


@strawberry.type(description="An unresolved problem older than the county's age line.")
class OverdueProblem:
    id: strawberry.ID
    title: str
    status: ProblemStatus
    village_name: str
    created_at: datetime


@strawberry.type(description="Unresolved problems (open or in progress) of the caller's place.")
class OpenProblems:
    age_days: int = strawberry.field(description="The county's problemResolutionAgeDays.")
    unresolved: int
    overdue: int = strawberry.field(description="Unresolved and older than ageDays.")
    oldest_overdue: list[OverdueProblem]

    @classmethod
    def from_data(cls, data: ledger.OpenProblems) -> OpenProblems:
        return cls(
            age_days=data.age_days,
            unresolved=data.unresolved,
            overdue=data.overdue,
            oldest_overdue=[
                OverdueProblem(
                    id=strawberry.ID(p.id), title=p.title, status=p.status, village_name=name, created_at=p.created_at
                )
                for p, name in data.oldest_overdue
            ],
        )


# --- the county ---------------------------------------------------------------------------------


@strawberry.type(description="One township's secretaries and their checklist items.")
class TownshipDuties:
    township_id: strawberry.ID
    township_name: str
    secretary_count: int
    completed_share: float | None = strawberry.field(description="Duties completed ÷ duties due, 0–1.")
    behind_count: int = strawberry.field(description="Secretaries behind the pace of their term.")

    @classmethod
    def from_data(cls, t: county.TownshipDuties) -> TownshipDuties:
        return cls(
            township_id=strawberry.ID(str(t.township_id)),
            township_name=t.township_name,
            secretary_count=t.secretary_count,
            completed_share=t.completed_share,
            behind_count=t.behind_count,
        )


@strawberry.type(
    description="A secretary whose share of their checklist's items done is below half the share of their term "
    "passed (filed duties only — never use of the app)."
)
class BehindSecretary:
    secretary_id: strawberry.ID
    secretary_name: str
    village_name: str
    township_id: strawberry.ID
    township_name: str
    completed_count: int
    total_count: int
    term_passed: float = strawberry.field(description="Share of the term passed, 0–1.")

    @classmethod
    def from_data(cls, b: county.BehindSecretary) -> BehindSecretary:
        p = b.pace.progress
        return cls(
            secretary_id=strawberry.ID(str(p.secretary.id)),
            secretary_name=p.secretary.name,
            village_name=b.village_name,
            township_id=strawberry.ID(str(b.township_id)),
            township_name=b.township_name,
            completed_count=p.completed_count,
            total_count=len(p.duties),
            term_passed=round(b.pace.term_passed, 4),
        )


@strawberry.type(description="A secretary whose stationed days were far below what the month asked.")
class FewDays:
    secretary_id: strawberry.ID
    secretary_name: str
    village_name: str
    township_name: str
    mode: StationMode
    stationed_days: int
    expected_days: int

    @classmethod
    def from_row(cls, r: AllowanceRow) -> FewDays:
        return cls(
            secretary_id=strawberry.ID(str(r.secretary_id)),
            secretary_name=r.secretary_name,
            village_name=r.village_name,
            township_name=r.township_name,
            mode=r.mode,
            stationed_days=r.stationed_days,
            expected_days=r.expected_days,
        )


@strawberry.type(description="Last month's attendance, as information for leaders (never a deduction).")
class AttendanceNotes:
    month: str = strawberry.field(description="YYYY-MM: the last full month.")
    secretary_count: int
    few_days_count: int
    few_days: list[FewDays] = strawberry.field(description="Fewest days first.")


@strawberry.type(description="Polls of the county by phase, and those in progress with their turnout.")
class CountyPolls:
    draft: int
    issuing: int
    voting: int
    closed: int
    in_progress: list[PollInProgress] = strawberry.field(description="Issuing and voting, lowest turnout first.")


@strawberry.type(description="Whether this year's ranking is published (晾晒).")
class RankingStatus:
    period: str
    published: bool
    snapshot_id: strawberry.ID | None
    published_at: datetime | None


@strawberry.type(description="待办: what waits for the township today, in one request.")
class TownshipToday:
    _actor: strawberry.Private[Actor]
    _today: strawberry.Private[date]

    @strawberry.field(description="Filings to review: the count and the oldest few.")
    async def review(self, info: strawberry.Info) -> ReviewWaiting:
        async with info.context.session() as session:
            return ReviewWaiting.from_head(await township.review_head(session, self._actor))

    @strawberry.field(description="Roll calls whose deadline has not passed, with answered / total.")
    async def roll_calls(self, info: strawberry.Info) -> list[RunningRollCall]:
        async with info.context.session() as session:
            views = await running_roll_calls(session, self._actor)
        return [RunningRollCall.from_view(v) for v in views]

    @strawberry.field(description="Polls not closed, those ready for their next step first.")
    async def polls(self, info: strawberry.Info) -> list[PollInProgress]:
        async with info.context.session() as session:
            running = await polls.running_polls(session, self._actor)
        return [PollInProgress.from_running(p) for p in running.polls]

    @strawberry.field(description="Unresolved problems of its villages; the oldest past the age line.")
    async def problems(self, info: strawberry.Info) -> OpenProblems:
        async with info.context.session() as session:
            return OpenProblems.from_data(await ledger.open_problems(session, self._actor, self._today))


@strawberry.type(description="县委组织部总览: the county at a glance, in one request; every number has a list.")
class CountyOverview:
    _actor: strawberry.Private[Actor]
    _today: strawberry.Private[date]
    _duties: strawberry.Private[_Shared[county.CountyDuties]]

    @classmethod
    def of(
        cls, actor: Actor, today: date, session: Callable[[], AbstractAsyncContextManager[AsyncSession]]
    ) -> CountyOverview:
        async def duties() -> county.CountyDuties:
            async with session() as s:
                return await county.county_duties(s, actor, today=today)

        return cls(_actor=actor, _today=today, _duties=_Shared(duties))

    @strawberry.field(description="The duty checklist by township, in the county's order.")
    async def townships(self) -> list[TownshipDuties]:
        return [TownshipDuties.from_data(t) for t in (await self._duties.get()).townships]

    @strawberry.field(description="Duties completed ÷ duties due over the whole county, 0–1.")
    async def completed_share(self) -> float | None:
        return (await self._duties.get()).completed_share

    @strawberry.field(description="How many secretaries are behind the pace of their term.")
    async def behind_count(self) -> int:
        return len((await self._duties.get()).behind)

    @strawberry.field(description="Secretaries behind the pace of their term, furthest behind first.")
    async def behind(self) -> list[BehindSecretary]:
        return [BehindSecretary.from_data(b) for b in (await self._duties.get()).behind]

    @strawberry.field(description="Last month's stationed days far below what it asked.")
    async def attendance(self, info: strawberry.Info) -> AttendanceNotes:
        async with info.context.session() as session:
            notes = await county.attendance_notes(session, self._actor, today=self._today)
        return AttendanceNotes(
            month=notes.month.key,
            secretary_count=notes.secretary_count,
            few_days_count=len(notes.few_days),
            few_days=[FewDays.from_row(r) for r in notes.few_days],
        )

    @strawberry.field(description="Polls by phase; those issuing or voting with their turnout.")
    async def polls(self, info: strawberry.Info) -> CountyPolls:
        async with info.context.session() as session:
            running = await polls.running_polls(session, self._actor, statuses=(Phase.ISSUING, Phase.VOTING))
        count = running.by_status.get
        in_progress = sorted(running.polls, key=lambda p: (p.turnout or 0.0, p.id))
        return CountyPolls(
            draft=count(Phase.DRAFT, 0),
            issuing=count(Phase.ISSUING, 0),
            voting=count(Phase.VOTING, 0),
            closed=count(Phase.CLOSED, 0),
            in_progress=[PollInProgress.from_running(p) for p in in_progress],
        )

    @strawberry.field(description="Unresolved problems of the county; the oldest past the age line.")
    async def problems(self, info: strawberry.Info) -> OpenProblems:
        async with info.context.session() as session:
            return OpenProblems.from_data(await ledger.open_problems(session, self._actor, self._today))

    @strawberry.field(description="Whether this year's ranking is published.")
    async def ranking(self, info: strawberry.Info) -> RankingStatus:
        async with info.context.session() as session:
            status = await county.ranking_status(session, self._actor, today=self._today)
        latest = status.latest
        return RankingStatus(
            period=status.period,
            published=latest is not None,
            snapshot_id=strawberry.ID(str(latest.id)) if latest else None,
            published_at=latest.published_at if latest else None,
        )
