"""A Redis outage must not stop a poll day: with Redis gone the app keeps answering promptly — no
refusals it would not make anyway, no errors — counting in process memory (limits then hold per
process), and says so once in the log, with no address or phone in it."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from backend.app import create_app
from backend.core.settings import Settings
from tests.ratelimit.conftest import LOW_LIMITS, VILLAGE_NAT
from tests.ratelimit.redis_server import PrivateRedis, private_redis
from tests.world import PASSWORD, World

LOGIN = "mutation($p: String!, $w: String!) { login(phone: $p, password: $w) { accessToken errors { code } } }"


@pytest.fixture
def own_redis() -> Iterator[PrivateRedis]:
    """Stopped by the test: never the session's (or the machine's) Redis."""
    with private_redis() as server:
        yield server


@pytest.fixture
async def app(settings: Settings, own_redis: PrivateRedis, key_prefix: str) -> AsyncIterator[Starlette]:
    application = create_app(
        settings.with_overrides(**LOW_LIMITS, redis_url=own_redis.url, rate_limit_key_prefix=key_prefix)
    )
    yield application
    await application.state.rate_limits.close()
    await application.state.engine.dispose()


async def test_requests_are_served_and_counted_locally_while_redis_is_down(
    app: Starlette, own_redis: PrivateRedis, world: World, key_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    transport = httpx.ASGITransport(app=app, client=(VILLAGE_NAT, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:

        async def cast() -> int:
            started = time.monotonic()
            response = await http.post("/polls/999999/ballots", json={"code": "XXXX", "choice": "basic"})
            assert time.monotonic() - started < 2, "a rate-limit check must never hold a request up"
            return response.status_code

        assert await cast() != 429
        raw = own_redis.client()
        assert len(list(raw.scan_iter(f"{key_prefix}cast_address:*"))) == 1  # shared while Redis is up
        raw.close()

        own_redis.stop()
        assert [await cast() != 429 for _ in range(3)] == [True, True, True]  # the poll day goes on
        assert await cast() == 429  # RATE_LIMIT_CASTS_PER_ADDRESS = 3, now counted in this process
        login = await http.post(
            "/graphql", json={"query": LOGIN, "variables": {"p": world.users["member"].phone, "w": PASSWORD}}
        )
        assert login.json()["data"]["login"]["accessToken"]

    metrics = app.state.metrics.render()
    assert "zhucuntong_rate_limit_store_errors_total 1" in metrics
    assert "zhucuntong_rate_limit_local_checks_total 5" in metrics
    warnings = [r.getMessage() for r in caplog.records if r.name == "zhucuntong.ratelimit"]
    assert warnings == ["rate-limit store unreachable (ConnectionError): counting in this process only"]
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert VILLAGE_NAT not in logged and world.users["member"].phone not in logged
