"""Polls that are not closed, with their running counts and the township's next step — the counts
`polls/results.py` `progress` gives one poll at a time (the roster, what was issued, ballots cast;
never a choice), here for every listed poll in a fixed number of statements.

The next step follows the poll's phases (docs/SECURITY.md, "Polls"): a draft with a roster can
start issuing; issuing is done when everyone on the roster holds a credential or a paper slip;
voting may close once ballots reach two thirds of the roster — the line below which the poll is not
valid (DOMAIN.md section 4). Whether to act stays the township's call: a poll may also close
earlier, or voting open before every slip is out.
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
from backend.polls.models import Poll, PollStatus, PollVoter, StagedBallot


class PollStep(enum.StrEnum):
    IMPORT_ROSTER = "import_roster"  # a draft without a roster: import it first
    START_ISSUING = "start_issuing"  # the roster is ready
    ISSUING = "issuing"  # credentials and slips still being handed out
    OPEN_VOTING = "open_voting"  # everyone on the roster holds a credential or a slip
    VOTING = "voting"  # below two thirds of the roster so far
    CLOSE = "close"  # ballots reached two thirds of the roster


# The steps the township can take now; while issuing or voting below the line it waits for people.
READY = frozenset({PollStep.IMPORT_ROSTER, PollStep.START_ISSUING, PollStep.OPEN_VOTING, PollStep.CLOSE})


@dataclass(frozen=True)
class RunningPoll:
    id: int
    title: str
    period: str
    status: PollStatus
    secretary_name: str
    village_name: str
    roster_size: int
    issued: int  # credentials + paper slips
    ballots_cast: int

    @property
    def step(self) -> PollStep:
        match self.status:
            case PollStatus.DRAFT:
                return PollStep.START_ISSUING if self.roster_size else PollStep.IMPORT_ROSTER
            case PollStatus.ISSUING:
                return PollStep.OPEN_VOTING if self.issued >= self.roster_size else PollStep.ISSUING
        return PollStep.CLOSE if 3 * self.ballots_cast >= 2 * self.roster_size > 0 else PollStep.VOTING

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
    Four statements, however many polls."""
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
                select(Poll.id, Poll.title, Poll.period, Poll.status, SecretaryProfile.name, OrgUnit.name)
                .join(SecretaryProfile, SecretaryProfile.id == Poll.secretary_id)
                .join(OrgUnit, OrgUnit.id == Poll.village_id)
                .where(scope_polls(actor), Poll.status.in_(wanted))
                .order_by(Poll.id)
            )
        )
        .tuples()
        .all()
    )
    ids = [row[0] for row in rows]
    rosters: dict[int, tuple[int, int]] = {}
    ballots: dict[int, int] = {}
    if ids:
        issued = func.count().filter(PollVoter.credential_issued.is_(True)) + func.count().filter(
            PollVoter.paper_issued.is_(True)
        )
        found = await session.execute(
            select(PollVoter.poll_id, func.count(), issued)
            .where(PollVoter.poll_id.in_(ids))
            .group_by(PollVoter.poll_id)
        )
        rosters = {poll_id: (int(size), int(n or 0)) for poll_id, size, n in found.tuples()}
        staged = await session.execute(
            select(StagedBallot.poll_id, func.count())
            .where(StagedBallot.poll_id.in_(ids))
            .group_by(StagedBallot.poll_id)
        )
        ballots = {poll_id: int(n) for poll_id, n in staged.tuples()}
    polls = [
        RunningPoll(
            poll_id,
            title,
            period,
            PollStatus(status),
            secretary,
            village,
            *rosters.get(poll_id, (0, 0)),
            ballots.get(poll_id, 0),
        )
        for poll_id, title, period, status, secretary, village in rows
    ]
    polls.sort(key=lambda p: (not p.ready, p.id))
    return RunningPolls(polls, by_status)
