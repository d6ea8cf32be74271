"""Two real server processes on loopback, sharing the test session's PostgreSQL database.

The processes start once for the whole package (starting one costs ~3 s) and stay up while each
test truncates and refills the database through the usual `settings`/`world` fixtures: nothing a
process remembers from an earlier test may leak into a later one, which is itself part of the proof.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from backend.core.settings import Settings
from tests.conftest import TEST_DB, TEST_JWT_SECRET, UNTRIPPED_RATE_LIMITS, GraphQLClient, _pg_url
from tests.live_server import live_server
from tests.world import World

# Deliberately not the default (5): both processes must lock the phone by the configured count.
LOGIN_MAX_FAILURES = 4

postgres_only = pytest.mark.skipif(TEST_DB != "postgres", reason="two server processes need one shared PostgreSQL")


@pytest.fixture(scope="package")
def two_servers(template_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Base URLs of two app processes on the database every test of this package uses."""
    scratch: Path = tmp_path_factory.mktemp("scaleout")
    settings = Settings(
        database_url=_pg_url(template_database),
        jwt_secret=TEST_JWT_SECRET,
        pwa_dist=scratch / "no-pwa",
        media_dir=scratch / "media",
        **UNTRIPPED_RATE_LIMITS,
    )
    env = {"LOGIN_MAX_FAILURES": str(LOGIN_MAX_FAILURES), "DB_POOL_SIZE": "4"}
    with live_server(settings, extra_env=env) as first, live_server(settings, extra_env=env) as second:
        yield first, second


@pytest.fixture
async def clients(
    two_servers: tuple[str, str], world: World, settings: Settings
) -> AsyncIterator[tuple[GraphQLClient, GraphQLClient]]:
    """A GraphQL client on each process (A, B), acting as the world's users."""
    limits = httpx.Limits(max_connections=64)
    async with (
        httpx.AsyncClient(base_url=two_servers[0], timeout=60, limits=limits) as first,
        httpx.AsyncClient(base_url=two_servers[1], timeout=60, limits=limits) as second,
    ):
        yield GraphQLClient(first, world, settings), GraphQLClient(second, world, settings)
