"""What a per-address limit counts, and the settings: defaults, environment, refusals."""

from __future__ import annotations

import pytest

from backend.core.settings import Settings, SettingsError
from backend.ratelimit.addresses import address_subject

PRODUCTION = {"app_env": "production", "jwt_secret": "j" * 40, "poll_key_secret": "p" * 40, "totp_key_secret": "t" * 40}


@pytest.mark.parametrize(
    ("host", "subject"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb:cccc:dddd:eeee", "2001:db8:1:2::/64"),  # one phone's /64 is one subject
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("testclient", "testclient"),
        (None, None),
        ("", None),
    ],
)
def test_address_subject(host: str | None, subject: str | None) -> None:
    assert address_subject(host) == subject


def test_defaults_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = Settings()
    assert (
        defaults.rate_limit_window_seconds,
        defaults.rate_limit_login_per_phone,
        defaults.rate_limit_login_per_address,
        defaults.rate_limit_credentials_per_user,
        defaults.rate_limit_casts_per_address,
    ) == (60, 10, 30, 10, 120)
    for name, value in {
        "RATE_LIMIT_WINDOW_SECONDS": "30",
        "RATE_LIMIT_LOGIN_PER_PHONE": "5",
        "RATE_LIMIT_LOGIN_PER_ADDRESS": "0",
        "RATE_LIMIT_CREDENTIALS_PER_USER": "4",
        "RATE_LIMIT_CASTS_PER_ADDRESS": "600",
        "RATE_LIMIT_KEY_PREFIX": "county-a:",
        "REDIS_URL": "redis://redis:6379/0",
    }.items():
        monkeypatch.setenv(name, value)
    loaded = Settings.from_env()
    assert (
        loaded.rate_limit_window_seconds,
        loaded.rate_limit_login_per_phone,
        loaded.rate_limit_login_per_address,
        loaded.rate_limit_credentials_per_user,
        loaded.rate_limit_casts_per_address,
        loaded.rate_limit_key_prefix,
        loaded.redis_url,
    ) == (30, 5, 0, 4, 600, "county-a:", "redis://redis:6379/0")
    loaded.validate()


def test_production_requires_redis() -> None:
    with pytest.raises(SettingsError, match="REDIS_URL"):
        Settings(**PRODUCTION).validate()
    Settings(**PRODUCTION, redis_url="rediss://:secret@redis.example:6380/0").validate()
    Settings(redis_url="").validate()  # development: counted in this process


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rate_limit_window_seconds": 61}, "RATE_LIMIT_WINDOW_SECONDS"),
        ({"rate_limit_window_seconds": 0}, "RATE_LIMIT_WINDOW_SECONDS"),
        ({"rate_limit_casts_per_address": -1}, "RATE_LIMIT_"),
        ({"redis_url": "http://redis:6379"}, "REDIS_URL"),
    ],
)
def test_unsafe_limits_are_refused_in_every_environment(change: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings(**change).validate()
