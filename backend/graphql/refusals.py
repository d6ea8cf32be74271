"""Requests to /graphql that are not one GraphQL request at all, refused before execution.

Strawberry's view answers them with a plain-text 400 (`cross_web.HTTPException`). Ours answers
the GraphQL error shape with a stable code and a Chinese message, like every other refusal:

- INVALID_JSON (400): the body, or a multipart `operations`/`map` field, is not JSON (also bad
  UTF-8, or nested past the parser's recursion limit);
- BATCH_NOT_SUPPORTED (400): a JSON array of operations (batching is off);
- METHOD_NOT_ALLOWED (405, `Allow: POST`): an operation sent with GET — queries as well as
  mutations (`allow_queries_via_get=False`: a GET can be replayed by a link or a proxy cache);
- BAD_REQUEST (400), NOT_FOUND (404): whatever else Strawberry refuses (no query, a query that is
  not a string, an unsupported content type, files missing from a multipart body; GraphiQL when
  it is off), known by its status (`backend/core/http_errors.py` `code_for_status`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from cross_web import HTTPException
from starlette.responses import Response

from backend.core.http_errors import code_for_status, error_response


class RequestRefused(HTTPException):
    def __init__(self, status_code: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.message = message
        self.headers = headers


class JSONTooDeep(json.JSONDecodeError):
    """`[[[[…` nested past Python's recursion limit; still a JSONDecodeError for the WebSocket transport."""


def get_refused() -> RequestRefused:
    """A new exception for each request (a shared instance would carry the last one's traceback)."""
    return RequestRefused(405, "METHOD_NOT_ALLOWED", "GraphQL 请求请用 POST 发送", {"allow": "POST"})


def decode_request_json(decode: Callable[[str | bytes], object], data: str | bytes) -> dict[str, object]:
    """One GraphQL request document: the JSON body, or multipart `operations`/`map` (the view
    refuses GET before reading its query string, so nothing else is decoded here)."""
    try:
        document = decode(data)
    except JSONTooDeep as exc:
        raise RequestRefused(400, "INVALID_JSON", "请求体的 JSON 嵌套过深") from exc
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise RequestRefused(400, "INVALID_JSON", "请求体不是有效的 JSON") from exc
    if isinstance(document, list):
        raise RequestRefused(400, "BATCH_NOT_SUPPORTED", "不支持批量请求：每次请求只发送一个 GraphQL 操作")
    if not isinstance(document, dict):
        raise RequestRefused(400, "BAD_REQUEST", "请求体应为 JSON 对象")
    return document


def refused_response(exc: HTTPException) -> Response:
    if isinstance(exc, RequestRefused):
        return error_response(exc.code, exc.message, status=exc.status_code, headers=exc.headers)
    code, message = code_for_status(exc.status_code)
    if exc.status_code == 400:
        message = "请求格式错误：应为一个 GraphQL 请求（JSON 对象含 query 字符串；上传文件用 multipart）"
    return error_response(code, message, status=exc.status_code)
