"""JSON log lines: one object per line with the request id, phones and tokens masked; the request
id is taken from X-Request-ID when sane and echoed in the response."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from backend.observability.logs import configure_json_logging, json_handler, mask

PHONE = "13812345678"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXZhbHVl"


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """A JSON handler on the root logger writing into a buffer, for the test's duration."""
    stream = io.StringIO()
    handler = json_handler(stream)
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_mask_hides_phones_bearer_tokens_and_jwts() -> None:
    text = mask(
        f"call {PHONE} or +86{PHONE} or 0086-{PHONE}; Authorization: Bearer abc.def-123; jwt {JWT}; ?token=s3cr3t&x=1"
    )
    assert PHONE not in text and "abc.def-123" not in text and JWT not in text and "s3cr3t" not in text
    assert "1**********" in text and "Bearer [token]" in text and "token=[masked]&x=1" in text
    assert mask("order 2026112212345678 at 10:15") == "order 2026112212345678 at 10:15"  # not a phone


def test_lines_parse_and_mask_message_args_extras_and_exceptions(json_lines: io.StringIO) -> None:
    log = logging.getLogger("zhucuntong.test")
    log.warning("login failed for %s", PHONE, extra={"header": f"Bearer {JWT}", "attempts": 3})
    try:
        raise ValueError(f"bad phone {PHONE}")
    except ValueError:
        log.exception("boom")
    warning, error = _lines(json_lines)
    assert {"time", "level", "logger", "message", "request_id"} <= warning.keys()
    assert warning["level"] == "WARNING" and warning["logger"] == "zhucuntong.test"
    assert warning["message"] == "login failed for 1**********"
    assert warning["header"] == "Bearer [token]" and warning["attempts"] == 3
    assert warning["request_id"] is None  # outside a request
    assert error["level"] == "ERROR" and "ValueError" in error["exception"]
    assert PHONE not in json_lines.getvalue() and JWT not in json_lines.getvalue()


async def test_access_line_carries_the_echoed_request_id(client: httpx.AsyncClient, json_lines: io.StringIO) -> None:
    response = await client.get("/healthz", headers={"x-request-id": "edge-7f3a9c21"})
    assert response.headers["x-request-id"] == "edge-7f3a9c21"
    (line,) = [line for line in _lines(json_lines) if line["logger"] == "zhucuntong.access"]
    assert line["request_id"] == "edge-7f3a9c21"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/healthz", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0


async def test_graphql_access_line_names_the_operation(client: httpx.AsyncClient, json_lines: io.StringIO) -> None:
    await client.post("/graphql", json={"query": "query Ping { __typename }"})
    (line,) = [line for line in _lines(json_lines) if line["logger"] == "zhucuntong.access"]
    assert (line["route"], line["operation"], line["status"]) == ("/graphql", "Ping", 200)


@pytest.mark.parametrize("given", [None, "short", "has spaces in it", "x" * 65, 'quote"and;semi-12345'])
async def test_missing_or_odd_request_ids_are_replaced(client: httpx.AsyncClient, given: str | None) -> None:
    headers = {"x-request-id": given} if given is not None else {}
    echoed = (await client.get("/healthz", headers=headers)).headers["x-request-id"]
    assert echoed != given and len(echoed) == 32 and int(echoed, 16) >= 0
    assert echoed != (await client.get("/healthz", headers=headers)).headers["x-request-id"]


def test_configure_json_logging_routes_uvicorn_through_the_json_handler() -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_json_logging()
        assert len(root.handlers) == 1 and isinstance(root.handlers[0].formatter, type(json_handler().formatter))
        assert logging.getLogger("uvicorn.error").propagate and not logging.getLogger("uvicorn.error").handlers
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
