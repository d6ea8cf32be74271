"""TLS only in production (等级保护 2.0: 通信传输 — confidentiality and integrity in transit).

The proxy in front of the app terminates TLS (deploy/compose/Caddyfile, deploy/k8s/ingress.yaml) and
says so with X-Forwarded-Proto, which uvicorn believes only from FORWARDED_ALLOW_IPS; so a request
whose scheme is still `http` reached the app around the proxy, in the clear. With REQUIRE_TLS (on
by default in production) a page read is sent to the same address over https (308) and anything
else is refused before it is read (403 TLS_REQUIRED), so a password or a token is never accepted
off an unencrypted link. Health checks and /metrics stay reachable over plain http: the kubelet and
the scraper call them on the pod's own address."""

from __future__ import annotations

from starlette.datastructures import URL
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from backend.core.http_errors import error_response

PLAIN_HTTP_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequireTls:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" or scope.get("scheme") in ("https", "wss") or scope["path"] in PLAIN_HTTP_PATHS:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            secure = URL(scope=scope).replace(scheme="https")
            await RedirectResponse(str(secure), status_code=308)(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await error_response("TLS_REQUIRED", "请通过 HTTPS 加密连接访问")(scope, receive, send)
