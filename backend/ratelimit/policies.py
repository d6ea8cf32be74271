"""The app's rate limits (issue #6): login, poll credential issuing, ballot casting, and what
villagers send without an account (problem reports and their photos, from a public page).

| limit | counted per | default |
|---|---|---|
| login_phone | phone number (as typed, trimmed); for verifySecondFactor the challenge's hash | 10 per window |
| login_address | client address | 30 per window |
| credential_user | user id | 10 per window |
| cast_address | client address | 120 per window |
| public_report_address | client address | 5 per window |
| public_report_village | village id | 10 per window |
| public_photo_address | client address | 5 per window |

The window is RATE_LIMIT_WINDOW_SECONDS (60, at most 60). A casting key holds the keyed hash of
the address and nothing else — no poll, token, code, choice or receipt — and lives one window.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import HTTPConnection

from backend.core.settings import Settings
from backend.observability.registry import Registry
from backend.ratelimit.addresses import address_subject
from backend.ratelimit.limiter import Limit, RateLimiter
from backend.ratelimit.memory import InMemoryCounterStore
from backend.ratelimit.metrics import RateLimitMetrics
from backend.ratelimit.redis_store import RedisCounterStore

_KEY_SECRET_LABEL = b"zhucuntong/rate-limit-keys/v1"


def key_secret(settings: Settings) -> bytes:
    """Derived from JWT_SECRET, so every process of a deployment makes the same keys."""
    return hmac.new(settings.jwt_secret.encode(), _KEY_SECRET_LABEL, hashlib.sha256).digest()


class RateLimits:
    def __init__(self, limiter: RateLimiter, settings: Settings) -> None:
        window = settings.rate_limit_window_seconds
        self.limiter = limiter
        self.login_phone = Limit("login_phone", settings.rate_limit_login_per_phone, window)
        self.login_address = Limit("login_address", settings.rate_limit_login_per_address, window)
        self.credential_user = Limit("credential_user", settings.rate_limit_credentials_per_user, window)
        self.cast_address = Limit("cast_address", settings.rate_limit_casts_per_address, window)
        self.public_report_address = Limit(
            "public_report_address", settings.rate_limit_public_reports_per_address, window
        )
        self.public_report_village = Limit(
            "public_report_village", settings.rate_limit_public_reports_per_village, window
        )
        self.public_photo_address = Limit("public_photo_address", settings.rate_limit_public_photos_per_address, window)

    @classmethod
    def from_settings(cls, settings: Settings, registry: Registry | None = None) -> RateLimits:
        """Redis when REDIS_URL is set (memory while it is unreachable); else this process's memory."""
        metrics = RateLimitMetrics(registry)
        secret, prefix = key_secret(settings), settings.rate_limit_key_prefix
        if settings.redis_url:
            limiter = RateLimiter(
                RedisCounterStore(settings.redis_url),
                fallback=InMemoryCounterStore(),
                key_secret=secret,
                key_prefix=prefix,
                metrics=metrics,
            )
        else:
            limiter = RateLimiter(InMemoryCounterStore(), key_secret=secret, key_prefix=prefix, metrics=metrics)
        return cls(limiter, settings)

    def for_client(self, address: str | None) -> ClientRateLimits:
        return ClientRateLimits(self, address)

    def for_request(self, request: HTTPConnection) -> ClientRateLimits:
        """The limits as the request's client address (see addresses.py) sees them."""
        return self.for_client(address_subject(request.client and request.client.host))

    async def close(self) -> None:
        await self.limiter.close()


class ClientRateLimits:
    """The limits as one request sees them: bound to its client address (see addresses.py)."""

    def __init__(self, limits: RateLimits, address: str | None) -> None:
        self._limits = limits
        self._address = address

    async def login(self, phone: str) -> None:
        limits = self._limits
        attempts = [(limits.login_phone, phone.strip())]
        if self._address is not None:
            attempts.append((limits.login_address, self._address))
        await limits.limiter.check(*attempts)

    async def second_factor(self, challenge: str) -> None:
        """A login's second step: counted like a login, per challenge and per client address."""
        limits = self._limits
        attempts = [(limits.login_phone, "2fa:" + hashlib.sha256(challenge.encode()).hexdigest()[:32])]
        if self._address is not None:
            attempts.append((limits.login_address, self._address))
        await limits.limiter.check(*attempts)

    async def credential(self, user_id: int) -> None:
        await self._limits.limiter.check((self._limits.credential_user, str(user_id)))

    async def cast(self) -> None:
        if self._address is not None:
            await self._limits.limiter.check((self._limits.cast_address, self._address))

    async def public_report(self, village_id: int) -> None:
        """A problem report without an account: per address, and per village from all addresses."""
        limits = self._limits
        attempts = [(limits.public_report_village, str(village_id))]
        if self._address is not None:
            attempts.append((limits.public_report_address, self._address))
        await limits.limiter.check(*attempts)

    async def public_photo(self) -> None:
        """A photo upload without an account, before its body is read."""
        if self._address is not None:
            await self._limits.limiter.check((self._limits.public_photo_address, self._address))
