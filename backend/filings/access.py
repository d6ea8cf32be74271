"""The door to a filing (see backend/org/access.py for what a door is)."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.sync import client_id
from backend.filings.models import Filing
from backend.org.access import STAFF_ROLES, one_in_scope, require_role, scope_by_jurisdiction
from backend.org.models import Role, SecretaryProfile

FilingAccess = Literal["read", "review", "edit"]


def scope_filings(actor: Actor) -> ColumnElement[bool]:
    """The filings of the caller's jurisdiction, as the staff lists show them."""
    return scope_by_jurisdiction(actor, Filing.village_id, Filing.township_id, Filing.county_id)


def _scope_for(actor: Actor, to: FilingAccess) -> ColumnElement[bool]:
    if to == "edit":  # the secretary's own (a user has at most one secretary record)
        return Filing.secretary_id.in_(select(SecretaryProfile.id).where(SecretaryProfile.user_id == actor.user_id))
    if actor.role is Role.VILLAGE:  # a secretary reads the filings they made, not a predecessor's
        return scope_filings(actor) & (Filing.created_by == actor.user_id)
    return scope_filings(actor)


_ROLES: dict[FilingAccess, tuple[Role, ...]] = {
    "read": STAFF_ROLES,
    "review": (Role.TOWNSHIP,),
    "edit": (Role.VILLAGE,),
}


async def access_filing(
    session: AsyncSession,
    actor: Actor | None,
    filing_id: str,
    *,
    to: FilingAccess = "read",
    for_update: bool = False,
) -> Filing:
    """`to="read"`: staff in jurisdiction (a secretary, their own). `"review"`: the township of
    the filing's village. `"edit"`: the secretary who filed it. `for_update`: the row read for a
    change, under a row lock — a concurrent edit or review waits for this transaction, then reads
    the committed row and its version, so a stale edit is told apart before any write instead of
    failing at flush."""
    actor = require_role(actor, *_ROLES[to])
    stmt = select(Filing).where(Filing.id == client_id(filing_id), _scope_for(actor, to))
    return await one_in_scope(session, stmt, "记录不存在", for_update=for_update)
