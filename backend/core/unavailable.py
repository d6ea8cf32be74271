"""The database is down, restarting or unreachable: which failures mean that, and how they are answered.

Such a failure is not a bug in the request. Its transaction rolled back or never began (or, when
the connection broke during COMMIT, it may have committed — which the phone-made ids make safe to
send again), so every entry point answers it the same way: HTTP 503, `Retry-After`, the stable
code SERVICE_UNAVAILABLE and a message telling people to try again. The pool drops the broken
connection and the next request opens a new one: nobody needs to restart the app.
"""

from __future__ import annotations

import logging

import asyncpg
from sqlalchemy import exc as sa_exc

log = logging.getLogger("zhucuntong.unavailable")

CODE = "SERVICE_UNAVAILABLE"
MESSAGE = "服务暂时不可用，请稍后重试"
RETRY_AFTER_SECONDS = 3
HEADERS = {"retry-after": str(RETRY_AFTER_SECONDS), "cache-control": "no-store"}

_UNAVAILABLE: tuple[type[Exception], ...] = (
    ConnectionError,  # refused / reset while connecting (the server is down)
    TimeoutError,  # connect timeout
    asyncpg.exceptions.PostgresConnectionError,  # 08xxx, e.g. "connection was closed in the middle of operation"
    asyncpg.exceptions.CannotConnectNowError,  # 57P03 "the database system is starting up"
    asyncpg.exceptions.AdminShutdownError,  # 57P01 "terminating connection due to administrator command"
    asyncpg.exceptions.CrashShutdownError,  # 57P02
    asyncpg.exceptions.TooManyConnectionsError,  # 53300
    sa_exc.TimeoutError,  # no pooled connection came free in time
)
# What an outage is raised as (SQLAlchemy wraps the driver's errors), for exception handlers to
# register; `is_unavailable` decides, since not every DBAPIError is an outage.
EXCEPTION_TYPES: tuple[type[Exception], ...] = (*_UNAVAILABLE, sa_exc.DBAPIError)


def is_unavailable(error: BaseException | None) -> bool:
    """True when `error`, or anything that caused it, says the database could not be reached."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, _UNAVAILABLE):
            return True
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
        error = error.__cause__ or error.__context__
    return False


def note(error: BaseException) -> None:
    """One line, no traceback: an outage is an operations event, not a bug."""
    first_line = next(iter(str(error).splitlines()), "")
    log.warning("database unavailable: %s: %s", type(error).__name__, first_line[:200])
