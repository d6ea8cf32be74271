"""Test databases: migrated once per session, made clean again for every test.

TEST_DB selects the backend: `sqlite` (default) or `postgres`. With REQUIRE_POSTGRES=1 an
unreachable PostgreSQL is a failure, never a skip.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.core.db import SessionFactory, make_engine, make_session_factory
from backend.core.migrate import upgrade
from backend.core.settings import Settings
from backend.hooks import install_process_hooks

TEST_DB = os.environ.get("TEST_DB", "sqlite")
PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_JWT_SECRET = "test-secret-" + "x" * 40
# Rate limits that never trip in the suites (tests/ratelimit sets its own): the poll tests cast
# hundreds of ballots from one address. Passed on to live servers by tests/live_server.py.
UNTRIPPED_RATE_LIMITS = {
    "rate_limit_login_per_phone": 1_000_000,
    "rate_limit_login_per_address": 1_000_000,
    "rate_limit_credentials_per_user": 1_000_000,
    "rate_limit_casts_per_address": 1_000_000,
    "rate_limit_public_reports_per_address": 1_000_000,
    "rate_limit_public_reports_per_village": 1_000_000,
    "rate_limit_public_photos_per_address": 1_000_000,
}


# A production app needs REDIS_URL: the machine's shared Redis, under a prefix of this run's own so
# that its rate-limit counters never meet another run's (or another project's) keys.
SHARED_REDIS = {"redis_url": "redis://127.0.0.1:6379/0", "rate_limit_key_prefix": f"zct-test-{uuid.uuid4().hex[:12]}:"}


@pytest.fixture(scope="session", autouse=True)
def process_hooks() -> None:
    """What create_app, the CLI and the demo loader install (the audit chain on every session):
    many tests write through sessions without an app."""
    install_process_hooks()


def _pg_url(name: str) -> str:
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


async def _pg_admin(*statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def _pg_reachable() -> bool:
    try:
        asyncio.run(_pg_admin("SELECT 1"))
        return True
    except (OSError, Exception):
        return False


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated template database; yields its name (PostgreSQL) or file path (SQLite)."""
    if TEST_DB == "postgres":
        if not _pg_reachable():
            if os.environ.get("REQUIRE_POSTGRES") == "1":
                pytest.fail("PostgreSQL is required (REQUIRE_POSTGRES=1) but not reachable")
            pytest.skip("PostgreSQL not reachable")
        name = f"zct_tpl_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
        upgrade(Settings(database_url=_pg_url(name)))
        yield name
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path_factory.mktemp("tpl") / "template.db"
        upgrade(Settings(database_url=f"sqlite+aiosqlite:///{path}"))
        yield str(path)


@pytest.fixture
async def database_url(template_database: str, tmp_path: Path) -> AsyncIterator[str]:
    """A clean database for one test. PostgreSQL: the session's migrated database, truncated
    (much cheaper than CREATE DATABASE per test). SQLite: a copy of the migrated file."""
    if TEST_DB == "postgres":
        await _truncate_all(template_database)
        yield _pg_url(template_database)
    else:
        path = tmp_path / "test.db"
        shutil.copyfile(template_database, path)
        yield f"sqlite+aiosqlite:///{path}"


async def _truncate_all(database: str) -> None:
    from backend.tables import metadata

    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    dsn = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{database}"
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_secret=TEST_JWT_SECRET,
        pwa_dist=tmp_path / "no-pwa",
        media_dir=tmp_path / "media",
        db_pool_size=5,
        **UNTRIPPED_RATE_LIMITS,
    )


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(settings)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> SessionFactory:
    return make_session_factory(engine)


# --- API fixtures -----------------------------------------------------------------------------

import httpx  # noqa: E402
from starlette.applications import Starlette  # noqa: E402

from backend.app import create_app  # noqa: E402
from backend.auth.tokens import issue_access_token  # noqa: E402
from tests.world import World, build_world  # noqa: E402


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    yield application
    await application.state.engine.dispose()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
async def world(session_factory: SessionFactory) -> World:
    async with session_factory.begin() as session:
        return await build_world(session)


class GraphQLClient:
    """Posts GraphQL documents, optionally as one of the world's users."""

    def __init__(self, http: httpx.AsyncClient, world: World | None, settings: Settings) -> None:
        self.http = http
        self.world = world
        self.settings = settings

    async def token_for(self, user_key: str) -> str:
        """An access token as login would issue it (login itself is tested in test_auth.py)."""
        assert self.world is not None
        return issue_access_token(self.settings, self.world.actor(user_key))

    async def execute(
        self,
        query: str,
        variables: dict[str, object] | None = None,
        *,
        as_user: str | None = None,
        token: str | None = None,
    ) -> dict[str, object]:
        headers = {}
        if as_user is not None:
            token = await self.token_for(as_user)
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def gql(client: httpx.AsyncClient, world: World, settings: Settings) -> GraphQLClient:
    return GraphQLClient(client, world, settings)
