"""Fixtures for fault tests: a private PostgreSQL server per session (PostgreSQL runs only), a
fresh migrated database on it per test, and settings and sessions pointing there."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from backend.core.db import SessionFactory, make_engine, make_session_factory
from backend.core.migrate import upgrade
from backend.core.settings import Settings
from tests.conftest import TEST_DB, TEST_JWT_SECRET, UNTRIPPED_RATE_LIMITS
from tests.faults.private_postgres import PrivatePostgres


@pytest.fixture(scope="session")
def private_pg() -> Iterator[PrivatePostgres]:
    if TEST_DB != "postgres":
        pytest.skip("PostgreSQL fault tests run in the TEST_DB=postgres session")
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def private_pg_settings(private_pg: PrivatePostgres, tmp_path: Path) -> Settings:
    """A migrated database of its own on the private server (started again if a test left it down)."""
    if not private_pg.is_running():
        private_pg.start()
    name = f"zct_faults_{uuid.uuid4().hex[:10]}"
    private_pg.create_database(name)
    settings = Settings(
        database_url=private_pg.url(name),
        jwt_secret=TEST_JWT_SECRET,
        pwa_dist=tmp_path / "no-pwa",
        media_dir=tmp_path / "media",
        db_pool_size=5,
        **UNTRIPPED_RATE_LIMITS,
    )
    upgrade(settings)
    return settings


@pytest.fixture
async def private_pg_sessions(private_pg_settings: Settings) -> AsyncIterator[SessionFactory]:
    engine = make_engine(private_pg_settings)
    yield make_session_factory(engine)
    await engine.dispose()
