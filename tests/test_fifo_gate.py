"""FifoGate: slots handed to waiters in arrival order, never to a newcomer first; cancellation
neither loses nor duplicates a slot."""

from __future__ import annotations

import asyncio

import pytest

from backend.fifo_gate import FifoGate


async def test_a_freed_slot_goes_to_the_oldest_waiter_not_to_a_newcomer() -> None:
    gate = FifoGate(1)
    order: list[str] = []

    async def visit(name: str) -> None:
        async with gate:
            order.append(name)
            await asyncio.sleep(0)

    await gate.__aenter__()
    waiters = [asyncio.create_task(visit(n)) for n in "abc"]
    await asyncio.sleep(0)
    assert gate.waiting == 3
    await gate.__aexit__(None, None, None)
    newcomer = asyncio.create_task(visit("newcomer"))  # arrives as the slot frees: must not jump the queue
    await asyncio.gather(*waiters, newcomer)
    assert order == ["a", "b", "c", "newcomer"]


async def test_never_more_holders_than_slots() -> None:
    gate = FifoGate(3)
    inside = peak = 0

    async def visit() -> None:
        nonlocal inside, peak
        async with gate:
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0.001)
            inside -= 1

    await asyncio.gather(*(visit() for _ in range(50)))
    assert peak == 3


async def test_a_cancelled_waiter_leaves_the_queue_and_the_slot_stays() -> None:
    gate = FifoGate(1)
    await gate.__aenter__()
    cancelled = asyncio.create_task(gate.__aenter__())
    await asyncio.sleep(0)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    await gate.__aexit__(None, None, None)
    await asyncio.wait_for(gate.__aenter__(), 1)  # the slot came back


async def test_a_waiter_cancelled_after_being_handed_the_slot_passes_it_on() -> None:
    gate = FifoGate(1)
    await gate.__aenter__()
    first = asyncio.create_task(gate.__aenter__())
    second = asyncio.create_task(gate.__aenter__())
    await asyncio.sleep(0)
    await gate.__aexit__(None, None, None)  # handed to `first` …
    first.cancel()  # … which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await first
    await asyncio.wait_for(second, 1)
    assert gate.waiting == 0


def test_a_gate_needs_a_slot() -> None:
    with pytest.raises(ValueError):
        FifoGate(0)
