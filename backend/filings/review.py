"""Township review: approve, or return with a comment. Every step goes into the audit trail."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput, InvalidState
from backend.filings.access import access_filing
from backend.filings.models import Filing, FilingStatus


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
    filing = await access_filing(session, actor, filing_id, to="review", for_update=True)
    assert actor is not None
    now = now or datetime.now(UTC)
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
