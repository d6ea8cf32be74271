"""Login state is the database's, not a process's. Wrong passwords sent alternately to process A
and B add up: after LOGIN_MAX_FAILURES of them in total the phone is locked on both, even for the
right password, while other accounts still log in. And a refresh token rotated on A and then
replayed on B is recognised as reused: B revokes the whole family, so the token A just handed out
is dead too — no process keeps a token cache of its own."""

from __future__ import annotations

from tests.conftest import GraphQLClient
from tests.scaleout.conftest import LOGIN_MAX_FAILURES, postgres_only
from tests.world import PASSWORD, World

pytestmark = postgres_only

LOGIN = """mutation($p: String!, $w: String!) {
  login(phone: $p, password: $w) { accessToken refreshToken errors { code message } } }"""
REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken errors { code } } }"
ME = "{ me { role } }"


async def _login(client: GraphQLClient, phone: str, password: str = PASSWORD) -> dict:
    return (await client.execute(LOGIN, {"p": phone, "w": password}))["data"]["login"]


async def _refresh(client: GraphQLClient, token: str) -> dict:
    return (await client.execute(REFRESH, {"t": token}))["data"]["refreshToken"]


def _code(payload: dict) -> str | None:
    return payload["errors"][0]["code"] if payload["errors"] else None


async def test_wrong_passwords_on_both_processes_lock_the_phone_on_both(
    clients: tuple[GraphQLClient, GraphQLClient], world: World
) -> None:
    phone = world.users["village"].phone
    codes = [_code(await _login(clients[i % 2], phone, "wrong-pass1")) for i in range(LOGIN_MAX_FAILURES)]
    assert codes == ["INVALID_CREDENTIALS"] * (LOGIN_MAX_FAILURES - 1) + ["LOCKED"]
    for client in clients:
        refused = await _login(client, phone)
        assert refused["accessToken"] is None
        assert _code(refused) == "LOCKED"
        assert "锁定" in refused["errors"][0]["message"]
    assert _code(await _login(clients[1], world.users["township"].phone)) is None


async def test_a_refresh_token_rotated_on_one_process_cannot_be_replayed_on_the_other(
    clients: tuple[GraphQLClient, GraphQLClient], world: World
) -> None:
    first, second = clients
    signed_in = await _login(first, world.users["county"].phone)
    assert _code(signed_in) is None
    assert (await second.execute(ME, token=signed_in["accessToken"]))["data"]["me"] == {"role": "COUNTY"}

    rotated = await _refresh(first, signed_in["refreshToken"])
    assert _code(rotated) is None and rotated["refreshToken"] != signed_in["refreshToken"]
    assert _code(await _refresh(second, signed_in["refreshToken"])) == "TOKEN_REUSED"
    assert _code(await _refresh(first, rotated["refreshToken"])) == "TOKEN_INVALID"  # the family is revoked
