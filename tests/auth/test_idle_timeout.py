"""Staff sessions end after STAFF_IDLE_TIMEOUT_SECONDS without a refresh; secretaries' and members'
do not (phones, offline work). Production refuses no timeout or a very long one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.auth import sessions as auth
from backend.core.db import SessionFactory
from backend.core.errors import DomainError
from backend.core.settings import Settings, SettingsError
from tests.world import PASSWORD, World

START = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


async def _login(session_factory: SessionFactory, settings: Settings, world: World, user: str) -> auth.Session:
    async with session_factory.begin() as session:
        result = await auth.login(session, settings, world.users[user].phone, PASSWORD, now=START)
    assert isinstance(result, auth.Session)
    return result


async def _refresh(session_factory: SessionFactory, settings: Settings, token: str, at: datetime) -> auth.Session:
    """As the refreshToken mutation does: a refusal's revocation is committed, then raised."""
    async with session_factory.begin() as session:
        try:
            return await auth.refresh(session, settings, token, now=at)
        except DomainError as exc:
            refused = exc
    raise refused


@pytest.mark.parametrize("user", ["county", "township"])
async def test_a_staff_session_idle_past_the_timeout_cannot_be_refreshed(
    session_factory: SessionFactory, settings: Settings, world: World, user: str
) -> None:
    assert settings.staff_idle_timeout_seconds == 30 * 60
    first = await _login(session_factory, settings, world, user)
    # Active: each refresh restarts the window, so the session outlives the timeout many times over.
    kept = await _refresh(session_factory, settings, first.refresh_token, START + timedelta(minutes=29))
    kept = await _refresh(session_factory, settings, kept.refresh_token, START + timedelta(minutes=58))
    with pytest.raises(auth.SessionIdle, match="长时间未操作"):
        await _refresh(session_factory, settings, kept.refresh_token, START + timedelta(minutes=88, seconds=1))
    # The whole family ended: the same token again is not merely "idle" but revoked.
    with pytest.raises(auth.TokenInvalid):
        await _refresh(session_factory, settings, kept.refresh_token, START + timedelta(minutes=89))


@pytest.mark.parametrize("user", ["village", "member"])
async def test_secretaries_and_members_are_not_idle_logged_out(
    session_factory: SessionFactory, settings: Settings, world: World, user: str
) -> None:
    first = await _login(session_factory, settings, world, user)
    later = await _refresh(session_factory, settings, first.refresh_token, START + timedelta(days=3))
    assert later.access_token


async def test_zero_turns_the_timeout_off_outside_production(
    session_factory: SessionFactory, settings: Settings, world: World
) -> None:
    off = settings.with_overrides(staff_idle_timeout_seconds=0)
    first = await _login(session_factory, off, world, "county")
    assert (await _refresh(session_factory, off, first.refresh_token, START + timedelta(days=2))).access_token


@pytest.mark.parametrize("seconds", [0, 60, 3 * 3600, 86400])
def test_production_refuses_no_timeout_or_a_very_long_one(seconds: int) -> None:
    production = {
        "app_env": "production",
        "jwt_secret": "j" * 40,
        "poll_key_secret": "p" * 40,
        "totp_key_secret": "t" * 40,
        "redis_url": "redis://127.0.0.1:6379/0",
    }
    Settings(**production).validate()  # type: ignore[arg-type]  # the default, 30 minutes
    with pytest.raises(SettingsError, match="STAFF_IDLE_TIMEOUT_SECONDS"):
        Settings(**production, staff_idle_timeout_seconds=seconds).validate()  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="STAFF_IDLE_TIMEOUT_SECONDS"):
        Settings(staff_idle_timeout_seconds=-1).validate()


@pytest.mark.parametrize("secret", ["dev-only-insecure-totp-key-secret", "short", "j" * 40, "p" * 40])
def test_production_requires_its_own_totp_key_secret(secret: str) -> None:
    with pytest.raises(SettingsError, match="TOTP_KEY_SECRET"):
        Settings(
            app_env="production",
            jwt_secret="j" * 40,
            poll_key_secret="p" * 40,
            totp_key_secret=secret,
            redis_url="redis://127.0.0.1:6379/0",
        ).validate()
