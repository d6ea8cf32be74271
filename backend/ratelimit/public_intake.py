"""What holds back spam on everything sent without an account from a village's public page
(problem reports, complaints and suggestions), besides the per-window rate limits
(`ClientRateLimits.public_report`, checked by the API before any database work):

  * a honeypot field the form hides from people: filled in, the answer looks like success and
    nothing is stored (`honeypot_filled`);
  * a cap per 24 hours counted in the database (`check_daily_cap`): past it, sending is refused
    with RATE_LIMITED and how long to wait, and the phone keeps what it sends for later.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from backend.core.orm import utcnow
from backend.ratelimit.limiter import RateLimited

DAY = timedelta(hours=24)


def honeypot_filled(value: str) -> bool:
    """A field people never see; bots fill it."""
    return bool(value.strip())


async def check_daily_cap(
    session: AsyncSession,
    created_at: InstrumentedAttribute[datetime],
    where: Sequence[ColumnElement[bool]],
    *,
    cap: int,
    message: str,
) -> None:
    """At most `cap` rows matching `where` created in any 24 hours; the refusal says how long until
    the oldest of them leaves the window. Counted in the database, so every process agrees; two
    sendings racing past the last place may both get in (the per-window rate limits bound such
    bursts). `cap` 0: no cap."""
    if cap <= 0:
        return
    since = utcnow() - DAY
    count, oldest = (
        await session.execute(select(func.count(), func.min(created_at)).where(*where, created_at > since))
    ).one()
    if int(count) >= cap:
        wait = (oldest + DAY - utcnow()).total_seconds() if oldest is not None else DAY.total_seconds()
        raise RateLimited(retry_after=max(60, math.ceil(wait)), message=message)
