"""POLL_KEY_SECRET seals the poll signing keys: production refuses a missing, default, short or
reused one, and rotating JWT_SECRET leaves an issuing poll able to sign."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from backend.core.db import SessionFactory
from backend.core.settings import DEFAULT_POLL_KEY_SECRET, Settings, SettingsError
from backend.crypto import blind_rsa
from backend.polls import credentials, keys
from backend.polls.models import Poll, PollVoter
from tests.conftest import GraphQLClient
from tests.polls.helpers import make_message, setup_poll
from tests.world import World

JWT = "j" * 40
POLL = "p" * 40


def test_production_requires_its_own_poll_key_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    Settings(
        app_env="production",
        jwt_secret=JWT,
        poll_key_secret=POLL,
        totp_key_secret="t" * 40,
        redis_url="redis://redis:6379/0",
    ).validate()
    for refused in (DEFAULT_POLL_KEY_SECRET, "short", JWT):
        with pytest.raises(SettingsError, match="POLL_KEY_SECRET"):
            Settings(app_env="production", jwt_secret=JWT, poll_key_secret=refused).validate()
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("JWT_SECRET", JWT)
    monkeypatch.delenv("POLL_KEY_SECRET", raising=False)
    with pytest.raises(SettingsError, match="POLL_KEY_SECRET"):
        Settings.from_env().validate()
    monkeypatch.setenv("POLL_KEY_SECRET", POLL)
    assert Settings.from_env().poll_key_secret == POLL


def test_keys_are_sealed_with_the_poll_key_secret_and_legacy_ones_still_open(
    key_pool: list[rsa.RSAPrivateKey],
) -> None:
    key = key_pool[2]
    fingerprint = blind_rsa.public_key_fingerprint(key.public_key())
    settings = Settings(jwt_secret=JWT, poll_key_secret=POLL)
    sealed = keys.seal(settings.poll_key_secret, key, fingerprint)
    assert keys.sealing_secret(settings, sealed) == POLL
    assert keys.sealing_secret(settings.with_overrides(jwt_secret="rotated" * 6), sealed) == POLL
    with pytest.raises(InvalidTag):
        keys.unseal(JWT, sealed, fingerprint)
    # A key sealed before POLL_KEY_SECRET existed (version 1, under JWT_SECRET) still opens.
    legacy = b"\x01" + keys.seal(JWT, key, fingerprint)[1:]
    assert keys.sealing_secret(settings, legacy) == JWT
    keys.private_keys.drop(fingerprint)
    assert keys.private_key(settings, fingerprint, legacy).private_numbers() == key.private_numbers()
    keys.private_keys.drop(fingerprint)
    with pytest.raises(ValueError, match="version"):
        keys.unseal(POLL, b"\x07" + sealed[1:], fingerprint)


async def test_rotating_the_jwt_secret_does_not_break_an_issuing_poll(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, settings: Settings
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=2, paper_people=0)
    poll_id = int(setup.id)
    async with session_factory() as session:
        fingerprint, sealed = (
            await session.execute(select(Poll.key_fingerprint, Poll.encrypted_private_key).where(Poll.id == poll_id))
        ).one()
    assert sealed[:1] == b"\x02"
    public = blind_rsa.public_key_from_der(
        await _scalar(session_factory, select(Poll.public_key_der).where(Poll.id == poll_id))
    )
    rotated = settings.with_overrides(jwt_secret="rotated-" + "r" * 40)
    keys.private_keys.drop(fingerprint)  # as in a freshly started process
    prepared = blind_rsa.prepare(make_message(poll_id))
    blinded, inv = blind_rsa.blind(public, prepared)
    async with session_factory.begin() as session:
        blind_sig = await credentials.request_credential(
            session, world.actor(setup.members[0]), rotated, poll_id, blinded
        )
    assert blind_rsa.verify(public, prepared, blind_rsa.finalize(public, prepared, blind_sig, inv))
    # Rotating POLL_KEY_SECRET instead is what makes the key unusable (and nothing is flipped).
    keys.private_keys.drop(fingerprint)
    other = settings.with_overrides(poll_key_secret="other-" + "o" * 40)
    with pytest.raises(InvalidTag):
        async with session_factory.begin() as session:
            await credentials.request_credential(session, world.actor(setup.members[1]), other, poll_id, blinded)
    flag = select(PollVoter.credential_issued).where(
        PollVoter.poll_id == poll_id, PollVoter.user_id == world.users[setup.members[1]].id
    )
    assert await _scalar(session_factory, flag) is False  # the failed request rolled back
    keys.private_keys.drop(fingerprint)


async def _scalar(session_factory: SessionFactory, statement):  # type: ignore[no-untyped-def]
    async with session_factory() as session:
        return await session.scalar(statement)
