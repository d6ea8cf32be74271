"""The limiter: refuses past the limit with a retry time, keys subjects only by keyed hashes, and —
when the shared store fails — keeps serving, counting in process memory, with one log line."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pytest

from backend.core.errors import ErrorCode
from backend.ratelimit.limiter import Limit, RateLimited, RateLimiter
from backend.ratelimit.memory import InMemoryCounterStore
from backend.ratelimit.metrics import RateLimitMetrics
from backend.ratelimit.store import Hit, StoreUnavailable, WindowCount

PHONE = Limit("login_phone", 2, 60)
ADDRESS = Limit("login_address", 3, 60)


def limiter(store: object | None = None, **kwargs: object) -> RateLimiter:
    return RateLimiter(store or InMemoryCounterStore(), key_secret=b"k" * 32, key_prefix="p:", **kwargs)  # type: ignore[arg-type]


async def test_past_the_limit_it_refuses_with_a_coded_chinese_error_and_a_retry_time() -> None:
    limits = limiter()
    await limits.check((PHONE, "13800000001"))
    await limits.check((PHONE, "13800000001"))
    with pytest.raises(RateLimited) as refused:
        await limits.check((PHONE, "13800000001"))
    assert refused.value.code is ErrorCode.RATE_LIMITED
    assert refused.value.message == "操作太频繁，请 60 秒后再试"
    assert refused.value.retry_after == 60
    await limits.check((PHONE, "13800000002"))  # another subject is not affected


async def test_any_limit_over_refuses_and_every_attempt_counts() -> None:
    limits = limiter()
    for phone in ("13800000001", "13800000002", "13800000003"):
        await limits.check((PHONE, phone), (ADDRESS, "203.0.113.7"))
    with pytest.raises(RateLimited):
        await limits.check((PHONE, "13800000004"), (ADDRESS, "203.0.113.7"))


async def test_a_limit_of_zero_is_off() -> None:
    class Untouchable:
        async def hit(self, hits: Sequence[Hit]) -> list[WindowCount]:
            raise AssertionError("a limit that is off must not count")

        async def close(self) -> None: ...

    limits = limiter(Untouchable())
    for _ in range(5):
        await limits.check((Limit("cast_address", 0, 60), "203.0.113.7"))


def test_keys_are_keyed_hashes_shared_by_processes_and_distinct_per_limit() -> None:
    key = limiter().key(PHONE, "13800000001")
    assert key.startswith("p:login_phone:") and len(key) == len("p:login_phone:") + 32
    assert "13800000001" not in key
    assert key == limiter().key(PHONE, "13800000001")  # another process, same secret: same key
    assert key != limiter().key(PHONE, "13800000002")
    digest = limiter().key(PHONE, "203.0.113.7").rsplit(":", 1)[1]
    assert limiter().key(ADDRESS, "203.0.113.7").rsplit(":", 1)[1] != digest  # counters cannot be joined
    other_secret = RateLimiter(InMemoryCounterStore(), key_secret=b"s" * 32, key_prefix="p:")
    assert other_secret.key(PHONE, "13800000001") != key


class FlakyStore:
    """A shared store that is down until `up` is set."""

    def __init__(self) -> None:
        self.up = False
        self.calls = 0
        self.inner = InMemoryCounterStore()

    async def hit(self, hits: Sequence[Hit]) -> list[WindowCount]:
        self.calls += 1
        if not self.up:
            raise StoreUnavailable("ConnectionError")
        return await self.inner.hit(hits)

    async def close(self) -> None: ...


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_store_outage_counts_in_memory_logs_once_and_recovers(caplog: pytest.LogCaptureFixture) -> None:
    store, clock, metrics = FlakyStore(), Clock(), RateLimitMetrics()
    limits = limiter(store, fallback=InMemoryCounterStore(), metrics=metrics, store_retry_seconds=5, clock=clock)
    caplog.set_level(logging.INFO, logger="zhucuntong.ratelimit")
    await limits.check((PHONE, "13800000001"))  # served while the store is down
    await limits.check((PHONE, "13800000001"))
    with pytest.raises(RateLimited):  # the limit still holds, in this process
        await limits.check((PHONE, "13800000001"))
    assert store.calls == 1  # not asked again until the retry time
    assert metrics.store_errors.value() == 1 and metrics.local_checks.value() == 3
    clock.now = 6
    store.up = True
    await limits.check((PHONE, "13800000001"))
    assert store.calls == 2
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert messages == [
        ("WARNING", "rate-limit store unreachable (ConnectionError): counting in this process only"),
        ("INFO", "rate-limit store reachable again: counting across processes"),
    ]
    assert metrics.refusals.value("login_phone") == 1
