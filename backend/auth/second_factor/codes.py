"""Checking codes: TOTP (pyotp, RFC 6238: SHA-1, 6 digits, 30 s) with one step of clock drift either
way and no replay, and one-time recovery codes.

Recovery codes are hashed with HMAC-SHA256 and a per-code salt rather than argon2: each has 50 random
bits (not a password a person chose), so a slow hash buys little; the key lives outside the database
(TOTP_KEY_SECRET), so a stolen database alone allows no guessing at all; and a login attempt compares
against all of the user's unused codes (there is no identifier to pick one), which with argon2
would cost ten slow hashes per attempt — a lever for exhausting the CPU."""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.models import RecoveryCode, SecondFactor
from backend.auth.second_factor import sealing
from backend.core.settings import Settings

ISSUER = "驻村通"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 letters: no 0/O, 1/I
_RECOVERY_LENGTH = 10  # 50 bits
_TOTP_CODE = re.compile(r"^\d{6}$")


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, the RFC 4226 recommendation


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def normalise(code: str) -> str:
    """What a person typed, without spaces and hyphens, upper case."""
    return re.sub(r"[\s-]", "", code).upper()


def looks_like_totp(code: str) -> bool:
    return _TOTP_CODE.fullmatch(normalise(code)) is not None


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code `code` is, among the current one and one either side, or None."""
    code = normalise(code)
    if not _TOTP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    found = None
    for drift in (-1, 0, 1):
        moment = now.timestamp() + drift * totp.interval
        if hmac.compare_digest(totp.at(moment), code):
            found = totp.timecode(datetime.fromtimestamp(moment, now.tzinfo))
    return found


def accept_totp(settings: Settings, factor: SecondFactor, user_id: int, code: str, now: datetime) -> bool:
    """True and the step remembered when `code` is a current code not used before (no replay)."""
    step = matching_step(sealing.unseal(settings.totp_key_secret, factor.sealed_secret, user_id), code, now)
    if step is None or (factor.last_step is not None and step <= factor.last_step):
        return False
    factor.last_step = step
    return True


def new_recovery_codes(settings: Settings, user_id: int, now: datetime) -> tuple[list[str], list[RecoveryCode]]:
    """Ten fresh codes shown once as XXXXX-XXXXX, and their rows (salted keyed hashes only)."""
    shown, rows = [], []
    for _ in range(RECOVERY_CODE_COUNT):
        code = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        salt = secrets.token_hex(16)
        rows.append(
            RecoveryCode(
                user_id=user_id,
                salt=salt,
                code_hash=sealing.recovery_hash(settings.totp_key_secret, salt, code),
                created_at=now,
            )
        )
        shown.append(f"{code[:5]}-{code[5:]}")
    return shown, rows


async def use_recovery_code(session: AsyncSession, settings: Settings, user_id: int, code: str, now: datetime) -> bool:
    """True and the code spent when it is one of the user's unused codes."""
    code = normalise(code)
    if len(code) != _RECOVERY_LENGTH:
        return False
    unused = (
        await session.scalars(
            select(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
            .with_for_update()
        )
    ).all()
    for row in unused:
        if hmac.compare_digest(sealing.recovery_hash(settings.totp_key_secret, row.salt, code), row.code_hash):
            row.used_at = now
            await session.flush()
            return True
    return False
