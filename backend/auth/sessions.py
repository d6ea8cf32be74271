"""Login with lockout, rotating refresh-token families, logout.

A correct password starts a session, or — for an account with a second factor, or one the county
requires to enrol — answers a login challenge instead (backend/auth/second_factor/gate.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import security_log
from backend.auth.actor import Actor
from backend.auth.idle import idle_too_long
from backend.auth.models import LoginFailure, RefreshToken
from backend.auth.passwords import verify_password
from backend.auth.second_factor.challenges import Challenge
from backend.auth.second_factor.gate import second_step
from backend.auth.tokens import hash_refresh_token, issue_access_token, new_refresh_token
from backend.core.errors import DomainError, ErrorCode
from backend.core.settings import Settings
from backend.core.validation import clean_phone
from backend.org.county_settings import rules_for
from backend.org.models import OrgKind, OrgUnit, Role, User


class InvalidCredentials(DomainError):
    code = ErrorCode.INVALID_CREDENTIALS


class AccountLocked(DomainError):
    code = ErrorCode.LOCKED

    def __init__(self, message: str, *, until: datetime) -> None:
        super().__init__(message)
        self.until = until


class AccountDisabled(DomainError):
    code = ErrorCode.ACCOUNT_DISABLED


class PasswordLoginDisabled(DomainError):
    code = ErrorCode.PASSWORD_LOGIN_DISABLED


class TokenInvalid(DomainError):
    code = ErrorCode.TOKEN_INVALID


class TokenReused(DomainError):
    code = ErrorCode.TOKEN_REUSED


class SessionIdle(DomainError):
    code = ErrorCode.SESSION_IDLE


@dataclass(frozen=True)
class Session:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


async def actor_for(session: AsyncSession, user: User) -> Actor:
    unit = await session.get(OrgUnit, user.org_unit_id)
    assert unit is not None
    return Actor(
        user_id=user.id,
        role=user.role,
        org_unit_id=unit.id,
        county_id=unit.county_id or unit.id,
        township_id=unit.township_id,
        village_id=unit.id if unit.kind is OrgKind.VILLAGE else None,
    )


async def login(
    session: AsyncSession, settings: Settings, phone: str, password: str, *, now: datetime | None = None
) -> Session | Challenge:
    now = now or datetime.now(UTC)
    phone = clean_phone(phone)  # its shape before the failure counter writes it
    await refuse_if_locked(session, settings, phone, now)
    user = (await session.execute(select(User).where(User.phone == phone))).scalar_one_or_none()
    if not verify_password(user.password_hash if user else None, password) or user is None:
        await record_failure(session, settings, phone, now, user)
        raise InvalidCredentials("手机号或密码错误")
    if not user.active:
        raise AccountDisabled("账号已停用，请联系上级组织部门")
    await _refuse_if_password_login_off(session, user)
    step = await second_step(session, settings, user, now)
    if step is not None:
        return step  # the failures stay counted until the second step is passed too
    return await start_session(session, settings, user, now=now)


async def start_session(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    now: datetime | None = None,
    method: security_log.LoginMethod = "password",
) -> Session:
    """A signed-in session for a user who passed every step — a password and its second factor, or
    the province's identity platform (backend/identity/tickets.py): the phone's failures cleared, a
    new refresh family, the login in the security log."""
    if not user.active:
        raise AccountDisabled("账号已停用，请联系上级组织部门")
    await session.execute(delete(LoginFailure).where(LoginFailure.phone == user.phone))
    await security_log.login_succeeded(session, user, method=method)
    return await _start_family(session, settings, user, str(uuid.uuid4()), now or datetime.now(UTC))


async def _refuse_if_password_login_off(session: AsyncSession, user: User) -> None:
    """A county may require its staff (county and township accounts) to log in through the
    province's identity platform: checked after the password, so only its holder learns it."""
    if user.role not in (Role.COUNTY, Role.TOWNSHIP):
        return
    unit = await session.get(OrgUnit, user.org_unit_id)
    assert unit is not None
    if not (await rules_for(session, unit.county_id or unit.id)).staff_password_login:
        raise PasswordLoginDisabled("本县已关闭工作人员密码登录，请使用政务统一身份认证登录")


