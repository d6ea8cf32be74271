"""Counters in this process's memory: the embedded single-process mode, tests, and the stand-in
while Redis is unreachable."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from backend.ratelimit.store import Hit, WindowCount

DEFAULT_MAX_KEYS = 100_000


class InMemoryCounterStore:
    """Fixed windows in an ordered dict. A window is (re)inserted at its first hit, so the dict's
    order is the order in which windows end (for one window length): expired ones are dropped from
    the front as they come up. Past `max_keys` the oldest windows are forgotten — those subjects
    start counting afresh — rather than memory growing with every new address."""

    def __init__(self, *, max_keys: int = DEFAULT_MAX_KEYS, clock: Callable[[], float] = time.monotonic) -> None:
        self._windows: OrderedDict[str, list[float]] = OrderedDict()  # key -> [hits, ends_at]
        self._max_keys = max_keys
        self._clock = clock

    def __len__(self) -> int:
        return len(self._windows)

    async def hit(self, hits: Sequence[Hit]) -> list[WindowCount]:
        now = self._clock()
        self._drop_ended(now)
        return [self._hit(key, window, now) for key, window in hits]

    async def close(self) -> None:
        self._windows.clear()

    def _hit(self, key: str, window_seconds: int, now: float) -> WindowCount:
        window = self._windows.get(key)
        if window is None or window[1] <= now:
            self._windows.pop(key, None)
            window = self._windows[key] = [0, now + window_seconds]
        window[0] += 1
        return WindowCount(hits=int(window[0]), resets_in=window[1] - now)

    def _drop_ended(self, now: float) -> None:
        while self._windows:
            key, (_hits, ends_at) = next(iter(self._windows.items()))
            if ends_at > now and len(self._windows) < self._max_keys:
                return
            del self._windows[key]
