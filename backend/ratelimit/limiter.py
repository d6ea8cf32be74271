"""Fixed-window rate limiting over a counter store, with subjects hashed into keys.

A subject (phone number, client address, user id) enters a key only as
HMAC-SHA256(key secret, limit name ‖ subject): nothing in the store, the logs or the metrics
reads as a phone number or an address, and the same address gives unrelated keys under two
limits (login and casting counters cannot be joined without the secret).

When the shared store fails the limiter does not refuse and does not wait: for `store_retry_seconds`
it counts in this process's memory (limits then hold per process), logs the outage once, and
tries the store again afterwards. A Redis outage must not stop a poll day.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from backend.core.errors import DomainError, ErrorCode
from backend.ratelimit.metrics import RateLimitMetrics
from backend.ratelimit.store import CounterStore, StoreUnavailable, WindowCount

logger = logging.getLogger("zhucuntong.ratelimit")

DEFAULT_STORE_RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class Limit:
    name: str  # part of the key and the metric label, e.g. "login_phone"
    max_hits: int  # per window; 0 turns the limit off
    window_seconds: int


class RateLimited(DomainError):
    code = ErrorCode.RATE_LIMITED

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message or f"操作太频繁，请 {retry_after} 秒后再试")
        self.retry_after = retry_after

    def extensions(self) -> dict[str, object]:
        return {"retryAfter": self.retry_after}  # and the Retry-After header


class RateLimiter:
    def __init__(
        self,
        store: CounterStore,
        *,
        key_secret: bytes,
        key_prefix: str,
        fallback: CounterStore | None = None,
        metrics: RateLimitMetrics | None = None,
        store_retry_seconds: float = DEFAULT_STORE_RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._fallback = fallback
        self._key_secret = key_secret
        self._key_prefix = key_prefix
        self._metrics = metrics or RateLimitMetrics()
        self._store_retry_seconds = store_retry_seconds
        self._clock = clock
        self._store_down_until = -math.inf
        self._store_down = False

    def key(self, limit: Limit, subject: str) -> str:
        digest = hmac.new(self._key_secret, f"{limit.name}\0{subject}".encode(), hashlib.sha256).hexdigest()
        return f"{self._key_prefix}{limit.name}:{digest[:32]}"

    async def check(self, *attempts: tuple[Limit, str]) -> None:
        """Count one attempt against each (limit, subject); raise RateLimited if any is over."""
        counted = [(limit, subject) for limit, subject in attempts if limit.max_hits > 0]
        if not counted:
            return
        counts = await self._count([(self.key(limit, subject), limit.window_seconds) for limit, subject in counted])
        over = [
            (limit, count) for (limit, _), count in zip(counted, counts, strict=True) if count.hits > limit.max_hits
        ]
        if not over:
            return
        for limit, _ in over:
            self._metrics.refusals.inc(limit.name)
        raise RateLimited(retry_after=max(1, math.ceil(max(count.resets_in for _, count in over))))

    async def close(self) -> None:
        await self._store.close()
        if self._fallback is not None:
            await self._fallback.close()

    async def _count(self, hits: list[tuple[str, int]]) -> list[WindowCount]:
        if self._fallback is None:
            return await self._store.hit(hits)
        if self._clock() < self._store_down_until:
            self._metrics.local_checks.inc()
            return await self._fallback.hit(hits)
        try:
            counts = await self._store.hit(hits)
        except StoreUnavailable as exc:
            self._store_failed(exc)
            self._metrics.local_checks.inc()
            return await self._fallback.hit(hits)
        if self._store_down:
            self._store_down = False
            logger.info("rate-limit store reachable again: counting across processes")
        return counts

    def _store_failed(self, exc: StoreUnavailable) -> None:
        self._metrics.store_errors.inc()
        self._store_down_until = self._clock() + self._store_retry_seconds
        if not self._store_down:  # once per outage, not once per request
            self._store_down = True
            logger.warning("rate-limit store unreachable (%s): counting in this process only", exc)
