"""Keyset pagination behind Relay-style connections: the cursor is the sort key of the last row."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from backend.core.errors import InvalidInput
from backend.crypto import b64url

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next: bool
    total: int


def encode_cursor(values: Sequence[Any]) -> str:
    encoded = [_TAGS[type(v)](v) if type(v) in _TAGS else v for v in values]
    return b64url.encode(json.dumps(encoded, ensure_ascii=False).encode())


# Dates and datetimes travel as tagged strings so that they compare as dates again.
_TAGS: dict[type, Any] = {
    datetime: lambda v: {"dt": v.isoformat()},
    date: lambda v: {"d": v.isoformat()},
}


def _revive(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.fromisoformat(value["dt"])
        if "d" in value:
            return date.fromisoformat(value["d"])
        raise InvalidInput("分页游标无效", field="after")
    return value


def decode_cursor(cursor: str, width: int) -> list[Any]:
    try:
        values = json.loads(b64url.decode(cursor))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("分页游标无效", field="after") from exc
    if not isinstance(values, list) or len(values) != width:
        raise InvalidInput("分页游标无效", field="after")
    return values


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 1 or first > MAX_PAGE_SIZE:
        raise InvalidInput(f"每页条数应在 1 到 {MAX_PAGE_SIZE} 之间", field="first")
    return first


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    order_by: Sequence[InstrumentedAttribute[Any]],
    *,
    first: int | None,
    after: str | None,
    descending: bool = False,
) -> Page[Any]:
    """`stmt` selects one entity; `order_by` must end with a unique column (the id)."""
    size = page_size(first)
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    paged = stmt
    if after:
        key = [_revive(value) for value in decode_cursor(after, len(order_by))]
        beyond = tuple_(*order_by) < tuple_(*key) if descending else tuple_(*order_by) > tuple_(*key)
        paged = paged.where(beyond)
    ordering = [col.desc() for col in order_by] if descending else list(order_by)
    rows = (await session.scalars(paged.order_by(*ordering).limit(size + 1))).all()
    items = list(rows[:size])
    cursors = [encode_cursor([getattr(item, col.key) for col in order_by]) for item in items]
    return Page(items=items, cursors=cursors, has_next=len(rows) > size, total=int(total or 0))
