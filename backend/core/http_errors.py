"""The one error path of the HTTP routes: an exception in, a coded JSON refusal out.

Routes raise; they never build an error body. Every refusal — of a plain route (media, polls,
exports, cards), of the HTTP layer (unknown path, wrong method, body too large, refused CORS
preflight) or of /graphql before a GraphQL request exists — has the GraphQL error shape, so the
PWA reads one shape everywhere (docs/SECURITY.md, "Errors"):

    {"errors": [{"message": "<中文>", "extensions": {"code": "<CODE>", "field": "<input>", …}}]}

`field` only when the error is about one input; a few errors add more (`currentVersion` of a stale
edit, `retryAfter` of a rate limit). The HTTP status comes from STATUS, by code.

Starlette calls `handle_error` for the exceptions in EXCEPTION_HANDLERS (registered by
`create_app`); `UnhandledErrors` hands it anything else that escapes a route before its response
has started: a database outage wrapped in another exception (503), or a bug (500 INTERNAL, the
message masked, the traceback logged with the request id).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, ExceptionHandler, Message, Receive, Scope, Send

from backend.core import unavailable
from backend.core.errors import DomainError, ErrorCode

log = logging.getLogger("zhucuntong.errors")

INTERNAL = "INTERNAL"
INTERNAL_MESSAGE = "服务器内部错误，请稍后重试"

# The one status map: error code → HTTP status. Every ErrorCode has its line (a test checks);
# the codes after them are the HTTP layer's own. GraphQL answers expected errors with 200 and
# the code (in a payload or in `errors`); only these routes use the status.
STATUS: Mapping[str, int] = {
    ErrorCode.INVALID_INPUT: 400,
    ErrorCode.INVALID_TOKEN: 400,
    ErrorCode.WRONG_POLL: 400,
    ErrorCode.INVALID_CODE: 400,
    ErrorCode.ANONYMOUS_ONLY: 400,
    ErrorCode.PHOTO_REQUIRED: 400,
    ErrorCode.OIDC_STATE_INVALID: 400,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.INVALID_CREDENTIALS: 401,
    ErrorCode.TOKEN_INVALID: 401,
    ErrorCode.TOKEN_REUSED: 401,
    ErrorCode.ID_TOKEN_INVALID: 401,
    ErrorCode.LOGIN_TICKET_INVALID: 401,
    ErrorCode.SECOND_FACTOR_INVALID: 401,
    ErrorCode.SESSION_IDLE: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.ACCOUNT_DISABLED: 403,
    ErrorCode.NOT_ELIGIBLE: 403,
    ErrorCode.IDENTITY_UNBOUND: 403,
    ErrorCode.PASSWORD_LOGIN_DISABLED: 403,
    ErrorCode.OIDC_FAILED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.OIDC_NOT_CONFIGURED: 404,
    ErrorCode.MEDIA_MISSING: 404,
    ErrorCode.DUPLICATE: 409,
    ErrorCode.CONFLICT: 409,
    ErrorCode.STALE_VERSION: 409,
    ErrorCode.INVALID_STATE: 409,
    ErrorCode.UPLOAD_OFFSET_MISMATCH: 409,
    ErrorCode.ALREADY_VOTED: 409,
    ErrorCode.ALREADY_ISSUED: 409,
    ErrorCode.POLL_NOT_OPEN: 409,
    ErrorCode.POLL_CLOSED: 409,
    ErrorCode.ROSTER_LOCKED: 409,
    ErrorCode.ROLL_CALL_CAP_REACHED: 409,
    ErrorCode.MEDIA_TOO_LARGE: 413,
    ErrorCode.IMPORT_TOO_LARGE: 413,
    ErrorCode.MEDIA_UNSUPPORTED: 415,
    ErrorCode.IMPORT_INVALID: 422,
    ErrorCode.LOCKED: 429,
    ErrorCode.RATE_LIMITED: 429,  # + Retry-After
    ErrorCode.FONT_MISSING: 503,
    ErrorCode.OIDC_UNAVAILABLE: 503,
    ErrorCode.STORAGE_FULL: 507,
    # the HTTP layer's own refusals
    "BAD_REQUEST": 400,
    "INVALID_JSON": 400,
    "BATCH_NOT_SUPPORTED": 400,
    "CORS_REFUSED": 400,
    "TLS_REQUIRED": 403,  # production, a request that did not come over TLS (backend/core/tls.py)
    "METHOD_NOT_ALLOWED": 405,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    INTERNAL: 500,
    unavailable.CODE: 503,  # + Retry-After
    "PWA_NOT_BUILT": 503,
}

# Refusals known only by their HTTP status (Starlette's HTTPException, Strawberry's view).
_BY_STATUS = {
    400: ("BAD_REQUEST", "请求格式错误"),
    404: ("NOT_FOUND", "地址不存在"),
    405: ("METHOD_NOT_ALLOWED", "不支持该请求方法"),
    413: ("PAYLOAD_TOO_LARGE", "请求体过大"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "不支持该内容类型"),
}


class BodyTooLarge(Exception):
    """A request body past its limit (`backend.core.http.BodySizeLimit`): 413 PAYLOAD_TOO_LARGE."""


def status_for(code: str) -> int:
    return STATUS.get(code, 400)


def code_for_status(status: int) -> tuple[str, str]:
    """The stable code and Chinese message of a refusal known only by its HTTP status."""
    return _BY_STATUS.get(status, ("BAD_REQUEST", "请求格式错误"))


def error_body(code: str, message: str, extensions: Mapping[str, object] | None = None) -> dict[str, object]:
    return {"errors": [{"message": message, "extensions": {"code": code, **(extensions or {})}}]}


def error_response(
    code: str,
    message: str,
    *,
    status: int | None = None,
    extensions: Mapping[str, object] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A refusal in the one shape; its status from STATUS unless given. Never cached; a 401 says
    which credentials would do."""
    status = status_for(code) if status is None else status
    all_headers = {"cache-control": "no-store"}
    if status == 401:
        all_headers["www-authenticate"] = "Bearer"
    all_headers.update(headers or {})
    return JSONResponse(error_body(code, message, extensions), status_code=status, headers=all_headers)


