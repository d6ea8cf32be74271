"""The one error path of the HTTP routes (backend/core/http_errors.py): one status map, one body
shape, and a coded JSON answer even for what no route expected."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from starlette.exceptions import HTTPException

import backend.polls.results
from backend.core.errors import DomainError, ErrorCode, StaleVersion
from backend.core.http_errors import STATUS, BodyTooLarge, answer
from backend.observability.logs import json_handler
from backend.ratelimit.limiter import RateLimited
from tests.refusals import refusal


def test_every_error_code_has_its_status() -> None:
    """A new code chooses its status here; nothing falls through to a default."""
    assert [code for code in ErrorCode if code not in STATUS] == []


@pytest.mark.parametrize(
    ("exc", "status", "flat", "retry_after"),
    [
        (DomainError("选项无效", code=ErrorCode.INVALID_INPUT, field="choice"), 400, {"field": "choice"}, None),
        (StaleVersion("已被更新", current_version=4), 409, {"field": "baseVersion", "currentVersion": 4}, None),
        (RateLimited(60), 429, {"retryAfter": 60}, "60"),
        (HTTPException(405), 405, {}, None),
        (BodyTooLarge(), 413, {}, None),
        (ConnectionRefusedError(111, "Connection refused"), 503, {}, "3"),
    ],
    ids=["field", "stale", "rate-limited", "http-405", "too-large", "outage"],
)
def test_each_exception_has_its_status_code_and_extensions(
    exc: Exception, status: int, flat: dict[str, object], retry_after: str | None
) -> None:
    response = answer(exc, {"type": "http", "method": "GET"})
    body = json.loads(bytes(response.body))
    [error] = body["errors"]
    assert response.status_code == status
    assert set(error["extensions"]) - {"code"} == set(flat)
    assert {key: error["extensions"][key] for key in flat} == flat
    assert response.headers.get("retry-after") == retry_after
    assert response.headers["cache-control"] == "no-store"


@pytest.fixture
def error_lines() -> Iterator[io.StringIO]:
    """What the JSON log handler of production (`serve`) writes for the error logger."""
    stream = io.StringIO()
    handler = json_handler(stream)
    logger = logging.getLogger("zhucuntong.errors")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


async def test_an_unexpected_exception_is_a_masked_json_500_logged_with_the_request_id(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, error_lines: io.StringIO
) -> None:
    async def broken(*_args: object) -> None:
        raise RuntimeError("secret detail of a bug")

    monkeypatch.setattr(backend.polls.results, "public_board", broken)
    response = await client.get("/polls/7/board.json", headers={"x-request-id": "req-1234567890"})
    assert response.status_code == 500
    assert refusal(response) == {"code": "INTERNAL", "message": "服务器内部错误，请稍后重试"}
    assert "secret" not in response.text
    assert response.headers["x-request-id"] == "req-1234567890"
    assert response.headers["x-content-type-options"] == "nosniff"  # answered inside the middleware stack
    [line] = [json.loads(text) for text in error_lines.getvalue().splitlines()]
    assert line["request_id"] == "req-1234567890" and line["level"] == "ERROR"
    assert "secret detail of a bug" in line["exception"]
    assert "/polls/{poll_id:id}/board.json" in line["message"] and "/polls/7" not in line["message"]


async def test_an_outage_behind_another_exception_is_still_503(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def wrapped_outage(*_args: object) -> None:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except ConnectionRefusedError as exc:
            raise RuntimeError("while reading the poll") from exc

    monkeypatch.setattr(backend.polls.results, "public_board", wrapped_outage)
    response = await client.get("/polls/7/board.json")
    assert response.status_code == 503 and response.headers["retry-after"].isdigit()
    assert refusal(response)["code"] == "SERVICE_UNAVAILABLE"


async def test_a_401_says_which_credentials_would_do(client: httpx.AsyncClient) -> None:
    for path in ("/exports/ranking.xlsx?period=2026", "/exports/attendance.xlsx?month=2026-11"):
        response = await client.get(path, headers={"authorization": "Bearer expired"})
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        assert refusal(response) == {"code": "UNAUTHENTICATED", "message": "登录已过期，请重新登录"}
