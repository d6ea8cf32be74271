"""Writing the audit trail (append-only; the database refuses UPDATE and DELETE).

`record()` only adds the event to the session; its place in the county's hash chain (seq,
prev_hash, hash) is assigned when the session flushes (`backend.audit.chain`, installed by
`backend.hooks.install_process_hooks`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit.models import AuditEvent
from backend.auth.actor import Actor


def record(
    session: AsyncSession,
    actor: Actor | None,
    *,
    county_id: int,
    entity: str,
    entity_id: str | int,
    action: str,
    version: int | None = None,
    detail: dict[str, Any] | None = None,
    actor_user_id: int | None = None,
) -> AuditEvent:
    """`actor_user_id` names the acting user where no Actor exists yet (a login)."""
    event = AuditEvent(
        actor_user_id=actor.user_id if actor and actor.user_id else actor_user_id,
        county_id=county_id,
        entity=entity,
        entity_id=str(entity_id),
        action=action,
        version=version,
        detail=detail or {},
    )
    session.add(event)
    return event
