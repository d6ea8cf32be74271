"""INSERT … ON CONFLICT DO NOTHING on both PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert


def insert_ignoring_duplicates(session: AsyncSession, model: type[Any], keys: Sequence[str]) -> Insert:
    """An insert that does nothing (rowcount 0) when a row with the same `keys` exists.
    Pass the values at execution, so that the compiled statement is cached."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).on_conflict_do_nothing(index_elements=list(keys))
