"""The application's metrics, one instance per app (`app.state.metrics`)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from backend.observability.labels import BoundedNames
from backend.observability.registry import Counter, Gauge, Histogram, Registry

MAX_OPERATION_NAMES = 100  # distinct GraphQL operation labels; later newcomers are "other"


class AppMetrics:
    def __init__(self, engine: AsyncEngine) -> None:
        self.registry = Registry()
        self.operation_label = BoundedNames(MAX_OPERATION_NAMES)
        add = self.registry.add
        self.http_requests: Counter = add(
            Counter(
                "zhucuntong_http_requests_total",
                "HTTP requests by route template, method and status class.",
                ("route", "method", "status"),
            )
        )
        self.http_duration: Histogram = add(
            Histogram("zhucuntong_http_request_duration_seconds", "HTTP latency by route template.", ("route",))
        )
        self.graphql_duration: Histogram = add(
            Histogram(
                "zhucuntong_graphql_operation_duration_seconds",
                "GraphQL latency by operation name (or root fields); bounded, overflow is 'other'.",
                ("operation",),
            )
        )
        self.outbox_conflicts: Counter = add(
            Counter(
                "zhucuntong_outbox_conflicts_total",
                "Offline-outbox mutations answered CONFLICT (same client id, different content).",
                ("operation",),
            )
        )
        self.poll_casts: Counter = add(
            Counter(
                "zhucuntong_poll_casts_total",
                "Ballots accepted or refused (by error code). Aggregate only: no poll, no voter.",
                ("outcome", "reason"),
            )
        )
        self.client_disconnects: Counter = add(
            Counter(
                "zhucuntong_client_disconnects_total",
                "Requests whose client went away before its body was read (a dropped village connection), by route.",
                ("route",),
            )
        )
        pool = engine.sync_engine.pool
        add(Gauge("zhucuntong_db_pool_size", "Connections the pool keeps open.", _reader(pool, "size")))
        add(Gauge("zhucuntong_db_pool_checked_out", "Connections in use now.", _reader(pool, "checkedout")))
        add(Gauge("zhucuntong_db_pool_overflow", "Connections beyond the pool size now.", _reader(pool, "overflow")))

    def cast_accepted(self) -> None:
        self.poll_casts.inc("accepted", "")

    def cast_refused(self, reason: str) -> None:
        self.poll_casts.inc("refused", reason)

    def render(self) -> str:
        return self.registry.render()


def _reader(pool: object, method: str) -> Callable[[], float | None]:
    """Pools without the method (NullPool, StaticPool) give no sample rather than a wrong zero."""
    read = getattr(pool, method, None)
    return (lambda: float(read())) if callable(read) else (lambda: None)
