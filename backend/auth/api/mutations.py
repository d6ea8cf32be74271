"""Login (with its second step), token refresh, logout, changing one's password."""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any, TypeVar

import strawberry

from backend.auth import sessions as auth
from backend.auth.idle import idle_timeout
from backend.auth.password_change import change_password
from backend.auth.second_factor import login as second_step
from backend.auth.second_factor.challenges import Challenge
from backend.core.errors import DomainError
from backend.core.settings import Settings
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.org.api.types import User


@strawberry.type
class AuthPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    expires_in: int | None = None
    user: User | None = None
    second_factor_required: bool = strawberry.field(
        default=False, description="The password was right; send a code with `challenge` to verifySecondFactor."
    )
    totp_enrolment_required: bool = strawberry.field(
        default=False,
        description="The county requires an authenticator: enrol with `challenge` (beginTotpEnrolment, "
        "confirmTotpEnrolment), which then returns the session.",
    )
    challenge: str | None = strawberry.field(default=None, description="Single-use; valid for challengeExpiresIn s.")
    challenge_expires_in: int | None = None
    idle_timeout_seconds: int | None = strawberry.field(
        default=None, description="County and township: the app logs out after this long without input."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def from_session(cls, session: auth.Session, settings: Settings) -> AuthPayload:
        return cls(
            access_token=session.access_token,
            refresh_token=session.refresh_token,
            expires_in=session.expires_in,
            user=User.from_model(session.user),
            idle_timeout_seconds=idle_timeout(settings, session.user.role),
        )

    @classmethod
    def from_result(cls, result: auth.Session | Challenge, settings: Settings) -> AuthPayload:
        if isinstance(result, auth.Session):
            return cls.from_session(result, settings)
        return cls(
            second_factor_required=result.purpose == "verify",
            totp_enrolment_required=result.purpose == "enrol",
            challenge=result.token,
            challenge_expires_in=result.expires_in,
        )


@strawberry.type
class OkPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


T = TypeVar("T")


def now() -> datetime:
    """The clock of the second-factor and password mutations (tests step it through TOTP periods)."""
    return datetime.now(UTC)


async def _committing_failure(attempt: Coroutine[Any, Any, T]) -> tuple[T | None, DomainError | None]:
    try:
        return await attempt, None
    except DomainError as exc:
        return None, exc


def _payload_or_raise(
    result: auth.Session | Challenge | None, failure: DomainError | None, settings: Settings
) -> AuthPayload:
    if failure is not None:
        raise failure
    assert result is not None
    return AuthPayload.from_result(result, settings)


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
        return _payload_or_raise(result, failure, ctx.settings)

    @strawberry.mutation(
        description="The second step of a login: a 6-digit TOTP code or a recovery code for the challenge."
    )
    @returns_payload_errors(AuthPayload)
    async def verify_second_factor(self, info: Info, challenge: str, code: str) -> AuthPayload:
        ctx = info.context
        await ctx.rate_limits.second_factor(challenge)  # before any database work
        async with ctx.transaction() as session:
            # A wrong code counts toward the lock: that failure is committed too.
            result, failure = await _committing_failure(
                second_step.verify(session, ctx.settings, challenge, code, now())
            )
        return _payload_or_raise(result, failure, ctx.settings)

    @strawberry.mutation(
        description="Change one's own password (the rules: mySecondFactor.passwordRules); every other session of the "
        "account ends, and this device gets a new one."
    )
    @returns_payload_errors(AuthPayload)
    async def change_password(self, info: Info, current_password: str, new_password: str) -> AuthPayload:
        ctx = info.context
        async with ctx.transaction() as session:
            result, failure = await _committing_failure(
                change_password(session, ctx.settings, ctx.actor, current_password, new_password, now())
            )
        return _payload_or_raise(result, failure, ctx.settings)

    @strawberry.mutation(description="Exchange a refresh token for a new pair (rotation).")
    @returns_payload_errors(AuthPayload)
    async def refresh_token(self, info: Info, refresh_token: str) -> AuthPayload:
        ctx = info.context
        async with ctx.transaction() as session:
            # A reused token revokes its whole family: that revocation is committed too.
            result, failure = await _committing_failure(auth.refresh(session, ctx.settings, refresh_token))
        return _payload_or_raise(result, failure, ctx.settings)

    @strawberry.mutation(description="Revoke the session that this refresh token belongs to.")
    @returns_payload_errors(OkPayload)
    async def logout(self, info: Info, refresh_token: str) -> OkPayload:
        async with info.context.transaction() as session:
            await auth.logout(session, refresh_token)
        return OkPayload(ok=True)
