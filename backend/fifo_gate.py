"""A gate that lets at most `size` tasks through at once, strictly in the order they arrived.

asyncio.Queue (and so asyncpg's pool, built on it) wakes the first waiter when a slot frees, but a
task arriving meanwhile takes the slot first; the woken waiter then queues again at the back. Under
a burst of requests that are all waiting for a connection, some wait many times the mean — the
tail a voter sees as a hung page. Here a freed slot is handed to the oldest waiter directly.
"""

from __future__ import annotations

import asyncio
from collections import deque
from types import TracebackType


class FifoGate:
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a gate needs at least one slot")
        self._free = size
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return sum(1 for w in self._waiters if not w.done())

    async def __aenter__(self) -> None:
        if self._free and not self._waiters:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed a slot, then cancelled before using it: pass it on
            else:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    pass
            raise

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._release()

    def _release(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1
