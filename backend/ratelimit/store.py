"""What the rate limiter counts with: one small interface, two backends (memory.py, redis_store.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

Hit = tuple[str, int]  # (key, window in seconds)


@dataclass(frozen=True)
class WindowCount:
    hits: int  # in the key's current window, this hit included
    resets_in: float  # seconds until that window ends and counting starts again


class StoreUnavailable(Exception):
    """The shared store did not answer; the limiter decides what that means (limiter.py)."""


class CounterStore(Protocol):
    async def hit(self, hits: Sequence[Hit]) -> list[WindowCount]:
        """Count one hit on each key, in one round trip. A fixed window starts at a key's first hit."""
        ...

    async def close(self) -> None: ...
