"""The second step of a login: a code for the challenge's user, or enrolling when the county requires
it. Wrong codes count toward the phone's lock exactly like wrong passwords (backend/auth/sessions.py),
and a locked account is refused even with the right code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import sessions
from backend.auth.models import LoginChallenge
from backend.auth.second_factor import challenges, codes, enrolment
from backend.auth.second_factor.gate import confirmed_factor
from backend.core.settings import Settings
from backend.org.models import User


@dataclass(frozen=True)
class EnrolledSession:
    recovery_codes: list[str]
    session: sessions.Session


async def verify(session: AsyncSession, settings: Settings, token: str, code: str, now: datetime) -> sessions.Session:
    """A TOTP code (not used before) or an unused recovery code ends the challenge in a session."""
    challenge = await challenges.open_challenge(session, token, "verify", now)
    user = await _user_of(session, challenge)
    await sessions.refuse_if_locked(session, settings, user.phone, now)
    factor = await confirmed_factor(session, user.id, for_update=True)
    if factor is None:  # reset by the county since the password was typed
        raise challenges.ChallengeInvalid()
    if codes.looks_like_totp(code):
        accepted = codes.accept_totp(settings, factor, user.id, code, now)
    else:
        accepted = await codes.use_recovery_code(session, settings, user.id, code, now)
    if not accepted:
        await sessions.record_failure(session, settings, user.phone, now, user, step="second_factor")
        raise enrolment.SecondFactorInvalid()
    await challenges.spend(session, challenge, now)
    return await sessions.start_session(session, settings, user, now=now, method="password_totp")


async def begin_enrolment(session: AsyncSession, settings: Settings, token: str, now: datetime) -> enrolment.Enrolment:
    challenge = await challenges.open_challenge(session, token, "enrol", now)
    return await enrolment.begin(session, settings, await _user_of(session, challenge), now)


async def confirm_enrolment(
    session: AsyncSession, settings: Settings, token: str, code: str, now: datetime
) -> EnrolledSession:
    """The forced enrolment's end: the authenticator active, the recovery codes, and the session."""
    challenge = await challenges.open_challenge(session, token, "enrol", now)
    user = await _user_of(session, challenge)
    await sessions.refuse_if_locked(session, settings, user.phone, now)
    shown = await enrolment.confirm(session, settings, user, code, now)
    await challenges.spend(session, challenge, now)
    return EnrolledSession(
        shown, await sessions.start_session(session, settings, user, now=now, method="password_totp")
    )


async def _user_of(session: AsyncSession, challenge: LoginChallenge) -> User:
    user = await session.get(User, challenge.user_id)
    if user is None or not user.active:
        raise sessions.AccountDisabled("账号已停用，请联系上级组织部门")
    return user
