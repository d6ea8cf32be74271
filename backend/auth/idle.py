"""Idle timeout of staff sessions on shared computers (等级保护 2.0: 登录超时自动退出).

County and township sessions end after STAFF_IDLE_TIMEOUT_SECONDS without activity; secretaries and
members are never idle-logged-out (phones, offline work). The server's measure of activity is the
family's last refresh — the created_at of the token presented, which is the newest of its family.
A working PWA refreshes at least once per access-token lifetime (ACCESS_TOKEN_TTL, 15 min), so the
server ends a session between (timeout − access TTL) and timeout after the last request; the PWA
itself logs out after exactly the timeout without input (pwa/src/idle.js)."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.core.settings import Settings
from backend.org.models import Role

IDLE_ROLES = frozenset({Role.COUNTY, Role.TOWNSHIP})


def idle_timeout(settings: Settings, role: Role) -> int | None:
    """What the PWA is told: its own idle logout, for the roles that have one."""
    timeout = settings.staff_idle_timeout_seconds
    return timeout if role in IDLE_ROLES and timeout > 0 else None


def idle_too_long(settings: Settings, role: Role, last_activity: datetime, now: datetime) -> bool:
    timeout = settings.staff_idle_timeout_seconds
    return role in IDLE_ROLES and timeout > 0 and now - last_activity > timedelta(seconds=timeout)
