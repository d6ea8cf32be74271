from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from jwt.warnings import InsecureKeyLengthWarning

from backend.app import create_app
from backend.auth import sessions as auth
from backend.auth.tokens import ALGORITHM
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from tests.conftest import GraphQLClient
from tests.world import PASSWORD, World

LOGIN = """mutation($p: String!, $w: String!) {
  login(phone: $p, password: $w) { accessToken refreshToken expiresIn user { role orgUnit { name } }
    errors { code message field } } }"""
REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken errors { code } } }"
LOGOUT = "mutation($t: String!) { logout(refreshToken: $t) { ok errors { code } } }"
ME = "{ me { name role orgUnit { id kind } } }"


async def _login(gql: GraphQLClient, phone: str, password: str = PASSWORD) -> dict:
    return (await gql.execute(LOGIN, {"p": phone, "w": password}))["data"]["login"]


async def test_login_returns_tokens_with_role_and_org_unit(
    gql: GraphQLClient, world: World, settings: Settings
) -> None:
    result = await _login(gql, world.users["township"].phone)
    assert result["errors"] == []
    assert result["user"] == {"role": "TOWNSHIP", "orgUnit": {"name": "T1名"}}
    assert result["expiresIn"] == 15 * 60
    claims = jwt.decode(
        result["accessToken"],
        settings.jwt_secret,
        algorithms=[ALGORITHM],
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
    )
    assert claims["role"] == "township"
    assert claims["org"] == world.units["T1"].id
    assert claims["exp"] - claims["iat"] == 15 * 60
    me = await gql.execute(ME, token=result["accessToken"])
    assert me["data"]["me"]["role"] == "TOWNSHIP"


async def test_me_is_null_when_anonymous(gql: GraphQLClient) -> None:
    assert (await gql.execute(ME))["data"] == {"me": None}