async def record_failure(
    session: AsyncSession,
    settings: Settings,
    phone: str,
    now: datetime,
    user: User | None,
    *,
    step: security_log.LoginStep = "password",
) -> None:
    """Count a failed password or second-factor code toward the phone's lock (and in the security
    log); raise when it locks."""
    await security_log.login_failed(session, phone, user, step=step)
    session.add(LoginFailure(phone=phone, failed_at=now))
    await session.flush()
    await refuse_if_locked(session, settings, phone, now)


async def end_other_sessions(session: AsyncSession, user_id: int, now: datetime) -> None:
    """Revoke every refresh family of the user (a new password, a reset authenticator)."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def refresh(session: AsyncSession, settings: Settings, token: str, *, now: datetime | None = None) -> Session:
    """Rotate: the presented token is spent; presenting a spent one revokes its whole family."""
    now = now or datetime.now(UTC)
    record = await _find_token(session, token)
    if record.revoked_at is not None or record.expires_at <= now:
        raise TokenInvalid("登录已过期，请重新登录")
    # An UPDATE's result is a CursorResult (the only kind with a rowcount); SQLAlchemy 2.0 types
    # AsyncSession.execute as returning the base Result.
    spent = cast(
        CursorResult[Any],
        await session.execute(
            update(RefreshToken).where(RefreshToken.id == record.id, RefreshToken.used_at.is_(None)).values(used_at=now)
        ),
    )
    if spent.rowcount != 1:
        await _revoke_family(session, record.family_id, now)
        await security_log.token_reused(session, record.user_id)
        raise TokenReused("检测到登录凭证被重复使用，已强制下线，请重新登录")
    user = await session.get(User, record.user_id)
    if user is None or not user.active:
        await _revoke_family(session, record.family_id, now)
        raise AccountDisabled("账号已停用，请联系上级组织部门")
    if idle_too_long(settings, user.role, record.created_at, now):
        await _revoke_family(session, record.family_id, now)
        raise SessionIdle("长时间未操作，已安全退出，请重新登录")
    return await _start_family(session, settings, user, record.family_id, now)


async def logout(session: AsyncSession, token: str, *, now: datetime | None = None) -> None:
    record = await _find_token(session, token)
    await _revoke_family(session, record.family_id, now or datetime.now(UTC))
    await security_log.logged_out(session, record.user_id)


async def _find_token(session: AsyncSession, token: str) -> RefreshToken:
    record = (
        await session.execute(select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(token)))
    ).scalar_one_or_none()
    if record is None:
        raise TokenInvalid("登录凭证无效，请重新登录")
    return record


async def _revoke_family(session: AsyncSession, family_id: str, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def _start_family(
    session: AsyncSession, settings: Settings, user: User, family_id: str, now: datetime
) -> Session:
    token = new_refresh_token()
    session.add(
        RefreshToken(
            token_hash=hash_refresh_token(token),
            family_id=family_id,
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.refresh_token_ttl),
        )
    )
    await session.flush()
    actor = await actor_for(session, user)
    return Session(
        access_token=issue_access_token(settings, actor, now=now),
        refresh_token=token,
        expires_in=settings.access_token_ttl,
        user=user,
    )


async def refuse_if_locked(session: AsyncSession, settings: Settings, phone: str, now: datetime) -> None:
    """Locked for `login_lock_seconds` after the failure that made `login_max_failures` within
    one window of the same length. Counted in the database, so it holds across processes."""
    window = timedelta(seconds=settings.login_lock_seconds)
    recent = (
        await session.scalars(
            select(LoginFailure.failed_at)
            .where(LoginFailure.phone == phone, LoginFailure.failed_at > now - 2 * window)
            .order_by(LoginFailure.failed_at.desc())
            .limit(settings.login_max_failures)
        )
    ).all()
    if len(recent) < settings.login_max_failures:
        return
    newest, oldest = recent[0], recent[-1]
    if newest - oldest <= window and now < newest + window:
        await security_log.locked_out(session, phone, newest + window)
        raise AccountLocked(_locked_message(settings), until=newest + window)


def _locked_message(settings: Settings) -> str:
    minutes = settings.login_lock_seconds // 60
    return f"登录失败次数过多，该手机号已锁定 {minutes} 分钟，请稍后再试"
