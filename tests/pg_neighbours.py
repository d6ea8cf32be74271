"""Other work on the same PostgreSQL server, for tests that must not mistake it for their own: a
throwaway database of its own where one connection holds an advisory lock and another waits for
it (the shape of what broke a CI run: `pg_locks` read unfiltered saw another database's waiters)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from tests.conftest import PG_ADMIN_DSN, _pg_admin


@asynccontextmanager
async def advisory_lock_waiters_elsewhere(key1: int, key2: int) -> AsyncIterator[None]:
    """While inside, another database on the server has an ungranted advisory lock on (key1, key2)."""
    name = f"zct_neighbour_{uuid.uuid4().hex[:10]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    dsn = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    holder = await asyncpg.connect(dsn)
    waiter = await asyncpg.connect(dsn)
    try:
        await holder.execute("SELECT pg_advisory_lock($1::int, $2::int)", key1, key2)
        waiting = asyncio.create_task(waiter.execute("SELECT pg_advisory_lock($1::int, $2::int)", key1, key2))
        for _ in range(100):
            ungranted = await holder.fetchval(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid = $1", waiter.get_server_pid()
            )
            if ungranted:
                break
            await asyncio.sleep(0.02)
        assert ungranted == 1, "the neighbour's waiter never queued"
        yield
    finally:
        await holder.close()  # releases the lock; the waiter gets it and its statement ends
        await waiting
        await waiter.close()
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
