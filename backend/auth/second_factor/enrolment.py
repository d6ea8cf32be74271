"""Enrolling, confirming, disabling and resetting an authenticator; recovery codes.

Every function takes the user whose factor it changes, found by the caller: the signed-in user
(their own account) or the user of an "enrol" login challenge; resetting another's goes through
the account door (`access_user`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.auth import sessions
from backend.auth.actor import Actor
from backend.auth.models import RecoveryCode, SecondFactor
from backend.auth.passwords import verify_password
from backend.auth.second_factor import codes, qr, sealing
from backend.auth.second_factor.gate import confirmed_factor, must_enrol
from backend.auth.second_factor.policy import may_enrol
from backend.core.errors import DomainError, ErrorCode, Forbidden, InvalidInput, InvalidState
from backend.core.privacy import mask_phone
from backend.core.settings import Settings
from backend.core.validation import clean_text
from backend.org.access import access_user, require_role
from backend.org.models import Role, User


class SecondFactorInvalid(DomainError):
    code = ErrorCode.SECOND_FACTOR_INVALID

    def __init__(self, message: str = "验证码不正确或已使用，请输入验证器中当前的 6 位数字") -> None:
        super().__init__(message, field="code")


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_svg: str  # data:image/svg+xml;base64,…


@dataclass(frozen=True)
class Status:
    enabled: bool
    confirmed_at: datetime | None
    recovery_codes_left: int
    required: bool


def _require_enrolling_role(user: User) -> None:
    if not may_enrol(user.role):
        raise Forbidden("只有县、镇街账号可以启用动态验证码")


async def status(session: AsyncSession, settings: Settings, user: User) -> Status:
    _require_enrolling_role(user)
    factor = await confirmed_factor(session, user.id)
    left = await session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    return Status(
        enabled=factor is not None,
        confirmed_at=factor.confirmed_at if factor else None,
        recovery_codes_left=int(left or 0) if factor else 0,
        required=await must_enrol(session, settings, user),
    )


async def begin(session: AsyncSession, settings: Settings, user: User, now: datetime) -> Enrolment:
    """A new secret, pending until confirmed with a code (a second begin replaces it)."""
    _require_enrolling_role(user)
    if await confirmed_factor(session, user.id) is not None:
        raise InvalidState("已启用动态验证码；如需更换手机，请先停用再重新绑定")
    secret = codes.new_secret()
    row = await session.get(SecondFactor, user.id)
    sealed = sealing.seal(settings.totp_key_secret, secret, user.id)
    if row is None:
        session.add(SecondFactor(user_id=user.id, sealed_secret=sealed, created_at=now))
    else:
        row.sealed_secret, row.created_at, row.last_step = sealed, now, None
    await session.flush()
    uri = codes.provisioning_uri(secret, mask_phone(user.phone))
    return Enrolment(secret=secret, otpauth_uri=uri, qr_svg=qr.svg_data_uri(uri))


async def confirm(session: AsyncSession, settings: Settings, user: User, code: str, now: datetime) -> list[str]:
    """Activate the pending authenticator with its first code; the recovery codes, shown once."""
    _require_enrolling_role(user)
    row = await session.get(SecondFactor, user.id, with_for_update=True)
    if row is None or row.confirmed_at is not None:
        raise InvalidState("请先开始绑定验证器")
    if not codes.accept_totp(settings, row, user.id, code, now):
        raise SecondFactorInvalid()
    row.confirmed_at = now
    shown = await _replace_recovery_codes(session, settings, user, now)
    await _record_own(session, user, "enrol")
    return shown


async def regenerate_recovery_codes(
    session: AsyncSession, settings: Settings, user: User, code: str, now: datetime
) -> list[str]:
    """New codes (the old ones stop working), with a current TOTP code as proof."""
    factor = await _enabled(session, user)
    if not codes.accept_totp(settings, factor, user.id, code, now):
        raise SecondFactorInvalid()
    return await _replace_recovery_codes(session, settings, user, now)


async def disable(
    session: AsyncSession, settings: Settings, user: User, now: datetime, *, code: str | None, password: str | None
) -> None:
    """Off, with a current code or the password; a wrong password counts toward the lock like a login."""
    factor = await _enabled(session, user)
    if code:
        if not codes.accept_totp(settings, factor, user.id, code, now):
            raise SecondFactorInvalid()
    elif password:
        await sessions.refuse_if_locked(session, settings, user.phone, now)
        if not verify_password(user.password_hash, password):
            await sessions.record_failure(session, settings, user.phone, now, user, step="second_factor")
            raise InvalidInput("密码不正确", field="password")
    else:
        raise InvalidInput("请输入验证码或登录密码", field="code")
    await _remove(session, user.id)
    await _record_own(session, user, "disable")


async def reset(session: AsyncSession, actor: Actor | None, user_id: int, reason: str, now: datetime) -> User:
    """The county resets a county or township account's lost authenticator (with a reason, audited);
    the account's sessions end, and its next login enrols again where required."""
    actor = require_role(actor, Role.COUNTY)
    reason = clean_text(reason, "reason", "重置原因", max_length=200)
    user = await access_user(session, actor, user_id)
    if not may_enrol(user.role):
        raise InvalidInput("只有县、镇街账号有动态验证码", field="userId")
    if user.id == actor.user_id:
        raise InvalidInput("不能重置自己的动态验证码；请用恢复码登录后在“账号安全”中停用", field="userId")
    await _remove(session, user.id)
    await sessions.end_other_sessions(session, user.id, now)
    audit.record(
        session,
        actor,
        county_id=actor.county_id,
        entity="second_factor",
        entity_id=user.id,
        action="reset",
        detail={"reason": reason},
    )
    await session.flush()
    return user


async def _enabled(session: AsyncSession, user: User) -> SecondFactor:
    _require_enrolling_role(user)
    factor = await confirmed_factor(session, user.id, for_update=True)
    if factor is None:
        raise InvalidState("尚未启用动态验证码")
    return factor


async def _replace_recovery_codes(session: AsyncSession, settings: Settings, user: User, now: datetime) -> list[str]:
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    shown, rows = codes.new_recovery_codes(settings, user.id, now)
    session.add_all(rows)
    await session.flush()
    return shown


async def _remove(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    await session.execute(delete(SecondFactor).where(SecondFactor.user_id == user_id))


async def _record_own(session: AsyncSession, user: User, action: str) -> None:
    """The audit trail of a change the user made to their own factor (never the secret or a code)."""
    actor = await sessions.actor_for(session, user)
    audit.record(session, actor, county_id=actor.county_id, entity="second_factor", entity_id=user.id, action=action)