async def test_wrong_password_and_unknown_phone_give_the_same_error(gql: GraphQLClient, world: World) -> None:
    wrong = await _login(gql, world.users["county"].phone, "nope12345")
    unknown = await _login(gql, "13999999999", "nope12345")
    assert wrong["errors"][0]["code"] == unknown["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert wrong["accessToken"] is None


async def test_five_failures_lock_the_phone_even_for_the_right_password(gql: GraphQLClient, world: World) -> None:
    phone = world.users["village"].phone
    codes = [(await _login(gql, phone, "wrong-pass1"))["errors"][0]["code"] for _ in range(5)]
    assert codes == ["INVALID_CREDENTIALS"] * 4 + ["LOCKED"]
    locked = await _login(gql, phone)
    assert locked["errors"][0]["code"] == "LOCKED"
    assert "锁定" in locked["errors"][0]["message"]
    other = await _login(gql, world.users["member"].phone)
    assert other["errors"] == []


async def test_lockout_holds_across_server_processes(settings: Settings, world: World) -> None:
    phone = world.users["village"].phone
    apps = [create_app(settings), create_app(settings)]
    try:
        clients = [
            GraphQLClient(httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://t"), world, settings)
            for a in apps
        ]
        for i in range(5):
            await _login(clients[i % 2], phone, "wrong-pass1")
        assert (await _login(clients[0], phone))["errors"][0]["code"] == "LOCKED"
        assert (await _login(clients[1], phone))["errors"][0]["code"] == "LOCKED"
    finally:
        for a in apps:
            await a.state.engine.dispose()


async def test_lock_lifts_after_fifteen_minutes(
    session_factory: SessionFactory, settings: Settings, world: World
) -> None:
    phone = world.users["village"].phone
    start = datetime.now(UTC)
    for i in range(5):
        async with session_factory() as session:
            with pytest.raises(auth.DomainError):
                await auth.login(session, settings, phone, "wrong-pass1", now=start + timedelta(seconds=i))
            await session.commit()
    async with session_factory() as session:
        with pytest.raises(auth.AccountLocked):
            await auth.login(session, settings, phone, PASSWORD, now=start + timedelta(minutes=14))
    async with session_factory() as session:
        result = await auth.login(session, settings, phone, PASSWORD, now=start + timedelta(minutes=15, seconds=5))
        assert result.user.phone == phone


async def test_refresh_rotates_and_reuse_revokes_the_family(gql: GraphQLClient, world: World) -> None:
    first = await _login(gql, world.users["county"].phone)
    second = (await gql.execute(REFRESH, {"t": first["refreshToken"]}))["data"]["refreshToken"]
    assert second["errors"] == [] and second["refreshToken"] != first["refreshToken"]
    reused = (await gql.execute(REFRESH, {"t": first["refreshToken"]}))["data"]["refreshToken"]
    assert reused["errors"][0]["code"] == "TOKEN_REUSED"
    after = (await gql.execute(REFRESH, {"t": second["refreshToken"]}))["data"]["refreshToken"]
    assert after["errors"][0]["code"] == "TOKEN_INVALID"


async def test_refresh_tokens_are_stored_only_as_hashes(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    from sqlalchemy import select

    from backend.auth.models import RefreshToken

    token = (await _login(gql, world.users["county"].phone))["refreshToken"]
    async with session_factory() as session:
        stored = (await session.scalars(select(RefreshToken.token_hash))).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


async def test_logout_revokes_the_refresh_token(gql: GraphQLClient, world: World) -> None:
    session = await _login(gql, world.users["county"].phone)
    assert (await gql.execute(LOGOUT, {"t": session["refreshToken"]}))["data"]["logout"] == {"ok": True, "errors": []}
    again = (await gql.execute(REFRESH, {"t": session["refreshToken"]}))["data"]["refreshToken"]
    assert again["errors"][0]["code"] == "TOKEN_INVALID"


async def test_garbage_refresh_token_is_invalid(gql: GraphQLClient) -> None:
    result = (await gql.execute(REFRESH, {"t": "not-a-token"}))["data"]["refreshToken"]
    assert result["errors"][0]["code"] == "TOKEN_INVALID"


async def test_disabled_account_cannot_log_in(gql: GraphQLClient, world: World) -> None:
    disable = "mutation($id: ID!) { setUserActive(id: $id, active: false) { user { active } errors { code } } }"
    result = await gql.execute(disable, {"id": world.user_id("member")}, as_user="township")
    assert result["data"]["setUserActive"] == {"user": {"active": False}, "errors": []}
    assert (await _login(gql, world.users["member"].phone))["errors"][0]["code"] == "ACCOUNT_DISABLED"


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda c, s: {**c, "exp": c["iat"] - 1}, id="expired"),
        pytest.param(lambda c, s: {**c, "aud": "someone-else"}, id="wrong-audience"),
        pytest.param(lambda c, s: {**c, "iss": "someone-else"}, id="wrong-issuer"),
    ],
)
async def test_bad_access_tokens_are_refused(gql: GraphQLClient, world: World, settings: Settings, mutate) -> None:
    good = (await _login(gql, world.users["county"].phone))["accessToken"]
    claims = jwt.decode(good, options={"verify_signature": False})
    forged = jwt.encode(mutate(claims, settings), settings.jwt_secret, algorithm=ALGORITHM)
    result = await gql.execute(ME, token=forged)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_unsigned_and_wrong_key_tokens_are_refused(gql: GraphQLClient, world: World) -> None:
    good = (await _login(gql, world.users["county"].phone))["accessToken"]
    claims = jwt.decode(good, options={"verify_signature": False})
    for forged in (jwt.encode(claims, None, algorithm="none"), jwt.encode(claims, "x" * 40, algorithm="HS256")):
        result = await gql.execute(ME, token=forged)
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
async def test_other_algorithms_with_the_right_secret_are_refused(
    gql: GraphQLClient, world: World, settings: Settings, algorithm: str
) -> None:
    """Algorithm confusion: only HS256 is accepted, whatever the header says."""
    good = (await _login(gql, world.users["county"].phone))["accessToken"]
    claims = jwt.decode(good, options={"verify_signature": False})
    with warnings.catch_warnings():  # the attacker does not care that the key is short for HS512
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        forged = jwt.encode(claims, settings.jwt_secret, algorithm=algorithm)
    result = await gql.execute(ME, token=forged)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("claim", ["aud", "iss", "exp", "role", "cty"])
async def test_tokens_missing_a_required_claim_are_refused(
    gql: GraphQLClient, world: World, settings: Settings, claim: str
) -> None:
    good = (await _login(gql, world.users["county"].phone))["accessToken"]
    claims = jwt.decode(good, options={"verify_signature": False})
    del claims[claim]
    forged = jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)
    result = await gql.execute(ME, token=forged)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_raised_role_needs_the_secret(gql: GraphQLClient, world: World) -> None:
    """A village user cannot promote itself: the edited token's signature no longer verifies."""
    good = (await _login(gql, world.users["village"].phone))["accessToken"]
    header, payload, signature = good.split(".")
    claims = jwt.decode(good, options={"verify_signature": False})
    claims["role"] = "county"
    forged_payload = jwt.encode(claims, "unused-key-of-32-characters-long!", algorithm=ALGORITHM).split(".")[1]
    result = await gql.execute(ME, token=f"{header}.{forged_payload}.{signature}")
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
