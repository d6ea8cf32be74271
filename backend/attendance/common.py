"""Shared pieces of attendance: the local calendar, months, newest-first keyset pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from backend.core.errors import InvalidInput
from backend.core.pagination import Page, decode_cursor, encode_cursor, page_size

# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact for every
# date this system handles and needs no tz database on the server.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.year + 1, 1, 1) if self.month == 12 else date(self.year, self.month + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next_first_day - timedelta(days=1)

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) of the month in Beijing time, as UTC instants."""
        start = datetime.combine(self.first_day, datetime.min.time(), SHANGHAI).astimezone(UTC)
        end = datetime.combine(self.next_first_day, datetime.min.time(), SHANGHAI).astimezone(UTC)
        return start, end

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


def parse_month(value: str, field: str = "month") -> Month:
    match = _MONTH.match(value.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise InvalidInput("月份格式应为 YYYY-MM，例如 2026-11", field=field)
    return Month(int(match.group(1)), int(match.group(2)))


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


async def paginate_newest_first(
    session: AsyncSession,
    stmt: Select[Any],
    time_col: InstrumentedAttribute[datetime],
    id_col: InstrumentedAttribute[str],
    *,
    first: int | None,
    after: str | None,
) -> Page[Any]:
    """Keyset pages over (time, id) descending; `stmt` selects one entity."""
    size = page_size(first)
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    paged = stmt
    if after:
        raw_time, raw_id = decode_cursor(after, 2)
        try:
            moment = datetime.fromisoformat(str(raw_time))
        except ValueError as exc:
            raise InvalidInput("分页游标无效", field="after") from exc
        if moment.tzinfo is None:
            raise InvalidInput("分页游标无效", field="after")
        paged = paged.where(or_(time_col < moment, and_(time_col == moment, id_col < str(raw_id))))
    rows = (await session.scalars(paged.order_by(time_col.desc(), id_col.desc()).limit(size + 1))).all()
    items = list(rows[:size])
    cursors = [encode_cursor([getattr(item, time_col.key).isoformat(), getattr(item, id_col.key)]) for item in items]
    return Page(items=items, cursors=cursors, has_next=len(rows) > size, total=int(total or 0))
