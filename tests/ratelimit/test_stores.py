"""Both counter stores behind one interface: fixed windows that start at a key's first hit, end on
time, keep keys apart, and (Redis) take one round trip per check and never outlive their window."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from backend.ratelimit.memory import InMemoryCounterStore
from backend.ratelimit.redis_store import RedisCounterStore
from backend.ratelimit.store import CounterStore, StoreUnavailable
from tests.ratelimit.redis_server import PrivateRedis


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def store_and_wait(
    request: pytest.FixtureRequest, redis_server: PrivateRedis
) -> AsyncIterator[tuple[CounterStore, object]]:
    """A store and `wait(seconds)`, which lets that much of a window pass (fake time for memory)."""
    if request.param == "memory":
        clock = FakeClock()

        async def advance(seconds: float) -> None:
            clock.now += seconds

        yield InMemoryCounterStore(clock=clock), advance
    else:
        store = RedisCounterStore(redis_server.url)
        yield store, asyncio.sleep
        await store.close()


@pytest.fixture
def key() -> str:
    return f"test-{uuid.uuid4().hex}:"


async def test_a_window_counts_hits_and_says_when_it_ends(store_and_wait: tuple, key: str) -> None:
    store, _ = store_and_wait
    counts = [(await store.hit([(key + "a", 60)]))[0] for _ in range(3)]
    assert [c.hits for c in counts] == [1, 2, 3]
    assert all(0 < c.resets_in <= 60 for c in counts)


async def test_the_window_ends_on_time_and_counting_starts_again(store_and_wait: tuple, key: str) -> None:
    store, wait = store_and_wait
    assert [(await store.hit([(key + "a", 1)]))[0].hits for _ in range(2)] == [1, 2]
    await wait(0.5)
    assert (await store.hit([(key + "a", 1)]))[0].hits == 3  # a fixed window: later hits do not extend it
    await wait(0.65)
    again = (await store.hit([(key + "a", 1)]))[0]
    assert again.hits == 1 and 0.5 < again.resets_in <= 1


async def test_keys_are_counted_apart_and_together_in_one_call(store_and_wait: tuple, key: str) -> None:
    store, _ = store_and_wait
    await store.hit([(key + "phone", 60)])
    both = await store.hit([(key + "phone", 60), (key + "address", 60)])
    assert [c.hits for c in both] == [2, 1]
    assert (await store.hit([(key + "other", 60)]))[0].hits == 1


async def test_memory_store_forgets_ended_windows_and_stays_bounded() -> None:
    clock = FakeClock()
    store = InMemoryCounterStore(max_keys=3, clock=clock)
    for name in "abcde":
        await store.hit([(name, 10)])
    assert len(store) == 3  # the oldest windows were forgotten
    assert (await store.hit([("a", 10)]))[0].hits == 1
    clock.now += 11
    await store.hit([("z", 10)])
    assert len(store) == 1  # every ended window dropped


async def test_redis_check_is_one_round_trip_and_keys_expire_with_their_window(
    redis_server: PrivateRedis, key: str
) -> None:
    store = RedisCounterStore(redis_server.url)
    raw = redis_server.client()
    try:
        await store.hit([(key + "warm", 60)])  # loads the script
        raw.config_resetstat()
        await store.hit([(key + "phone", 60), (key + "address", 30)])
        calls = {name.removeprefix("cmdstat_"): s["calls"] for name, s in raw.info("commandstats").items()}
        inside_the_script = {"incr": 2, "pttl": 2, "pexpire": 2}
        sent = {name: n for name, n in calls.items() if name not in {*inside_the_script, "info", "config|resetstat"}}
        assert sent == {"evalsha": 1}
        assert {name: calls[name] for name in inside_the_script} == inside_the_script
        assert 59_000 < raw.pttl(key + "phone") <= 60_000
        assert 29_000 < raw.pttl(key + "address") <= 30_000
        raw.set(key + "stray", 5)  # a counter left without expiry (e.g. written by hand) gets one
        assert (await store.hit([(key + "stray", 60)]))[0].hits == 6
        assert 0 < raw.pttl(key + "stray") <= 60_000
    finally:
        raw.close()
        await store.close()


async def test_unreachable_redis_is_reported_quickly(redis_server: PrivateRedis) -> None:
    from tests.live_server import free_port

    store = RedisCounterStore(f"redis://127.0.0.1:{free_port()}/0")
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(StoreUnavailable):
        await store.hit([("k", 60)])
    assert loop.time() - started < 1
    await store.close()
