"""The limiter's counters on /metrics: by limit name only — never a key, address, phone or user."""

from __future__ import annotations

from backend.observability.registry import Counter, Registry


class RateLimitMetrics:
    def __init__(self, registry: Registry | None = None) -> None:
        self.refusals = Counter(
            "zhucuntong_rate_limit_refusals_total", "Requests refused by a rate limit, by limit.", ("limit",)
        )
        self.store_errors = Counter(
            "zhucuntong_rate_limit_store_errors_total",
            "Round trips to the shared counter store (Redis) that failed; the limiter then counts in-process.",
        )
        self.local_checks = Counter(
            "zhucuntong_rate_limit_local_checks_total",
            "Checks counted in this process only because the shared store was unreachable.",
        )
        if registry is not None:
            for metric in (self.refusals, self.store_errors, self.local_checks):
                registry.add(metric)
