"""Rate limits shared across app processes (Redis) or kept in one process (memory). See policies.py."""

from backend.ratelimit.addresses import address_subject
from backend.ratelimit.limiter import Limit, RateLimited, RateLimiter
from backend.ratelimit.policies import ClientRateLimits, RateLimits

__all__ = ["ClientRateLimits", "Limit", "RateLimited", "RateLimiter", "RateLimits", "address_subject"]
