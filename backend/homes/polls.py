"""Polls that are not closed, with their running counts and the township's next task — for every
listed poll in a fixed number of statements (the counts are `polls/readiness.py` `counts_of`).

The task follows the poll's own rules (`polls/readiness.py`, the one place for each step's
preconditions): a draft with a roster can start issuing, one without must import it first; while
issuing, voting can be opened without a warning once enough people hold a credential or a slip to
reach two thirds of the roster; while voting, the poll can be closed without a warning once ballots
reach two thirds. Short of that the township waits for people. Whether to act stays its call: the
manage screen offers the step with its warnings.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.org.access import require_role
from backend.org.models import OrgUnit, Role, SecretaryProfile
from backend.polls.access import scope_polls
from backend.polls.models import Poll, PollStatus
from backend.polls.readiness import Counts, counts_of, readiness


class PollTask(enum.StrEnum):
    IMPORT_ROSTER = "import_roster"  # a draft without a roster: import it first
    START_ISSUING = "start_issuing"  # the roster is ready
    ISSUING = "issuing"  # credentials and slips still being handed out
    OPEN_VOTING = "open_voting"  # enough people can vote for a valid poll
    VOTING = "voting"  # below two thirds of the roster so far
    CLOSE = "close"  # ballots reached two thirds of the roster


# The tasks the township can do now; while issuing or voting below the line it waits for people.
READY = frozenset({PollTask.IMPORT_ROSTER, PollTask.START_ISSUING, PollTask.OPEN_VOTING, PollTask.CLOSE})


def task_of(counts: Counts) -> PollTask:
    check = readiness(counts).next_step
    clear = check is not None and check.allowed and not check.warnings
    match counts.status:
        case PollStatus.DRAFT:
            return PollTask.START_ISSUING if check is not None and check.allowed else PollTask.IMPORT_ROSTER
        case PollStatus.ISSUING:
            return PollTask.OPEN_VOTING if clear else PollTask.ISSUING
    return PollTask.CLOSE if clear else PollTask.VOTING


@dataclass(frozen=True)
class RunningPoll:
    id: int
    title: str
    period: str
    status: PollStatus
    secretary_name: str
    village_name: str
    counts: Counts

    @property
    def roster_size(self) -> int:
        return self.counts.roster

    @property
    def issued(self) -> int:
        """Credentials + paper slips."""
        return self.counts.can_vote

    @property
    def ballots_cast(self) -> int:
        return self.counts.ballots

    @property
    def step(self) -> PollTask:
        return task_of(self.counts)

    @property
    def ready(self) -> bool:
        """The township can take the next step now."""
        return self.step in READY

    @property
    def turnout(self) -> float | None:
        """Ballots cast ÷ roster, 0–1 (None without a roster)."""
        return round(self.ballots_cast / self.roster_size, 4) if self.roster_size else None


@dataclass(frozen=True)
class RunningPolls:
    polls: list[RunningPoll]  # ready first, then by id
    by_status: dict[PollStatus, int]  # every poll of the caller's place, closed ones included


async def running_polls(
    session: AsyncSession, actor: Actor | None, *, statuses: Sequence[PollStatus] | None = None
) -> RunningPolls:
    """County and township: the polls of their place not yet closed (or of `statuses`), with counts.
    At most six statements, however many polls."""
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    wanted = tuple(statuses or (PollStatus.DRAFT, PollStatus.ISSUING, PollStatus.VOTING))
    by_status = {
        PollStatus(status): int(n)
        for status, n in (
            await session.execute(select(Poll.status, func.count()).where(scope_polls(actor)).group_by(Poll.status))
        ).tuples()
    }
    rows = (
        (
            await session.execute(
                select(Poll, SecretaryProfile.name, OrgUnit.name)
                .join(SecretaryProfile, SecretaryProfile.id == Poll.secretary_id)
                .join(OrgUnit, OrgUnit.id == Poll.village_id)
                .where(scope_polls(actor), Poll.status.in_(wanted))
                .order_by(Poll.id)
            )
        )
        .tuples()
        .all()
    )
    counts = await counts_of(session, [poll for poll, _, _ in rows])
    polls = [
        RunningPoll(poll.id, poll.title, poll.period, poll.status, secretary, village, counts[poll.id])
        for poll, secretary, village in rows
    ]
    polls.sort(key=lambda p: (not p.ready, p.id))
    return RunningPolls(polls, by_status)
