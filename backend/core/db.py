"""Engine and session factory. One AsyncSession per unit of work, never shared across tasks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from backend.core.settings import Settings

SessionFactory = async_sessionmaker[AsyncSession]
CONNECT_TIMEOUT = 5  # seconds (PostgreSQL)
POOL_TIMEOUT = 10


def quiet_driver_logs() -> None:
    """aiosqlite logs every statement with its parameters at DEBUG — a poll's receipts in arrival
    order. Keep that logger at INFO or above whatever the root level is (PostgreSQL's asyncpg logs
    no queries; never run with SQL_ECHO=1 while a poll is voting, see docs/SECURITY.md). Called by
    `backend.hooks.install_process_hooks`."""
    logging.getLogger("aiosqlite").setLevel(logging.INFO)


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, open transactions (see _begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Zero what a DELETE or UPDATE frees (cells, whole pages) instead of leaving it readable in the
    # file: ballots and roster rows must not outlive the close (services/polls/scrub.py).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


class _SerializedWriteSessions(async_sessionmaker[AsyncSession]):
    """SQLite allows one writer at a time, and a transaction that read before another writer
    committed cannot write at all ("database is locked"). In the embedded single-process mode,
    write transactions (`begin()`) therefore take turns on an asyncio lock instead of polling
    SQLite's busy handler; plain read sessions run alongside them."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock()

    # The parent's begin() returns its own (private) async context manager class; this one is an
    # async context manager yielding the same AsyncSession, so callers cannot tell the difference.
    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:  # type: ignore[override]
        async with self._write_lock, super().begin() as session:
            yield session

    def write_turn(self) -> asyncio.Lock:
        """The writers' turn without a session, for maintenance outside a transaction (VACUUM)."""
        return self._write_lock


def write_turn(factory: SessionFactory) -> AbstractAsyncContextManager[Any]:
    """Hold the writers' turn (SQLite's serialized writers); PostgreSQL has none to hold."""
    return factory.write_turn() if isinstance(factory, _SerializedWriteSessions) else nullcontext()


def make_engine(settings: Settings) -> AsyncEngine:
    if settings.is_sqlite:
        engine = create_async_engine(settings.database_url, echo=settings.sql_echo)
        event.listen(engine.sync_engine, "connect", _enable_sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _begin)
        return engine
    return create_async_engine(
        settings.database_url,
        echo=settings.sql_echo,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        # A connection broken by a database restart is found by the ping on checkout and replaced;
        # while the server is unreachable a connect attempt gives up after CONNECT_TIMEOUT instead
        # of asyncpg's 60 s, and a request waits at most POOL_TIMEOUT for a free connection.
        pool_pre_ping=True,
        pool_timeout=POOL_TIMEOUT,
        connect_args={"timeout": CONNECT_TIMEOUT},
    )


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    if engine.dialect.name == "sqlite":
        return _SerializedWriteSessions(engine)
    return async_sessionmaker(engine, expire_on_commit=False)
