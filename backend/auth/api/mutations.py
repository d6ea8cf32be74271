"""Login, token refresh and logout."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

import strawberry

from backend.auth import sessions as auth
from backend.core.errors import DomainError
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.org.api.types import User


@strawberry.type
class AuthPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    expires_in: int | None = None
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def from_session(cls, session: auth.Session) -> AuthPayload:
        return cls(
            access_token=session.access_token,
            refresh_token=session.refresh_token,
            expires_in=session.expires_in,
            user=User.from_model(session.user),
        )


@strawberry.type
class OkPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


async def _committing_failure(
    attempt: Coroutine[Any, Any, auth.Session],
) -> tuple[auth.Session | None, DomainError | None]:
    try:
        return await attempt, None
    except DomainError as exc:
        return None, exc


def _payload_or_raise(result: auth.Session | None, failure: DomainError | None) -> AuthPayload:
    if failure is not None:
        raise failure
    assert result is not None
    return AuthPayload.from_session(result)


@strawberry.type
class AuthMutations:
    @strawberry.mutation(description="Log in with phone number and password.")
    @returns_payload_errors(AuthPayload)
    async def login(self, info: Info, phone: str, password: str) -> AuthPayload:
        ctx = info.context
        await ctx.rate_limits.login(phone)  # before any database work or password hashing
        async with ctx.transaction() as session:
            # A failed attempt is recorded (committed) even though the login fails.
            result, failure = await _committing_failure(auth.login(session, ctx.settings, phone, password))
        return _payload_or_raise(result, failure)

    @strawberry.mutation(description="Exchange a refresh token for a new pair (rotation).")
    @returns_payload_errors(AuthPayload)
    async def refresh_token(self, info: Info, refresh_token: str) -> AuthPayload:
        ctx = info.context
        async with ctx.transaction() as session:
            # A reused token revokes its whole family: that revocation is committed too.
            result, failure = await _committing_failure(auth.refresh(session, ctx.settings, refresh_token))
        return _payload_or_raise(result, failure)

    @strawberry.mutation(description="Revoke the session that this refresh token belongs to.")
    @returns_payload_errors(OkPayload)
    async def logout(self, info: Info, refresh_token: str) -> OkPayload:
        async with info.context.transaction() as session:
            await auth.logout(session, refresh_token)
        return OkPayload(ok=True)
