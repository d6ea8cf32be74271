"""Rotating JWT_SECRET without a single refused request: while JWT_SECRET_PREVIOUS holds the old
key, access tokens signed with it still verify; new ones are signed with the new key only."""

from __future__ import annotations

import pytest

from backend.auth.actor import Actor
from backend.auth.tokens import InvalidAccessToken, decode_access_token, issue_access_token
from backend.core.settings import Settings, SettingsError
from backend.org.models import Role

OLD = "o" * 40
NEW = "n" * 40
ACTOR = Actor(user_id=7, role=Role.TOWNSHIP, org_unit_id=3, county_id=1, township_id=3)


def test_a_token_of_the_previous_key_verifies_during_the_rotation() -> None:
    old_token = issue_access_token(Settings(jwt_secret=OLD), ACTOR)
    rotating = Settings(jwt_secret=NEW, jwt_secret_previous=OLD)
    assert decode_access_token(rotating, old_token) == ACTOR


def test_after_the_rotation_the_previous_key_is_refused() -> None:
    old_token = issue_access_token(Settings(jwt_secret=OLD), ACTOR)
    with pytest.raises(InvalidAccessToken):
        decode_access_token(Settings(jwt_secret=NEW), old_token)


def test_new_tokens_are_signed_with_the_new_key_only() -> None:
    rotating = Settings(jwt_secret=NEW, jwt_secret_previous=OLD)
    token = issue_access_token(rotating, ACTOR)
    assert decode_access_token(Settings(jwt_secret=NEW), token) == ACTOR
    with pytest.raises(InvalidAccessToken):
        decode_access_token(Settings(jwt_secret=OLD), token)


def test_a_third_key_is_refused_and_the_previous_key_does_not_excuse_other_faults() -> None:
    rotating = Settings(jwt_secret=NEW, jwt_secret_previous=OLD)
    with pytest.raises(InvalidAccessToken):
        decode_access_token(rotating, issue_access_token(Settings(jwt_secret="x" * 40), ACTOR))
    other_audience = Settings(jwt_secret=OLD, jwt_audience="another-api")
    with pytest.raises(InvalidAccessToken):
        decode_access_token(rotating, issue_access_token(other_audience, ACTOR))
    expired = Settings(jwt_secret=OLD, access_token_ttl=-60)
    with pytest.raises(InvalidAccessToken):
        decode_access_token(rotating, issue_access_token(expired, ACTOR))


@pytest.mark.parametrize("previous", ["short", "dev-only-insecure-secret-change-me", NEW])
def test_production_refuses_a_previous_key_that_is_weak_or_the_current_one(previous: str) -> None:
    settings = Settings(
        app_env="production",
        jwt_secret=NEW,
        jwt_secret_previous=previous,
        poll_key_secret="p" * 40,
        redis_url="redis://127.0.0.1:6379/0",
    )
    with pytest.raises(SettingsError, match="JWT_SECRET_PREVIOUS"):
        settings.validate()
