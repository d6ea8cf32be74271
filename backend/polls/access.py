"""The doors to a poll and to a row of its roster (see backend/org/access.py for what a door is).

Jurisdiction is the poll's place: the county, the township of its village, the village (its
secretary and members). Inside it, the phase still decides what a role may read — a member sees a
poll once its roster is locked, the secretary being rated only the closed result — and that
refusal is FORBIDDEN: the poll is of their own village, its existence is no secret to them.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import Forbidden
from backend.org.access import one_in_scope, require_actor, require_role, scope_by_jurisdiction
from backend.org.models import Role
from backend.polls.common import NOT_FOUND_MESSAGE
from backend.polls.models import Poll, PollStatus, PollVoter

PollAccess = Literal["read", "supervise", "manage", "vote", "public"]

_ROLES: dict[PollAccess, tuple[Role, ...]] = {
    "supervise": (Role.TOWNSHIP, Role.COUNTY),  # the roster and the running counts
    "manage": (Role.TOWNSHIP,),  # roster edits and every phase change
    "vote": (Role.MEMBER,),  # a member's credential request
}


def scope_polls(actor: Actor) -> ColumnElement[bool]:
    """What the poll lists show: county all, township its villages', a member their village's
    past the draft, the secretary being rated only closed ones."""
    match actor.role:
        case Role.COUNTY:
            return Poll.county_id == actor.county_id
        case Role.TOWNSHIP:
            return Poll.township_id == actor.township_id
        case Role.MEMBER:
            return (Poll.village_id == actor.village_id) & (Poll.status != PollStatus.DRAFT)
        case Role.VILLAGE:
            return (Poll.village_id == actor.village_id) & (Poll.status == PollStatus.CLOSED)
    return false()


def _jurisdiction(actor: Actor) -> ColumnElement[bool]:
    return scope_by_jurisdiction(actor, Poll.village_id, Poll.township_id, Poll.county_id)


def _refuse_by_phase(actor: Actor, poll: Poll) -> None:
    if actor.role is Role.MEMBER and poll.status is PollStatus.DRAFT:
        raise Forbidden("参评名单确定后才能查看该测评")
    if actor.role is Role.VILLAGE and poll.status is not PollStatus.CLOSED:
        raise Forbidden("测评结束后才能查看结果")


async def access_poll(
    session: AsyncSession,
    actor: Actor | None,
    poll_id: int,
    *,
    to: PollAccess = "read",
    for_update: bool = False,
) -> Poll:
    """`to="read"`: a logged-in user of the poll's place (see `scope_polls` for the phases);
    `"supervise"`: its township or county; `"manage"`: its township; `"vote"`: a member of its
    village (the phase is the caller's to check: POLL_NOT_OPEN / POLL_CLOSED); `"public"`: anyone,
    no login, once past the draft (the notice and the paper slips name it)."""
    if to == "public":
        stmt = select(Poll).where(Poll.id == poll_id, Poll.status != PollStatus.DRAFT)
        return await one_in_scope(session, stmt, NOT_FOUND_MESSAGE, for_update=for_update)
    actor = require_actor(actor) if to == "read" else require_role(actor, *_ROLES[to])
    stmt = select(Poll).where(Poll.id == poll_id, _jurisdiction(actor))
    poll = await one_in_scope(session, stmt, NOT_FOUND_MESSAGE, for_update=for_update)
    if to == "read":
        _refuse_by_phase(actor, poll)
    return poll


async def access_poll_voter(
    session: AsyncSession, actor: Actor | None, voter_id: int, *, for_update: bool = False
) -> PollVoter:
    """A roster row, for the township that manages the poll."""
    actor = require_role(actor, *_ROLES["manage"])
    managed = select(Poll.id).where(_jurisdiction(actor))
    stmt = select(PollVoter).where(PollVoter.id == voter_id, PollVoter.poll_id.in_(managed))
    return await one_in_scope(session, stmt, "参评人员不存在", for_update=for_update)
