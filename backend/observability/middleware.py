"""One pure-ASGI middleware: request id in and out, HTTP metrics, one JSON access line per request,
and clients that hang up mid-request counted rather than crashing the request."""

from __future__ import annotations

import logging
import time

from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.observability.context import RequestInfo, current_request, request_id_from
from backend.observability.labels import method, route_template, status_class
from backend.observability.metrics import AppMetrics

access_log = logging.getLogger("zhucuntong.access")
disconnect_log = logging.getLogger("zhucuntong.disconnects")

CLIENT_CLOSED_REQUEST = 499  # nginx's status for it: recorded in metrics and the access line, never sent

# Casting is never logged: a timestamped line per ballot could be joined with other records to
# tell who voted when. (Credential requests and GraphQL casts are silenced by operation:
# backend/observability/graphql.py SILENT_FIELDS.)
SILENT_ROUTES = frozenset({"/polls/{poll_id}/ballots"})


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: AppMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        info = RequestInfo(request_id_from(Headers(scope=scope).get("x-request-id")))
        token = current_request.set(info)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", info.request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            status = CLIENT_CLOSED_REQUEST
            self._client_went_away(scope, info)
        finally:
            elapsed = time.perf_counter() - started
            self._record(scope, info, status, elapsed)
            current_request.reset(token)

    def _client_went_away(self, scope: Scope, info: RequestInfo) -> None:
        """The client hung up while sending its body (ClientDisconnect from reading it): normal on a
        village network, not a server error. The route gave up before writing anything, there is no
        one to answer, so it is counted and noted, never raised on to be logged as an ASGI crash."""
        route = route_template(scope)
        self.metrics.client_disconnects.inc(route)
        if not (info.silent or route in SILENT_ROUTES):
            disconnect_log.info("client disconnected before sending its whole request", extra={"route": route})

    def _record(self, scope: Scope, info: RequestInfo, status: int, elapsed: float) -> None:
        route = route_template(scope)
        verb = method(scope["method"])
        self.metrics.http_requests.inc(route, verb, status_class(status))
        self.metrics.http_duration.observe(elapsed, route)
        if info.silent or route in SILENT_ROUTES or not access_log.isEnabledFor(logging.INFO):
            return
        extra = {"method": verb, "route": route, "status": status, "duration_ms": round(elapsed * 1000, 2)}
        if info.operation:
            extra["operation"] = info.operation
        access_log.info("request", extra=extra)
