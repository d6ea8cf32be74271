"""Rate-limit fixtures: a private Redis for the session, a fresh key namespace per test, and an
in-process app with low limits whose requests come from a chosen client address."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from backend.app import create_app
from backend.core.settings import Settings
from backend.ratelimit.memory import InMemoryCounterStore
from tests.polls.conftest import issued_codes  # noqa: F401  (a fixture, used by test_cast_keys.py)
from tests.ratelimit.redis_server import PrivateRedis, private_redis

LOW_LIMITS = {
    "rate_limit_login_per_phone": 3,
    "rate_limit_login_per_address": 5,
    "rate_limit_credentials_per_user": 2,
    "rate_limit_casts_per_address": 3,
    "rate_limit_public_reports_per_address": 2,
    "rate_limit_public_reports_per_village": 3,
    "rate_limit_public_photos_per_address": 2,
}
VILLAGE_NAT = "203.0.113.7"  # the address the requests come from (TEST-NET-3)
NEIGHBOUR = "198.51.100.20"


@pytest.fixture(scope="session")
def redis_server() -> Iterator[PrivateRedis]:
    with private_redis() as server:
        yield server


@pytest.fixture
def key_prefix() -> str:
    return f"zct:rl:test-{uuid.uuid4().hex[:12]}:"


@pytest.fixture
def limited_settings(settings: Settings, key_prefix: str) -> Settings:
    return settings.with_overrides(**LOW_LIMITS, rate_limit_key_prefix=key_prefix)


@pytest.fixture
async def limited_app(limited_settings: Settings) -> AsyncIterator[Starlette]:
    app = create_app(limited_settings)
    store = app.state.rate_limits.limiter._store
    assert isinstance(store, InMemoryCounterStore)
    # A stopped clock: what a refusal says is left of the window ("请 60 秒后再试", Retry-After)
    # must not depend on how long the password checks before it took on a busy machine.
    store._clock = lambda: 0.0
    yield app
    await app.state.rate_limits.close()
    await app.state.engine.dispose()


ClientAt = Callable[[str], httpx.AsyncClient]


@pytest.fixture
async def client_at(limited_app: Starlette) -> AsyncIterator[ClientAt]:
    """client_at("203.0.113.7"): an HTTP client whose requests reach the app from that address."""
    opened: list[httpx.AsyncClient] = []

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=limited_app, client=(address, 40000))
        http = httpx.AsyncClient(transport=transport, base_url="http://test")
        opened.append(http)
        return http

    yield make
    for http in opened:
        await http.aclose()
