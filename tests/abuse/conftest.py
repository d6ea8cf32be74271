"""One app over one database for a whole fuzzing module (a fresh world per example would cost
more than the requests): tests/world.py, a token per role, schemathesis's in-process client."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from schemathesis.python import asgi

from backend.app import create_app
from backend.auth.tokens import issue_access_token
from backend.core.db import make_engine, make_session_factory
from backend.core.settings import Settings
from tests.conftest import TEST_DB, TEST_JWT_SECRET, _pg_url, _truncate_all
from tests.world import World, build_world

ROLES = (None, "county", "township", "village", "member")
GRAPHQL_URL = f"http://{asgi.HOST}/graphql"


@dataclass
class FuzzTarget:
    client: asgi.ASGIClient  # a requests.Session that calls the app in schemathesis's event-loop thread
    headers: dict[str | None, dict[str, str]]  # role (None: anonymous) -> Authorization header


async def _build_world(settings: Settings) -> World:
    engine = make_engine(settings)
    try:
        async with make_session_factory(engine).begin() as session:
            return await build_world(session)
    finally:
        await engine.dispose()


def _database_for_module(template_database: str, directory: Path) -> str:
    if TEST_DB == "postgres":
        asyncio.run(_truncate_all(template_database))
        return _pg_url(template_database)
    path = directory / "fuzz.db"
    shutil.copyfile(template_database, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="module")
def fuzz_target(template_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzTarget]:
    directory = tmp_path_factory.mktemp("fuzz")
    app_settings = Settings(
        database_url=_database_for_module(template_database, directory),
        jwt_secret=TEST_JWT_SECRET,
        pwa_dist=directory / "no-pwa",
        media_dir=directory / "media",
        db_pool_size=5,
    )
    world = asyncio.run(_build_world(app_settings))
    headers: dict[str | None, dict[str, str]] = {None: {}}
    for role in ROLES[1:]:
        headers[role] = {"authorization": f"Bearer {issue_access_token(app_settings, world.actor(role))}"}
    with asgi.get_client(create_app(app_settings)) as client:
        yield FuzzTarget(client=client, headers=headers)
    # The app ran in schemathesis's event-loop thread; its lifespan shutdown disposes the engine there.
    asgi.shutdown_lifespans()
