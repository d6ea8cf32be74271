"""Township review: approve, or return with a comment. Every step goes into the audit trail."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import Forbidden, InvalidInput, InvalidState, NotFound
from backend.core.sync import client_id
from backend.filings.models import Filing, FilingStatus
from backend.filings.queries import lock_filing
from backend.org.access import require_role
from backend.org.models import Role


class ReviewDecision(enum.StrEnum):
    APPROVE = "approve"
    RETURN = "return"


async def review_filing(
    session: AsyncSession,
    actor: Actor | None,
    filing_id: str,
    decision: ReviewDecision,
    comment: str | None,
    *,
    now: datetime | None = None,
) -> Filing:
    actor = require_role(actor, Role.TOWNSHIP)
    now = now or datetime.now(UTC)
    filing = await lock_filing(session, client_id(filing_id))
    if filing is None:
        raise NotFound("记录不存在")
    if filing.township_id != actor.township_id:
        raise Forbidden()
    if filing.status is not FilingStatus.SUBMITTED:
        raise InvalidState("该记录不在待审核状态（可能已被审核）")
    comment = (comment or "").strip()
    if decision is ReviewDecision.RETURN and not comment:
        raise InvalidInput("退回时请填写意见", field="comment")
    if len(comment) > 1000:
        raise InvalidInput("意见不能超过 1000 个字", field="comment")
    filing.status = FilingStatus.APPROVED if decision is ReviewDecision.APPROVE else FilingStatus.RETURNED
    filing.review_comment = comment or None
    filing.reviewed_by = actor.user_id
    filing.reviewed_at = now
    filing.updated_at = now
    await session.flush()  # bumps the version the audit event records
    audit.record(
        session,
        actor,
        county_id=filing.county_id,
        entity="filing",
        entity_id=filing.id,
        action="approved" if decision is ReviewDecision.APPROVE else "returned",
        version=filing.version,
        detail={"comment": comment} if comment else {},
    )
    await session.flush()
    return filing