def too_large_response() -> JSONResponse:
    return error_response("PAYLOAD_TOO_LARGE", "请求体过大")


def answer(exc: Exception, scope: Scope) -> Response:
    """The response to an exception raised while handling a request."""
    if isinstance(exc, DomainError):
        extensions = exc.extensions()
        retry_after = extensions.get("retryAfter")
        headers = {"retry-after": str(retry_after)} if retry_after is not None else None
        return error_response(exc.code.value, exc.message, extensions=extensions, headers=headers)
    if isinstance(exc, HTTPException):
        if exc.status_code in {204, 304}:
            return Response(status_code=exc.status_code, headers=exc.headers)
        code, message = code_for_status(exc.status_code)
        return error_response(code, message, status=exc.status_code, headers=exc.headers)
    if isinstance(exc, BodyTooLarge):
        return too_large_response()
    if unavailable.is_unavailable(exc):
        unavailable.note(exc)  # one line, no traceback: an outage is an operations event, not a bug
        return error_response(unavailable.CODE, unavailable.MESSAGE, headers=unavailable.HEADERS)
    # The route template, never the path: a poll's path must not appear in the logs.
    route = getattr(scope.get("route"), "path", "unmatched")
    log.error("internal error on %s %s", scope.get("method"), route, exc_info=exc)
    return error_response(INTERNAL, INTERNAL_MESSAGE)


async def handle_error(request: Request, exc: Exception) -> Response:
    """THE exception handler (Starlette's `exception_handlers`)."""
    return answer(exc, request.scope)


EXCEPTION_HANDLERS: Mapping[object, ExceptionHandler] = {
    DomainError: handle_error,
    HTTPException: handle_error,
    BodyTooLarge: handle_error,
    **{outage: handle_error for outage in unavailable.EXCEPTION_TYPES},
}


class UnhandledErrors:
    """Innermost middleware: what escapes a route without a registered handler (an exception
    caused by an outage, a bug) is answered by `answer` too, inside the request's context (its id,
    CORS and security headers). After the response has started there is nothing left to answer,
    and a client that went away is the observability middleware's to count: both go on up."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except ClientDisconnect:
            raise
        except Exception as exc:
            if started:
                raise
            await answer(exc, scope)(scope, receive, send)
