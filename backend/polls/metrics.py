"""Counting ballots cast over the lean JSON route, without logging or labelling anything per poll."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from backend.core.errors import DomainError
from backend.observability.labels import error_code
from backend.observability.metrics import AppMetrics

Endpoint = Callable[[Request], Awaitable[Response]]


def counting_casts(endpoint: Endpoint, metrics: AppMetrics) -> Endpoint:
    """Accepted, or refused by its code; the refusal goes on up to the error handler."""

    async def counted(request: Request) -> Response:
        try:
            response = await endpoint(request)
        except DomainError as exc:
            metrics.cast_refused(error_code(exc.code.value))
            raise
        metrics.cast_accepted()
        return response

    return counted
