"""Shared by the poll services: locks, phases, errors, the audit record (the doors are in
backend/polls/access.py)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.audit.models import AuditEvent
from backend.auth.actor import Actor
from backend.core.errors import DomainError, ErrorCode, NotFound
from backend.polls.models import Poll, PollStatus

# pg_advisory_xact_lock(int4, int4) namespace for polls ("POLL").
POLL_LOCK_CLASS = 0x504F4C4C


NOT_FOUND_MESSAGE = "测评不存在"


def not_found() -> NotFound:
    return NotFound(NOT_FOUND_MESSAGE)


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


def record_poll_event(
    session: AsyncSession, actor: Actor | None, poll: Poll, action: str, **detail: object
) -> AuditEvent:
    """The audit record of the township's action on a poll (create, roster edits, phase changes,
    paper slip batches): in the poll's county chain, under the poll's id. Never called for a
    credential request or a ballot — those must leave no trace of who did what (SECURITY.md)."""
    return audit.record(
        session, actor, county_id=poll.county_id, entity="poll", entity_id=poll.id, action=action, detail=detail
    )
