"""Reading polls: lists per role, running counts (staff only), public results and board,
and the supervising committee's recount list (county only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import ErrorCode
from backend.core.pagination import Page, paginate
from backend.org.access import access_org_unit, require_actor, require_role
from backend.org.models import OrgKind, Role
from backend.polls import board
from backend.polls.access import access_poll, scope_polls
from backend.polls.common import poll_error
from backend.polls.models import Ballot, BallotChoice, Poll, PollStatus, PollVoter, StagedBallot


async def list_polls(
    session: AsyncSession,
    actor: Actor | None,
    *,
    village_id: int | None,
    status: PollStatus | None,
    first: int | None,
    after: str | None,
) -> Page[Poll]:
    actor = require_actor(actor)
    stmt = select(Poll).where(scope_polls(actor))
    if village_id is not None:
        await access_org_unit(session, actor, village_id, kind=OrgKind.VILLAGE)
        stmt = stmt.where(Poll.village_id == village_id)
    if status is not None:
        stmt = stmt.where(Poll.status == status)
    return await paginate(session, stmt, [Poll.id], first=first, after=after, descending=True)


async def get_poll(session: AsyncSession, actor: Actor | None, poll_id: int) -> Poll:
    return await access_poll(session, actor, poll_id)


@dataclass(frozen=True)
class Progress:
    status: PollStatus
    roster_size: int
    roster_with_account: int
    credentials_issued: int
    paper_slips_issued: int
    ballots_cast: int


async def progress(session: AsyncSession, actor: Actor | None, poll_id: int) -> Progress:
    """Counts only — never a choice — for the township and the county while the poll runs."""
    poll = await access_poll(session, actor, poll_id, to="supervise")
    row = (
        await session.execute(
            select(
                func.count(),
                func.count(PollVoter.user_id),
                func.count().filter(PollVoter.credential_issued.is_(True)),
                func.count().filter(PollVoter.paper_issued.is_(True)),
            ).where(PollVoter.poll_id == poll.id)
        )
    ).one()
    table = Ballot if poll.status is PollStatus.CLOSED else StagedBallot
    cast = await session.scalar(select(func.count()).select_from(table).where(table.poll_id == poll.id))
    return Progress(
        status=poll.status,
        roster_size=int(row[0]),
        roster_with_account=int(row[1]),
        credentials_issued=int(row[2]),
        paper_slips_issued=int(row[3]),
        ballots_cast=int(cast or 0),
    )


@dataclass(frozen=True)
class MyStatus:
    on_roster: bool
    credential_issued: bool
    paper_issued: bool


async def my_status(session: AsyncSession, actor: Actor, poll: Poll) -> MyStatus | None:
    """A member's own roster flags (None for other roles)."""
    if actor.role is not Role.MEMBER:
        return None
    row = (
        await session.execute(
            select(PollVoter.credential_issued, PollVoter.paper_issued).where(
                PollVoter.poll_id == poll.id, PollVoter.user_id == actor.user_id
            )
        )
    ).first()
    if row is None:
        return MyStatus(on_roster=False, credential_issued=False, paper_issued=False)
    return MyStatus(on_roster=True, credential_issued=bool(row[0]), paper_issued=bool(row[1]))


async def board_document(session: AsyncSession, poll_id: int) -> dict[str, Any]:
    return board.board_document(poll_id, await board.entries(session, poll_id))


async def public_board(session: AsyncSession, poll_id: int) -> dict[str, Any]:
    """The board of a poll past its draft, for anyone (GraphQL `pollBoard`, `GET …/board.json`)."""
    poll = await access_poll(session, None, poll_id, to="public")
    return await board_document(session, poll.id)


async def recount(
    session: AsyncSession, actor: Actor | None, poll_id: int
) -> tuple[Poll, list[tuple[str, BallotChoice]]]:
    """Receipt → choice for the supervising committee (县委组织部): the county, after close."""
    require_role(actor, Role.COUNTY)
    poll = await access_poll(session, actor, poll_id, to="supervise")
    if poll.status is not PollStatus.CLOSED:
        raise poll_error(ErrorCode.POLL_NOT_OPEN, "测评结束后才能复核选票")
    rows = await session.execute(
        select(Ballot.receipt, Ballot.choice).where(Ballot.poll_id == poll.id).order_by(Ballot.receipt)
    )
    return poll, [(r, c) for r, c in rows]
