"""GET /metrics — never public in production.

With METRICS_TOKEN set, a scrape must send `Authorization: Bearer <METRICS_TOKEN>` (any APP_ENV).
Without it, production answers only direct loopback requests (no X-Forwarded-For: anything that
came through the reverse proxy is refused); development answers everyone.
"""

from __future__ import annotations

import hmac

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from backend.auth.bearer import bearer_token

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LOOPBACK = frozenset({"127.0.0.1", "::1"})


def scrape_allowed(request: Request) -> bool:
    settings = request.app.state.settings
    if settings.metrics_token:
        given = bearer_token(request.headers.get("authorization")) or ""
        return hmac.compare_digest(given.encode(), settings.metrics_token.encode())
    if not settings.is_production:
        return True
    client = request.client
    return client is not None and client.host in _LOOPBACK and "x-forwarded-for" not in request.headers


async def metrics_endpoint(request: Request) -> Response:
    if not scrape_allowed(request):
        raise HTTPException(404)  # answered like any path that does not exist (backend/core/http.py)
    body = request.app.state.metrics.render()
    return Response(body, headers={"content-type": CONTENT_TYPE, "cache-control": "no-store"})
