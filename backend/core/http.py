"""Small ASGI pieces around the API: health checks, body-size limit, security headers, the PWA."""

from __future__ import annotations

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
from backend.core.http_errors import BodyTooLarge, error_body, error_response, too_large_response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; "
    "manifest-src 'self'; frame-ancestors {ancestors}; base-uri 'self'; form-action 'self'"
)


def security_headers(frame_ancestors: str = "") -> dict[str, str]:
    """The headers of every response. `frame_ancestors` (FRAME_ANCESTORS): origins that may show the
    app in a frame — the staff super-app's H5 container; empty: no one, and X-Frame-Options DENY for
    browsers that predate CSP (with origins listed it is left out: it cannot name an origin)."""
    headers = {
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "permissions-policy": "camera=(self), geolocation=(self), microphone=()",
        "content-security-policy": CSP.format(ancestors=" ".join(frame_ancestors.split()) or "'none'"),
    }
    if not frame_ancestors.strip():
        headers["x-frame-options"] = "DENY"
    return headers


SECURITY_HEADERS = security_headers()
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


def register_route_convertors() -> None:
    """`{name:id}` for the routes of `create_app` (Starlette's convertors are process-wide)."""
    register_url_convertor("id", DatabaseIdConvertor())


async def healthz(_request: Request) -> Response:
    return PlainTextResponse("ok")


async def readyz(request: Request) -> Response:
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        refusal = error_body(unavailable.CODE, unavailable.MESSAGE)
        body = {"status": "unavailable", "database": "unreachable", **refusal}
        return JSONResponse(body, status_code=503, headers=unavailable.HEADERS)
    return JSONResponse({"status": "ok", "database": "ok"})


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
        return error_response("CORS_REFUSED", f"不允许的跨站请求（{refused}）", headers=headers)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, frame_ancestors: str = "") -> None:
        self.app = app
        self.headers = security_headers(frame_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                if scope.get("scheme") == "https":
                    headers.setdefault("strict-transport-security", HSTS)
            await send(message)

        await self.app(scope, receive, with_headers)


MAX_GRAPHQL_JSON_BYTES = 1024 * 1024  # a JSON GraphQL request; the largest real one, a 5,000-row roster, is ~0.4 MB


class BodySizeLimit:
    """Refuse request bodies over the limit (413, code PAYLOAD_TOO_LARGE): a declared Content-Length
    before reading a byte, a streamed (chunked) body as soon as it passes the limit (BodyTooLarge,
    raised from `receive` into the route, is answered by the one error handler)."""

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
            await too_large_response()(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
            return message

        await self.app(scope, counting_receive, send)


class GraphQLBodyLimit(BodySizeLimit):
    """/graphql: a JSON request up to MAX_GRAPHQL_JSON_BYTES; a multipart one (a workbook) up to `max_bytes`."""

    def limit_for(self, scope: Scope) -> int:
        content_type = Headers(scope=scope).get("content-type", "")
        return self.max_bytes if content_type.startswith("multipart/form-data") else MAX_GRAPHQL_JSON_BYTES


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


def pwa_missing(_request: Request) -> Response:
    message = (
        "前端尚未构建：请运行 README 中的 run 命令（它会构建 pwa/dist） / PWA not built: run the README's run command"
    )
    return error_response("PWA_NOT_BUILT", message)
