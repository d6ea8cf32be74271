"""Counters in Redis, shared by every app process: one EVALSHA per check, whatever the number of keys.

Redis's own clock ends the windows (PEXPIRE at the first hit), so processes with drifting clocks
still agree. A single Redis (or a primary with replicas), not Redis Cluster: one check's keys may
live in different hash slots.
"""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from backend.ratelimit.store import Hit, StoreUnavailable, WindowCount

# KEYS[i] gets one hit in a window of ARGV[i] milliseconds; returns hits and milliseconds left, per key.
_HIT_SCRIPT = """
local out = {}
for i, key in ipairs(KEYS) do
  local hits = redis.call('INCR', key)
  local left = redis.call('PTTL', key)
  if left < 0 then
    left = tonumber(ARGV[i])
    redis.call('PEXPIRE', key, left)
  end
  out[2 * i - 1] = hits
  out[2 * i] = left
end
return out
"""

# A rate limit must never hold up a request for long: no retries, a one-second timeout; the limiter
# counts in process memory while Redis does not answer.
DEFAULT_TIMEOUT_SECONDS = 1.0


class RedisCounterStore:
    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self._redis = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )
        self._script = self._redis.register_script(_HIT_SCRIPT)

    async def hit(self, hits: Sequence[Hit]) -> list[WindowCount]:
        keys = [key for key, _ in hits]
        windows = [window * 1000 for _, window in hits]
        try:
            flat = await self._script(keys=keys, args=windows)
        except (RedisError, OSError) as exc:
            raise StoreUnavailable(type(exc).__name__) from exc
        return [WindowCount(hits=int(flat[i]), resets_in=int(flat[i + 1]) / 1000) for i in range(0, len(flat), 2)]

    async def close(self) -> None:
        await self._redis.aclose()
