"""The county's security screen (安全审计)."""

from __future__ import annotations

import strawberry

from backend.audit.api.types import SecurityEvent, SecurityEventFilter
from backend.audit.security_events import EventFilter, list_security_events
from backend.graphql.context import Info
from backend.graphql.pagination import Connection, connection_from_page, parse_optional_id


def event_filter(given: SecurityEventFilter | None) -> EventFilter:
    if given is None:
        return EventFilter()
    return EventFilter(
        kinds=frozenset(given.kinds or ()),
        since=given.from_,
        until=given.to,
        user_id=parse_optional_id(given.user_id, "userId"),
    )


@strawberry.type
class SecurityQueries:
    @strawberry.field(
        description="县委组织部 (COUNTY): the county's security log, newest first — logins, failed logins, lockouts, "
        "account and settings changes, exports and bulk reads of personal data (等级保护 2.0 安全审计)."
    )
    async def security_events(
        self,
        info: Info,
        filter: SecurityEventFilter | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[SecurityEvent]:
        flt = event_filter(filter)
        async with info.context.session() as session:
            page = await list_security_events(session, info.context.actor, flt, first=first, after=after)
        return connection_from_page(page, SecurityEvent.from_view)
