"""The login challenge: after a correct password, a single-use token bound to the user, valid for
CHALLENGE_SECONDS, that allows one thing — typing a code ("verify") or enrolling an authenticator
the county requires ("enrol") — and is spent by the session it ends in. Stored as its SHA-256."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import LoginChallenge
from backend.auth.tokens import hash_refresh_token, new_refresh_token
from backend.core.errors import DomainError, ErrorCode

CHALLENGE_SECONDS = 5 * 60
Purpose = Literal["verify", "enrol"]


class ChallengeInvalid(DomainError):
    code = ErrorCode.TOKEN_INVALID

    def __init__(self) -> None:
        super().__init__("验证已过期或无效，请重新输入密码登录", field="challenge")


@dataclass(frozen=True)
class Challenge:
    """What `login` answers instead of a session when a second step is needed."""

    token: str
    purpose: Purpose
    expires_in: int


async def issue(session: AsyncSession, user_id: int, purpose: Purpose, now: datetime) -> Challenge:
    # The user's earlier challenges end here: one open login step per account.
    await session.execute(delete(LoginChallenge).where(LoginChallenge.user_id == user_id))
    token = new_refresh_token()
    session.add(
        LoginChallenge(
            token_hash=hash_refresh_token(token),
            user_id=user_id,
            purpose=purpose,
            created_at=now,
            expires_at=now + timedelta(seconds=CHALLENGE_SECONDS),
        )
    )
    await session.flush()
    return Challenge(token=token, purpose=purpose, expires_in=CHALLENGE_SECONDS)


async def open_challenge(session: AsyncSession, token: str, purpose: Purpose, now: datetime) -> LoginChallenge:
    """The unspent, unexpired challenge of this purpose, or ChallengeInvalid."""
    row = (
        await session.execute(select(LoginChallenge).where(LoginChallenge.token_hash == hash_refresh_token(token)))
    ).scalar_one_or_none()
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= now:
        raise ChallengeInvalid()
    return row


async def spend(session: AsyncSession, challenge: LoginChallenge, now: datetime) -> None:
    """Mark it used — once: a second request racing with the same challenge is refused."""
    spent = cast(
        CursorResult[Any],
        await session.execute(
            update(LoginChallenge)
            .where(LoginChallenge.id == challenge.id, LoginChallenge.used_at.is_(None))
            .values(used_at=now)
        ),
    )
    if spent.rowcount != 1:
        raise ChallengeInvalid()
