"""Forged access tokens and abused refresh tokens that tests/test_auth.py does not already cover.

test_auth.py has: `alg: none` (as PyJWT writes it), another key, HS384/HS512 with the right
secret, wrong aud/iss, expired, missing claims, an edited role, logout, reuse after rotation.
Here: the spelling variants of `none`, RS256 and the public-key-as-HMAC-secret confusion, a token
issued in the future, tokens of one kind presented as the other, an expired refresh token, a
concurrent replay, and a disabled account's refresh.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from backend.auth import sessions as auth
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.crypto import b64url
from tests.conftest import GraphQLClient
from tests.world import PASSWORD, World

LOGIN = """mutation($p: String!, $w: String!) { login(phone: $p, password: $w) {
  accessToken refreshToken errors { code } } }"""
REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken errors { code } } }"
ME = "{ me { id role } }"


def _segments(header: dict, claims: dict) -> str:
    return f"{b64url.encode(json.dumps(header).encode())}.{b64url.encode(json.dumps(claims).encode())}"


async def _session(gql: GraphQLClient, world: World, user: str = "county") -> dict:
    result = (await gql.execute(LOGIN, {"p": world.users[user].phone, "w": PASSWORD}))["data"]["login"]
    assert result["errors"] == []
    return result


async def _claims(gql: GraphQLClient, world: World) -> dict:
    return jwt.decode((await _session(gql, world))["accessToken"], options={"verify_signature": False})


async def _me_code(gql: GraphQLClient, token: str) -> str | None:
    body = await gql.execute(ME, token=token)
    return body["errors"][0]["extensions"]["code"] if body.get("errors") else None


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
async def test_unsigned_tokens_in_any_spelling_are_refused(gql: GraphQLClient, world: World, alg: str) -> None:
    token = _segments({"alg": alg, "typ": "JWT"}, await _claims(gql, world)) + "."
    assert await _me_code(gql, token) == "UNAUTHENTICATED"


async def test_hs256_header_with_the_signature_cut_off_is_refused(gql: GraphQLClient, world: World) -> None:
    header, payload, _signature = (await _session(gql, world))["accessToken"].split(".")
    assert await _me_code(gql, f"{header}.{payload}.") == "UNAUTHENTICATED"


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


async def test_rs256_signed_by_any_rsa_key_is_refused(gql: GraphQLClient, world: World) -> None:
    """Say, a key the attacker published in a `jku`/`jwk` header: the server reads no key from a token."""
    key = _rsa_key()
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    token = jwt.encode(await _claims(gql, world), key, algorithm="RS256", headers={"jwk": public_jwk})
    assert await _me_code(gql, token) == "UNAUTHENTICATED"


async def test_a_public_key_used_as_the_hmac_secret_is_refused(gql: GraphQLClient, world: World) -> None:
    """The classic RS256→HS256 confusion: sign HS256 with a public key (PEM) as the secret."""
    public_pem = (
        _rsa_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    signing_input = _segments({"alg": "HS256", "typ": "JWT"}, await _claims(gql, world))
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    assert await _me_code(gql, f"{signing_input}.{b64url.encode(signature)}") == "UNAUTHENTICATED"


async def test_a_token_issued_in_the_future_is_refused(gql: GraphQLClient, world: World, settings: Settings) -> None:
    claims = await _claims(gql, world)
    later = int((datetime.now(UTC) + timedelta(days=1)).timestamp())
    forged = jwt.encode({**claims, "iat": later, "exp": later + 900}, settings.jwt_secret, algorithm="HS256")
    assert await _me_code(gql, forged) == "UNAUTHENTICATED"


async def test_a_refresh_token_is_not_an_access_token_and_back(gql: GraphQLClient, world: World) -> None:
    session = await _session(gql, world)
    assert await _me_code(gql, session["refreshToken"]) == "UNAUTHENTICATED"
    spent = (await gql.execute(REFRESH, {"t": session["accessToken"]}))["data"]["refreshToken"]
    assert spent["errors"][0]["code"] == "TOKEN_INVALID"


async def test_an_expired_refresh_token_is_refused(
    gql: GraphQLClient, world: World, settings: Settings, session_factory: SessionFactory
) -> None:
    token = (await _session(gql, world))["refreshToken"]
    after_expiry = datetime.now(UTC) + timedelta(seconds=settings.refresh_token_ttl + 1)
    async with session_factory() as session:
        with pytest.raises(auth.TokenInvalid):
            await auth.refresh(session, settings, token, now=after_expiry)


async def test_two_simultaneous_refreshes_with_one_token_revoke_the_family(gql: GraphQLClient, world: World) -> None:
    """A stolen token replayed at the same moment as the real client: one wins, the family dies."""
    token = (await _session(gql, world))["refreshToken"]
    results = await asyncio.gather(*(gql.execute(REFRESH, {"t": token}) for _ in range(2)))
    payloads = [r["data"]["refreshToken"] for r in results]
    codes = sorted(p["errors"][0]["code"] if p["errors"] else "OK" for p in payloads)
    assert codes == ["OK", "TOKEN_REUSED"]
    winner = next(p for p in payloads if not p["errors"])
    again = (await gql.execute(REFRESH, {"t": winner["refreshToken"]}))["data"]["refreshToken"]
    assert again["errors"][0]["code"] == "TOKEN_INVALID"


async def test_a_disabled_account_cannot_refresh(gql: GraphQLClient, world: World) -> None:
    token = (await _session(gql, world, "member"))["refreshToken"]
    disable = "mutation($id: ID!) { setUserActive(id: $id, active: false) { errors { code } } }"
    assert (await gql.execute(disable, {"id": world.user_id("member")}, as_user="township"))["data"] == {
        "setUserActive": {"errors": []}
    }
    refused = (await gql.execute(REFRESH, {"t": token}))["data"]["refreshToken"]
    assert refused["errors"][0]["code"] == "ACCOUNT_DISABLED"
    assert refused["refreshToken"] is None
