"""The door to a complaint or suggestion (see backend/org/access.py for what a door is).

Complaints go to the county (the operating unit): its county users read and answer them all. The
one who sent one with their account (not anonymously) reads their own. Nobody else — no township,
no village, no member — reads another's, least of all one about their own township or village:
the scope below has no jurisdictional branch for them at all. Anyone holding a tracking number
follows that one complaint's state and reply (`track_complaint`), never its sender or text."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.complaints.models import Complaint
from backend.core.errors import NotFound
from backend.org.access import one_in_scope, require_actor, require_role
from backend.org.models import Role

ComplaintAccess = Literal["read", "answer"]
MISSING = "投诉建议不存在"


def scope_complaints(actor: Actor) -> ColumnElement[bool]:
    """The county: every complaint sent to it. Anyone else: only what they sent with their account."""
    if actor.role is Role.COUNTY:
        return Complaint.county_id == actor.county_id
    if actor.user_id:
        return Complaint.sender_user_id == actor.user_id
    return false()


async def access_complaint(
    session: AsyncSession,
    actor: Actor | None,
    complaint_id: int,
    *,
    to: ComplaintAccess = "read",
    for_update: bool = False,
) -> Complaint:
    """`to="read"`: the county, or its sender. `"answer"`: the county it was sent to only."""
    actor = require_role(actor, Role.COUNTY) if to == "answer" else require_actor(actor)
    stmt = select(Complaint).where(Complaint.id == complaint_id, scope_complaints(actor))
    return await one_in_scope(session, stmt, MISSING, for_update=for_update)


async def track_complaint(session: AsyncSession, tracking_number: str) -> Complaint:
    """By its tracking number, for anyone (logged in or not): the number is the credential — 12
    characters of a 32-letter alphabet from `secrets` (2^60), never listed anywhere. The caller shows the
    state and the reply only."""
    found = await session.scalar(select(Complaint).where(Complaint.tracking_number == tracking_number))
    if found is None:
        raise NotFound("没有这个查询编号的投诉建议，请核对后重试")
    return found
