"""Shared by the poll services: the doors to a poll (jurisdiction per role), locks, errors."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import DomainError, ErrorCode, Forbidden, NotFound
from backend.org.access import require_actor, require_role
from backend.org.models import Role
from backend.polls.models import Poll, PollStatus

# pg_advisory_xact_lock(int4, int4) namespace for polls ("POLL").
POLL_LOCK_CLASS = 0x504F4C4C


def not_found() -> NotFound:
    return NotFound("测评不存在")


def poll_error(code: ErrorCode, message: str, field: str | None = None) -> DomainError:
    return DomainError(message, code=code, field=field)


def require_status(poll: Poll | PollStatus, wanted: PollStatus, action: str) -> None:
    """POLL_NOT_OPEN before the wanted phase, POLL_CLOSED after it."""
    order = list(PollStatus)
    status = poll.status if isinstance(poll, Poll) else PollStatus(poll)
    if status is wanted:
        return
    if order.index(status) < order.index(wanted):
        raise poll_error(ErrorCode.POLL_NOT_OPEN, f"测评尚未进入{_PHASE[wanted]}阶段，不能{action}")
    raise poll_error(ErrorCode.POLL_CLOSED, f"测评的{_PHASE[wanted]}阶段已结束，不能{action}")


_PHASE = {
    PollStatus.DRAFT: "名单准备",
    PollStatus.ISSUING: "发放凭证",
    PollStatus.VOTING: "投票",
    PollStatus.CLOSED: "结束",
}


def shared_lock_sql(poll_id: int) -> str:
    """The casting lock as an SQL expression with literal arguments (for a one-round-trip batch)."""
    return f"pg_advisory_xact_lock_shared({POLL_LOCK_CLASS}, {int(poll_id) % 2_147_483_647})"


async def lock_poll(session: AsyncSession, poll_id: int, *, exclusive: bool) -> None:
    """PostgreSQL: a transaction-scoped advisory lock per poll. Casting and issuing take it
    shared; opening voting and closing take it exclusive, so no ballot or credential can land
    between the count and the status change. SQLite: write transactions already take turns."""
    if session.get_bind().dialect.name != "postgresql":
        return
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await session.execute(text(f"SELECT {fn}(:c, :k)"), {"c": POLL_LOCK_CLASS, "k": poll_id % 2_147_483_647})


async def _get(session: AsyncSession, poll_id: int, *, for_update: bool = False) -> Poll:
    stmt = select(Poll).where(Poll.id == poll_id)
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    poll = (await session.scalars(stmt)).first()
    if poll is None:
        raise not_found()
    return poll


async def managed_poll(session: AsyncSession, actor: Actor | None, poll_id: int, *, for_update: bool = False) -> Poll:
    """The township of the poll's village only."""
    actor = require_role(actor, Role.TOWNSHIP)
    poll = await _get(session, poll_id, for_update=for_update)
    if poll.township_id != actor.township_id:
        raise Forbidden()
    return poll


async def supervised_poll(session: AsyncSession, actor: Actor | None, poll_id: int) -> Poll:
    """Township of the village or the county: the roster and the running counts."""
    actor = require_role(actor, Role.TOWNSHIP, Role.COUNTY)
    poll = await _get(session, poll_id)
    if not can_supervise(actor, poll):
        raise Forbidden()
    return poll


def can_supervise(actor: Actor, poll: Poll) -> bool:
    if actor.role is Role.COUNTY:
        return poll.county_id == actor.county_id
    return actor.role is Role.TOWNSHIP and poll.township_id == actor.township_id


def can_read(actor: Actor, poll: Poll) -> bool:
    """County: the county; township: its villages; member: own village once the roster is
    locked; the secretary being rated: own village, results only (after close)."""
    match actor.role:
        case Role.COUNTY | Role.TOWNSHIP:
            return can_supervise(actor, poll)
        case Role.MEMBER:
            return poll.village_id == actor.village_id and poll.status is not PollStatus.DRAFT
        case Role.VILLAGE:
            return poll.village_id == actor.village_id and poll.status is PollStatus.CLOSED
    return False


async def readable_poll(session: AsyncSession, actor: Actor | None, poll_id: int) -> Poll:
    actor = require_actor(actor)
    poll = await _get(session, poll_id)
    if not can_read(actor, poll):
        raise Forbidden()
    return poll


async def public_poll(session: AsyncSession, poll_id: int) -> Poll:
    """No login: any poll past its draft (the notice sheet and the paper slips name it)."""
    poll = await _get(session, poll_id)
    if poll.status is PollStatus.DRAFT:
        raise not_found()
    return poll
