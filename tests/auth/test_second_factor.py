"""TOTP for county and township accounts: enrolment, the login's second step, lockout, replay,
recovery codes, the county's requirement and reset (docs/SECURITY.md "第二因素与口令")."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.auth.models import LoginChallenge, RecoveryCode, SecondFactor
from backend.auth.second_factor import sealing
from backend.auth.second_factor.policy import effective
from backend.core.db import SessionFactory
from backend.core.errors import InvalidInput
from backend.core.settings import Settings
from backend.org.county_settings import update_rules
from backend.org.models import CountySettings
from tests.auth.helpers import (
    BEGIN,
    CONFIRM,
    DISABLE,
    LOGIN,
    REFRESH,
    REGENERATE,
    RESET,
    SET_REQUIRED,
    STATUS,
    VERIFY,
    Clock,
    code_at,
    data,
    enrol,
)
from tests.conftest import GraphQLClient
from tests.world import PASSWORD, World


async def _login(gql: GraphQLClient, world: World, user: str, password: str = PASSWORD) -> dict:
    return await data(gql, LOGIN, {"p": world.users[user].phone, "w": password})


async def _verify(gql: GraphQLClient, challenge: str, code: str) -> dict:
    return await data(gql, VERIFY, {"c": challenge, "k": code})


def _codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def test_enrolment_gives_a_secret_uri_and_qr_then_ten_recovery_codes(
    gql: GraphQLClient, world: World, clock: Clock, session_factory: SessionFactory, settings: Settings
) -> None:
    begun = await data(gql, BEGIN, {"c": None}, as_user="county")
    secret = begun["secret"]
    assert len(secret) == 32 and secret.isalnum()
    masked = world.users["county"].phone[:3] + "%2A%2A%2A%2A" + world.users["county"].phone[-4:]
    assert begun["otpauthUri"].startswith("otpauth://totp/%E9%A9%BB%E6%9D%91%E9%80%9A:" + masked)
    assert "issuer=%E9%A9%BB%E6%9D%91%E9%80%9A" in begun["otpauthUri"] and f"secret={secret}" in begun["otpauthUri"]
    svg = base64.b64decode(begun["qrCode"].removeprefix("data:image/svg+xml;base64,")).decode()
    assert svg.startswith("<svg") and "<path" in svg
    assert (await data(gql, STATUS, as_user="county"))["enabled"] is False  # pending until confirmed

    wrong = await data(
        gql, CONFIRM, {"k": "000000" if code_at(secret, clock.now()) != "000000" else "111111"}, as_user="county"
    )
    assert _codes(wrong) == ["SECOND_FACTOR_INVALID"]
    confirmed = await data(gql, CONFIRM, {"k": code_at(secret, clock.now())}, as_user="county")
    shown = confirmed["recoveryCodes"]
    assert len(shown) == 10 == len(set(shown)) and all(len(c) == 11 and c[5] == "-" for c in shown)
    status = await data(gql, STATUS, as_user="county")
    assert status["enabled"] is True and status["recoveryCodesLeft"] == 10
    again = await data(gql, BEGIN, {"c": None}, as_user="county")
    assert _codes(again) == ["INVALID_STATE"]

    async with session_factory() as session:
        row = await session.get(SecondFactor, world.users["county"].id)
        hashes = (await session.scalars(select(RecoveryCode.code_hash))).all()
    assert row is not None and secret.encode() not in row.sealed_secret
    assert sealing.unseal(settings.totp_key_secret, row.sealed_secret, world.users["county"].id) == secret
    with pytest.raises(InvalidTag):  # bound to its user: not readable as another account's
        sealing.unseal(settings.totp_key_secret, row.sealed_secret, world.users["township"].id)
    assert not {c.replace("-", "") for c in shown} & set(hashes) and len(hashes) == 10


async def test_login_with_a_second_factor_needs_the_code(gql: GraphQLClient, world: World, clock: Clock) -> None:
    secret, _ = await enrol(gql, clock, "township")
    first = await _login(gql, world, "township")
    assert first["accessToken"] is None and first["refreshToken"] is None
    assert first["secondFactorRequired"] is True and first["totpEnrolmentRequired"] is False
    assert first["challengeExpiresIn"] == 300
    signed_in = await _verify(gql, first["challenge"], code_at(secret, clock.now()))
    assert signed_in["errors"] == [] and signed_in["accessToken"] and signed_in["user"] == {"role": "TOWNSHIP"}
    clock.step()
    spent = await _verify(gql, first["challenge"], code_at(secret, clock.now()))
    assert _codes(spent) == ["TOKEN_INVALID"]  # single use


async def test_wrong_codes_count_toward_the_lockout_which_holds_against_the_right_code(
    gql: GraphQLClient, world: World, clock: Clock
) -> None:
    secret, _ = await enrol(gql, clock, "county")
    wrong = "123456" if code_at(secret, clock.now()) != "123456" else "654321"
    challenge = (await _login(gql, world, "county"))["challenge"]
    for _ in range(2):
        assert _codes(await _verify(gql, challenge, wrong)) == ["SECOND_FACTOR_INVALID"]
    # A correct password again does not wipe the count: only a finished login does.
    challenge = (await _login(gql, world, "county"))["challenge"]
    for _ in range(2):
        assert _codes(await _verify(gql, challenge, wrong)) == ["SECOND_FACTOR_INVALID"]
    assert _codes(await _verify(gql, challenge, wrong)) == ["LOCKED"]  # the fifth failure locks
    assert _codes(await _verify(gql, challenge, code_at(secret, clock.now()))) == ["LOCKED"]
    assert _codes(await _login(gql, world, "county")) == ["LOCKED"]


async def test_a_code_cannot_be_replayed_within_its_window(gql: GraphQLClient, world: World, clock: Clock) -> None:
    secret, _ = await enrol(gql, clock, "county")
    code = code_at(secret, clock.now())
    assert (await _verify(gql, (await _login(gql, world, "county"))["challenge"], code))["accessToken"]
    replay = await _verify(gql, (await _login(gql, world, "county"))["challenge"], code)
    assert _codes(replay) == ["SECOND_FACTOR_INVALID"]
    clock.step(-1)  # an older code (one period back is still inside the drift window) is refused too
    older = await _verify(gql, (await _login(gql, world, "county"))["challenge"], code_at(secret, clock.now()))
    assert _codes(older) == ["SECOND_FACTOR_INVALID"]
    clock.step(2)
    assert (await _verify(gql, (await _login(gql, world, "county"))["challenge"], code_at(secret, clock.now())))[
        "accessToken"
    ]


async def test_a_recovery_code_works_once(gql: GraphQLClient, world: World, clock: Clock) -> None:
    _, recovery = await enrol(gql, clock, "county")
    typed = recovery[0].replace("-", " ").lower()  # as a person might type it
    assert (await _verify(gql, (await _login(gql, world, "county"))["challenge"], typed))["accessToken"]
    again = await _verify(gql, (await _login(gql, world, "county"))["challenge"], recovery[0])
    assert _codes(again) == ["SECOND_FACTOR_INVALID"]
    assert (await data(gql, STATUS, as_user="county"))["recoveryCodesLeft"] == 9
    assert (await _verify(gql, (await _login(gql, world, "county"))["challenge"], recovery[1]))["accessToken"]


async def test_regenerated_recovery_codes_replace_the_old_ones(gql: GraphQLClient, world: World, clock: Clock) -> None:
    secret, old = await enrol(gql, clock, "township")
    fresh = (await data(gql, REGENERATE, {"k": code_at(secret, clock.now())}, as_user="township"))["recoveryCodes"]
    assert len(fresh) == 10 and not set(fresh) & set(old)
    challenge = (await _login(gql, world, "township"))["challenge"]
    assert _codes(await _verify(gql, challenge, old[0])) == ["SECOND_FACTOR_INVALID"]
    assert (await _verify(gql, challenge, fresh[0]))["accessToken"]


async def test_the_county_can_require_enrolment_of_county_accounts_only(
    gql: GraphQLClient, world: World, clock: Clock
) -> None:
    assert (await data(gql, SET_REQUIRED, {"r": True}, as_user="county"))["ok"] is True
    status = await data(gql, STATUS, as_user="township")
    assert status["totpRequiredForCounty"] is True and status["followsDeploymentDefault"] is False
    assert status["required"] is False  # township accounts may enrol, they are not forced
    township = await _login(gql, world, "township")
    assert township["accessToken"] and township["totpEnrolmentRequired"] is False

    forced = await _login(gql, world, "county")
    assert forced["accessToken"] is None and forced["totpEnrolmentRequired"] is True
    challenge = forced["challenge"]
    assert _codes(await _verify(gql, challenge, "123456")) == ["TOKEN_INVALID"]  # only enrolling is allowed
    begun = await data(gql, BEGIN, {"c": challenge})
    ended = await data(gql, CONFIRM, {"k": code_at(begun["secret"], clock.now()), "c": challenge})
    assert ended["errors"] == [] and len(ended["recoveryCodes"]) == 10
    assert ended["auth"]["accessToken"] and ended["auth"]["user"] == {"role": "COUNTY"}
    assert _codes(await data(gql, BEGIN, {"c": challenge})) == ["TOKEN_INVALID"]  # spent
    clock.step()
    after = await _login(gql, world, "county")
    assert after["secondFactorRequired"] is True and after["accessToken"] is None
    assert (await _verify(gql, after["challenge"], code_at(begun["secret"], clock.now())))["accessToken"]


async def test_the_requirement_follows_the_deployment_until_the_county_decides(
    world: World, settings: Settings, session_factory: SessionFactory
) -> None:
    production = settings.with_overrides(app_env="production")
    assert effective(production, None) is True and effective(settings, None) is False
    async with session_factory.begin() as session:
        await update_rules(session, world.actor("county"), {"totp_required_for_county": 0}, decided=True)
    async with session_factory() as session:
        row = await session.get(CountySettings, world.units["A"].id)
    assert row is not None and row.values["totp_required_for_county"] == 0  # kept, though it equals 0
    assert effective(production, row.values) is False
    async with session_factory.begin() as session:
        await update_rules(session, world.actor("county"), {"geofence_radius_m": 900})
    async with session_factory() as session:
        row = await session.get(CountySettings, world.units["A"].id)
    assert row is not None and row.values == {"totp_required_for_county": 0, "geofence_radius_m": 900}


async def test_the_generic_settings_update_refuses_the_requirement(
    world: World, session_factory: SessionFactory
) -> None:
    async with session_factory.begin() as session:
        with pytest.raises(InvalidInput, match="账号安全") as refused:
            await update_rules(session, world.actor("county"), {"totp_required_for_county": 1})
    assert refused.value.field == "reason"


async def test_refresh_rotation_is_unchanged_after_the_second_factor(
    gql: GraphQLClient, world: World, clock: Clock
) -> None:
    secret, _ = await enrol(gql, clock, "county")
    signed_in = await _verify(gql, (await _login(gql, world, "county"))["challenge"], code_at(secret, clock.now()))
    rotated = await data(gql, REFRESH, {"t": signed_in["refreshToken"]})
    assert rotated["errors"] == [] and rotated["accessToken"] and rotated["refreshToken"]
    reused = await data(gql, REFRESH, {"t": signed_in["refreshToken"]})
    assert _codes(reused) == ["TOKEN_REUSED"]


async def test_the_county_resets_a_lost_authenticator_with_a_reason(
    gql: GraphQLClient, world: World, clock: Clock, session_factory: SessionFactory
) -> None:
    secret, _ = await enrol(gql, clock, "township")
    session_before = await _verify(
        gql, (await _login(gql, world, "township"))["challenge"], code_at(secret, clock.now())
    )
    target = world.user_id("township")
    assert _codes(await data(gql, RESET, {"u": target, "r": "  "}, as_user="county")) == ["INVALID_INPUT"]
    assert _codes(await data(gql, RESET, {"u": target, "r": "手机丢失"}, as_user="township")) == ["FORBIDDEN"]
    assert _codes(await data(gql, RESET, {"u": world.user_id("county"), "r": "手机丢失"}, as_user="county")) == [
        "INVALID_INPUT"
    ]  # not one's own: a signed-in user disables it themselves
    assert (await data(gql, RESET, {"u": target, "r": "手机丢失"}, as_user="county"))["ok"] is True
    assert _codes(await data(gql, REFRESH, {"t": session_before["refreshToken"]})) == ["TOKEN_INVALID"]
    assert (await _login(gql, world, "township"))["accessToken"]  # not required for townships
    async with session_factory() as session:
        event = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "reset"))).one()
    assert event.entity == "second_factor" and event.entity_id == target and event.detail == {"reason": "手机丢失"}
    assert event.actor_user_id == world.users["county"].id


async def test_disabling_needs_a_code_or_the_password(gql: GraphQLClient, world: World, clock: Clock) -> None:
    secret, _ = await enrol(gql, clock, "county")
    assert [e["field"] for e in (await data(gql, DISABLE, {}, as_user="county"))["errors"]] == ["code"]
    refused = await data(gql, DISABLE, {"w": "Wrong-pass-99"}, as_user="county")
    assert refused["errors"] == [{"code": "INVALID_INPUT", "field": "password"}]
    assert (await data(gql, DISABLE, {"w": PASSWORD}, as_user="county"))["ok"] is True
    assert (await _login(gql, world, "county"))["accessToken"]  # development: not required
    secret, _ = await enrol(gql, clock, "county")
    assert (await data(gql, DISABLE, {"k": code_at(secret, clock.now())}, as_user="county"))["ok"] is True


async def test_challenges_expire_and_are_kept_as_hashes(
    gql: GraphQLClient, world: World, clock: Clock, session_factory: SessionFactory
) -> None:
    secret, _ = await enrol(gql, clock, "county")
    challenge = (await _login(gql, world, "county"))["challenge"]
    async with session_factory() as session:
        stored = (await session.scalars(select(LoginChallenge.token_hash))).all()
    assert challenge not in stored and len(stored) == 1
    clock.at += timedelta(minutes=6)
    assert _codes(await _verify(gql, challenge, code_at(secret, clock.now()))) == ["TOKEN_INVALID"]


async def test_secrets_and_codes_are_never_logged(
    gql: GraphQLClient, world: World, clock: Clock, caplog: pytest.LogCaptureFixture, settings: Settings
) -> None:
    caplog.set_level(logging.DEBUG)
    secret, recovery = await enrol(gql, clock, "county")
    first = await _login(gql, world, "county")
    code = code_at(secret, clock.now())
    await _verify(gql, first["challenge"], "000000" if code != "000000" else "111111")
    await _verify(gql, first["challenge"], code)
    await _verify(gql, (await _login(gql, world, "county"))["challenge"], recovery[0])
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records)
    assert caplog.records  # the capture sees the app's access log
    for value in (secret, code, recovery[0], recovery[0].replace("-", ""), first["challenge"], PASSWORD):
        assert value not in logged
    assert settings.totp_key_secret not in repr(settings)
