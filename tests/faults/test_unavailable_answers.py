"""What each entry point answers while the database cannot be reached (a PostgreSQL URL on a port
where nothing listens; runs in both the SQLite and the PostgreSQL session).

Proves that GraphQL, photo upload, ballot casting, credential requests and exports all answer HTTP
503 with `Retry-After`, the stable code SERVICE_UNAVAILABLE and "服务暂时不可用，请稍后重试" — each in
the one error shape, which is what the PWA reads — and never a masked 500; /readyz says not ready
and /healthz stays alive. Also checks which failures count as "database unavailable".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import exc as sa_exc

from backend.app import create_app
from backend.auth.actor import Actor
from backend.auth.tokens import issue_access_token
from backend.core import unavailable
from backend.core.settings import Settings
from backend.crypto import blind_rsa
from backend.org.models import Role
from tests.conftest import TEST_JWT_SECRET
from tests.faults.phone import photo_bytes
from tests.live_server import free_port
from tests.polls.helpers import CREDENTIAL, b64u, make_message
from tests.refusals import refusal

MESSAGE = "服务暂时不可用，请稍后重试"


@pytest.fixture
async def down(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    settings = Settings(
        database_url=f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere",
        jwt_secret=TEST_JWT_SECRET,
        pwa_dist=tmp_path / "no-pwa",
        media_dir=tmp_path / "media",
        db_pool_size=2,
    )
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://down") as http:
        yield http, settings
    await app.state.engine.dispose()


def _bearer(settings: Settings, role: Role) -> dict[str, str]:
    actor = Actor(user_id=1, role=role, org_unit_id=1, county_id=1, township_id=2, village_id=3)
    return {"authorization": f"Bearer {issue_access_token(settings, actor)}"}


def _assert_unavailable(response: httpx.Response) -> dict:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    return refusal(response)


async def test_every_entry_point_answers_503_with_a_retry_code(down: tuple[httpx.AsyncClient, Settings]) -> None:
    http, settings = down

    graphql = await http.post(
        "/graphql",
        json={"query": "{ myFilings(first: 1) { edges { node { id } } } }"},
        headers=_bearer(settings, Role.VILLAGE),
    )
    assert graphql.status_code == 503 and graphql.headers["retry-after"].isdigit()
    body = graphql.json()
    assert body["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
    assert body["errors"][0]["message"] == MESSAGE

    upload = await http.post(
        "/media", content=photo_bytes(1), headers={**_bearer(settings, Role.VILLAGE), "content-type": "image/jpeg"}
    )
    assert _assert_unavailable(upload) == {"code": "SERVICE_UNAVAILABLE", "message": MESSAGE}

    token = blind_rsa.prepare(make_message(1))
    cast = await http.post(
        "/polls/1/ballots", json={"token": b64u(token), "signature": b64u(b"x" * 384), "choice": "satisfied"}
    )
    assert _assert_unavailable(cast) == {"code": "SERVICE_UNAVAILABLE", "message": MESSAGE}

    credential = await http.post(
        "/graphql",
        json={"query": CREDENTIAL, "variables": {"id": "1", "b": b64u(b"x" * 384)}},
        headers=_bearer(settings, Role.MEMBER),
    )
    assert credential.status_code == 503 and credential.headers["retry-after"].isdigit()
    error = credential.json()["errors"][0]
    assert (error["extensions"], error["message"]) == ({"code": "SERVICE_UNAVAILABLE"}, MESSAGE)

    export = await http.get("/exports/ranking.xlsx?period=2026", headers=_bearer(settings, Role.COUNTY))
    assert _assert_unavailable(export) == {"code": "SERVICE_UNAVAILABLE", "message": MESSAGE}

    ready = await http.get("/readyz")
    assert ready.json()["database"] == "unreachable"
    assert _assert_unavailable(ready) == {"code": "SERVICE_UNAVAILABLE", "message": MESSAGE}
    assert (await http.get("/healthz")).status_code == 200


def _wrapped(error: BaseException) -> sa_exc.DBAPIError:
    try:
        try:
            raise error
        except BaseException as cause:
            raise sa_exc.DBAPIError("SELECT 1", None, cause) from cause
    except sa_exc.DBAPIError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        _wrapped(asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation")),
        sa_exc.TimeoutError("QueuePool limit reached"),
        TimeoutError(),
    ],
    ids=lambda error: type(error).__name__,
)
def test_outage_failures_are_unavailable(error: BaseException) -> None:
    assert unavailable.is_unavailable(error)
    unavailable.note(error)  # one log line, whatever the message looks like


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        OSError(28, "No space left on device"),  # the media disk, not the database
        _wrapped(asyncpg.exceptions.UniqueViolationError("duplicate key")),
        asyncpg.exceptions.UndefinedTableError("relation does not exist"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_other_failures_are_not(error: BaseException) -> None:
    assert not unavailable.is_unavailable(error)
