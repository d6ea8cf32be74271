"""Small ASGI pieces around the API: health checks, body-size limit, security headers, the PWA."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from sqlalchemy import text
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.core import unavailable

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(self), geolocation=(self), microphone=()",
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; "
        "manifest-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
}
# Only on requests that arrived over TLS: the scheme comes from X-Forwarded-Proto of a trusted proxy
# (uvicorn proxy_headers, FORWARDED_ALLOW_IPS). The proxies send it too (Caddyfile, ingress).
HSTS = "max-age=31536000; includeSubDomains"


class DatabaseIdConvertor(Convertor[int]):
    """`{name:id}` in a route: a positive BIGINT. Longer digit strings do not match (404) instead of
    overflowing the database driver (a 500) as `{name:int}` would."""

    regex = "[1-9][0-9]{0,17}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", DatabaseIdConvertor())


async def healthz(_request: Request) -> Response:
    return PlainTextResponse("ok")


async def readyz(request: Request) -> Response:
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        return JSONResponse(
            {"status": "unavailable", "database": "unreachable", "code": unavailable.CODE},
            status_code=503,
            headers=unavailable.HEADERS,
        )
    return JSONResponse({"status": "ok", "database": "ok"})


class DatabaseUnavailable:
    """A database outage on a plain HTTP route (media, polls, exports, cards) is answered 503 with
    Retry-After in that route's own error shape, not 500 (GraphQL does the same in its view)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await answer_failure_instead(self.app, scope, receive, send, self._answer)

    @staticmethod
    def _answer(exc: Exception, scope: Scope) -> Response | None:
        if not unavailable.is_unavailable(exc):
            return None
        unavailable.note(exc)
        return _unavailable_response(scope["path"])


async def answer_failure_instead(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, answer: Callable[[Exception, Scope], Response | None]
) -> None:
    """Run `app`; when it raises before its response has started and `answer` has a response for
    that failure, send that response instead (otherwise the exception goes on up)."""
    started = False

    async def tracking_send(message: Message) -> None:
        nonlocal started
        started = started or message["type"] == "http.response.start"
        await send(message)

    try:
        await app(scope, receive, tracking_send)
    except Exception as exc:
        response = None if started else answer(exc, scope)
        if response is None:
            raise
        await response(scope, receive, send)


def _unavailable_response(path: str) -> Response:
    return error_response(path, 503, unavailable.CODE, unavailable.MESSAGE, unavailable.HEADERS)


def error_response(
    path: str, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """A refusal in the error shape of the route it answers (one shape for all is another issue's):
    media `{"error": {code, message}}`; exports and GraphQL `{"errors": [{message, extensions: {code}}]}`;
    everything else (polls, cards, health, unknown paths) `{code, message}`."""
    error = {"code": code, "message": message}
    if path.startswith("/media"):
        body: object = {"error": error}
    elif path.startswith(("/exports", "/graphql")):
        body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    else:
        body = error
    return JSONResponse(body, status_code=status, headers=headers)


# Refusals made by the HTTP layer itself (routing, static files, the GraphQL view) by status.
_BY_STATUS = {
    400: ("BAD_REQUEST", "请求格式错误"),
    404: ("NOT_FOUND", "地址不存在"),
    405: ("METHOD_NOT_ALLOWED", "不支持该请求方法"),
    413: ("PAYLOAD_TOO_LARGE", "请求体过大"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "不支持该内容类型"),
}


def code_for_status(status: int) -> tuple[str, str]:
    """The stable code and Chinese message of a refusal known only by its HTTP status."""
    return _BY_STATUS.get(status, ("BAD_REQUEST", "请求格式错误"))


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's HTTPException (404 for an unknown path or file, 405 for a method a route does
    not take) as a coded JSON refusal instead of Starlette's plain-text one."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in {204, 304}:
        return Response(status_code=exc.status_code, headers=exc.headers)
    code, message = code_for_status(exc.status_code)
    return error_response(request.url.path, exc.status_code, code, message, exc.headers)


class CORS(CORSMiddleware):
    """Starlette's CORS middleware, with a refused preflight (an origin, method or header not
    allowed) answered as a coded 400 like every other refusal instead of plain text. A browser
    never shows a preflight's body to the page; people reading logs or using curl see the code."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")  # "origin, headers"
        headers = {k: v for k, v in response.headers.items() if k not in ("content-length", "content-type")}
        return error_response("", 400, "CORS_REFUSED", f"不允许的跨站请求（{refused}）", headers)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if scope.get("scheme") == "https":
                    headers.setdefault("strict-transport-security", HSTS)
            await send(message)

        await self.app(scope, receive, with_headers)


MAX_GRAPHQL_JSON_BYTES = 1024 * 1024  # a JSON GraphQL request; the largest real one, a 5,000-row roster, is ~0.4 MB


class BodyTooLarge(Exception):
    """Raised from `receive` once a streamed body passes the limit; turned into a 413 below."""


class BodySizeLimit:
    """Refuse request bodies over the limit (413, code PAYLOAD_TOO_LARGE): a declared Content-Length
    before reading a byte, a streamed (chunked) body as soon as it passes the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def limit_for(self, scope: Scope) -> int:
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = Headers(scope=scope).get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            await _too_large()(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
            return message

        await answer_failure_instead(
            self.app,
            scope,
            counting_receive,
            send,
            lambda exc, _: _too_large() if isinstance(exc, BodyTooLarge) else None,
        )


class GraphQLBodyLimit(BodySizeLimit):
    """/graphql: a JSON request up to MAX_GRAPHQL_JSON_BYTES; a multipart one (a workbook) up to `max_bytes`."""

    def limit_for(self, scope: Scope) -> int:
        content_type = Headers(scope=scope).get("content-type", "")
        return self.max_bytes if content_type.startswith("multipart/form-data") else MAX_GRAPHQL_JSON_BYTES


def _too_large() -> Response:
    return JSONResponse(
        {"errors": [{"message": "请求体过大", "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]}, status_code=413
    )


class SinglePageApp(StaticFiles):
    """Serves the built PWA; unknown paths get index.html so client-side routes work offline."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or "." in Path(path).name:
                raise
            response = await super().get_response("index.html", scope)
        if path in ("sw.js", "index.html", ".", "") or path.endswith(".webmanifest"):
            response.headers["cache-control"] = "no-cache"
        elif path.startswith("assets/"):
            response.headers["cache-control"] = "public, max-age=31536000, immutable"
        return response


def pwa_missing(request: Request) -> Response:
    message = (
        "前端尚未构建：请运行 README 中的 run 命令（它会构建 pwa/dist） / PWA not built: run the README's run command"
    )
    return error_response(request.url.path, 503, "PWA_NOT_BUILT", message)
