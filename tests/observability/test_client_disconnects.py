"""A client that hangs up halfway through its request body — normal on a village network — is
counted (zhucuntong_client_disconnects_total{route}), noted at INFO without a traceback, and
leaves nothing behind; it used to escape as "Exception in ASGI application: ClientDisconnect"."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.types import Message

from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.media.models import Media
from tests.conftest import GraphQLClient
from tests.world import World

IMPORT = "mutation($f: Upload!) { importWorkbook(file: $f) { ok } }"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.with_overrides(media_dir=tmp_path / "media")


def _multipart_import(size: int) -> tuple[bytes, dict[str, str]]:
    request = httpx.Request(
        "POST",
        "http://test/graphql",
        data={"operations": json.dumps({"query": IMPORT, "variables": {"f": None}}), "map": '{"0": ["variables.f"]}'},
        files={"0": ("county.xlsx", bytes(size), "application/octet-stream")},
    )
    return request.read(), dict(request.headers)


async def _send_half_then_hang_up(app: Starlette, path: str, body: bytes, headers: dict[str, str]) -> list[Message]:
    """The request declares all of `body`, sends its first half, then the connection drops."""
    incoming: list[Message] = [
        {"type": "http.request", "body": body[: len(body) // 2], "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0) if len(incoming) > 1 else incoming[0]

    async def send(message: Message) -> None:
        sent.append(message)

    raw_headers = [(k.lower().encode(), v.encode()) for k, v in {**headers, "content-length": str(len(body))}.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }
    await app(scope, receive, send)
    return sent


async def _media_rows(session_factory: SessionFactory) -> int:
    async with session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(Media)) or 0)


@pytest.mark.parametrize("route", ["/media", "/graphql"])
async def test_a_client_hanging_up_mid_upload_is_counted_not_crashed(
    app: Starlette,
    gql: GraphQLClient,
    world: World,
    settings: Settings,
    session_factory: SessionFactory,
    caplog: pytest.LogCaptureFixture,
    route: str,
) -> None:
    if route == "/media":
        user, body, headers = "village", b"\xff\xd8\xff\xe0" + bytes(300 * 1024), {"content-type": "image/jpeg"}
    else:
        user = "county"
        body, headers = _multipart_import(300 * 1024)
    headers["authorization"] = f"Bearer {await gql.token_for(user)}"
    caplog.set_level(logging.DEBUG)

    sent = await _send_half_then_hang_up(app, route, body, headers)

    assert sent == []  # nobody to answer
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    notes = [r for r in caplog.records if r.name == "zhucuntong.disconnects"]
    assert [(r.levelno, r.route, r.exc_info) for r in notes] == [(logging.INFO, route, None)]  # type: ignore[attr-defined]
    metrics = app.state.metrics
    assert metrics.client_disconnects.value(route) == 1
    assert metrics.http_requests.value(route, "POST", "4xx") == 1  # 499, as nginx logs it: not a server error
    assert metrics.http_requests.value(route, "POST", "5xx") == 0
    assert await _media_rows(session_factory) == 0
    assert not settings.media_dir.exists() or not any(p.is_file() for p in settings.media_dir.rglob("*"))
