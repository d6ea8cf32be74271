"""The one-time login ticket: how a login finished at /auth/oidc/callback reaches the PWA without
putting tokens in a URL. The callback issues one (a minute long) and redirects with it; the PWA
redeems it once with `completeExternalLogin` for the same tokens `login` gives."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import sessions
from backend.core.settings import Settings
from backend.identity.errors import TicketInvalid
from backend.identity.models import LoginTicket
from backend.org.models import User

TICKET_SECONDS = 60


def _hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


async def issue_ticket(session: AsyncSession, user: User, now: datetime) -> str:
    await session.execute(delete(LoginTicket).where(LoginTicket.expires_at < now - timedelta(hours=1)))
    ticket = secrets.token_urlsafe(32)
    session.add(
        LoginTicket(
            ticket_hash=_hash(ticket),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(seconds=TICKET_SECONDS),
        )
    )
    await session.flush()
    return ticket


async def redeem_ticket(session: AsyncSession, settings: Settings, ticket: str, now: datetime) -> sessions.Session:
    """Spends the ticket (a second use fails, even at the same moment) and starts a session."""
    if not ticket or len(ticket) > 100:
        raise TicketInvalid()
    digest = _hash(ticket)
    spent = cast(
        CursorResult[Any],
        await session.execute(
            update(LoginTicket)
            .where(LoginTicket.ticket_hash == digest, LoginTicket.used_at.is_(None), LoginTicket.expires_at > now)
            .values(used_at=now)
        ),
    )
    if spent.rowcount != 1:
        raise TicketInvalid()
    user = (
        await session.scalars(
            select(User).join(LoginTicket, LoginTicket.user_id == User.id).where(LoginTicket.ticket_hash == digest)
        )
    ).one()
    return await sessions.start_session(session, settings, user, now=now, method="identity_platform")
