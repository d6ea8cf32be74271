"""Counting ballots cast over the lean JSON route, without logging or labelling anything per poll."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from backend.observability.labels import OTHER, error_code
from backend.observability.metrics import AppMetrics

Endpoint = Callable[[Request], Awaitable[Response]]


def counting_casts(endpoint: Endpoint, metrics: AppMetrics) -> Endpoint:
    async def counted(request: Request) -> Response:
        response = await endpoint(request)
        if response.status_code == 200:
            metrics.cast_accepted()
        else:
            metrics.cast_refused(_code(response.body))
        return response

    return counted


def _code(body: bytes | memoryview) -> str:
    try:
        document = json.loads(bytes(body))
    except ValueError:
        return OTHER
    return error_code(document.get("code")) if isinstance(document, dict) else OTHER
