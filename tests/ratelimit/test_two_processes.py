"""Two live server processes sharing one Redis count together: login attempts for one phone, and
ballots from one address, alternated between the processes, are refused at the combined count —
the third attempt on either process alone would still be allowed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import pytest

from backend.core.settings import Settings
from tests.conftest import TEST_DB
from tests.live_server import live_server
from tests.ratelimit.redis_server import PrivateRedis
from tests.world import World

LOGIN = "mutation($p: String!, $w: String!) { login(phone: $p, password: $w) { accessToken errors { code } } }"


@pytest.mark.skipif(TEST_DB != "postgres", reason="two server processes share a PostgreSQL database")
def test_two_processes_share_the_counts(
    settings: Settings, world: World, redis_server: PrivateRedis, key_prefix: str
) -> None:
    shared = {
        "REDIS_URL": redis_server.url,
        "RATE_LIMIT_KEY_PREFIX": key_prefix,
        "RATE_LIMIT_LOGIN_PER_PHONE": "4",  # below the database lockout (5 failures)
        "RATE_LIMIT_CASTS_PER_ADDRESS": "3",
    }
    phone = world.users["county"].phone
    with ExitStack() as stack, ThreadPoolExecutor(2) as pool:  # the two start side by side
        servers = tuple(pool.map(lambda _: stack.enter_context(live_server(settings, extra_env=shared)), range(2)))

        def login(i: int) -> str | None:
            body = {"query": LOGIN, "variables": {"p": phone, "w": "wrong-password"}}
            payload = httpx.post(f"{servers[i % 2]}/graphql", json=body, timeout=30).json()["data"]["login"]
            return payload["errors"][0]["code"]

        def cast(i: int) -> httpx.Response:
            body = {"code": "XXXX", "choice": "basic"}
            return httpx.post(f"{servers[i % 2]}/polls/999999/ballots", json=body, timeout=30)

        logins = [login(i) for i in range(6)]
        casts = [cast(i) for i in range(5)]
    assert logins == ["INVALID_CREDENTIALS"] * 4 + ["RATE_LIMITED"] * 2
    assert [r.status_code == 429 for r in casts] == [False, False, False, True, True]
    assert casts[3].headers["retry-after"].isdigit()
