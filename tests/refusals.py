"""The one error shape of the HTTP routes (backend/core/http_errors.py), read in tests.

`refusal(response)` asserts the shape — `{"errors": [{"message", "extensions": {"code", …}}]}`,
exactly one error with a message — and returns it flat, `{"code", "message", **other extensions}`,
so that a test compares one dict."""

from __future__ import annotations

from typing import Any

import httpx


def refusal(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("errors"), list), body
    [error] = body["errors"]
    assert set(error) == {"message", "extensions"}, error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["extensions"].get("code"), str), error
    return {"message": error["message"], **error["extensions"]}
