"""Relay-style connections built from service-layer pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from backend.core.errors import InvalidInput
from backend.core.pagination import Page

NodeT = TypeVar("NodeT")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    total_count: int


def connection_from_page(page: Page[Any], convert: Callable[[Any], NodeT]) -> Connection[NodeT]:
    edges = [Edge(cursor=c, node=convert(item)) for item, c in zip(page.items, page.cursors, strict=True)]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None),
        total_count=page.total,
    )


MAX_ID = 2**63 - 1  # BIGINT; a larger number would fail in the database driver, not here


def parse_id(value: strawberry.ID | str | None, field: str = "id") -> int:
    try:
        parsed = int(str(value))
    except (TypeError, ValueError) as exc:
        raise InvalidInput("编号格式不正确", field=field) from exc
    if not 0 < parsed <= MAX_ID:
        raise InvalidInput("编号格式不正确", field=field)
    return parsed


def parse_optional_id(value: strawberry.ID | None, field: str) -> int | None:
    return None if value is None else parse_id(value, field)
