"""After a poll closes, leave no readable residue of the rows it deleted or superseded.

What closing (and opening voting) leaves behind is not in any live row, but it is still in the
table files: a DELETE or UPDATE marks a row version dead and VACUUM marks its space free — neither
overwrites the bytes. Read raw, the pages still hold
- `poll_ballot_staging`: every ballot (receipt, choice) in arrival order (on PostgreSQL each with
  its `xmin`: the order, and a time to join to a live observer's notes);
- `poll_voters`: each credential's old row version (user, the blinded-message hash), created in
  the order the credentials were requested.

`scrub_closed_polls` runs AFTER the closing transaction has committed (never inside it) and
rewrites those two tables:

- **PostgreSQL**: `CLUSTER table USING index` (the same rewrite as `VACUUM FULL`, but writing
  the rows in key order rather than in their current physical order, which can still follow the
  order credentials were requested in) writes a new file (relfilenode) holding only live row
  versions, rebuilds the table's indexes, and unlinks the old files. It holds an ACCESS EXCLUSIVE
  lock on the table while it rewrites (casting, roster reads and credential requests of other
  polls wait; docs/SECURITY.md has the figures); it asks for that lock with `lock_timeout`, so
  that it gives up rather than queue other requests behind it for long. A dead row version that an
  older snapshot could still see is copied into the new file ("recently dead"), so the rewrite
  first waits, for a bounded time, until nothing that could hold such a version is older than a
  transaction id taken after the closes it stamps (`_HOLDERS`); if something stays, it does not
  run. The file node must change: a role that does not own the tables gets
  a mere warning from PostgreSQL and no rewrite, which is reported as a failure.
- **SQLite**: every connection runs with `PRAGMA secure_delete=ON` (backend/core/db.py), so freed
  cells and pages are zeroed as they are freed; the old page images stay in the write-ahead log
  until a checkpoint, and the physical layout of live rows still reflects the order they were
  written. So, taking the writers' turn: `VACUUM` (rebuilds every table in key order) and
  `PRAGMA wal_checkpoint(TRUNCATE)` (copies the log into the file and truncates it to zero bytes).

It never raises: the close has committed and stands. A rewrite that fails or is skipped logs one
warning (no poll data in it) and leaves `polls.scrubbed_at` null; the next close, or
`python -m backend.cli scrub-polls`, runs it again. A successful rewrite stamps `scrubbed_at` on
every closed poll that was waiting for it. What the rewrite cannot reach (write-ahead log
archives, backups, replicas, freed filesystem blocks) is in docs/SECURITY.md.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.core.db import SessionFactory, write_turn
from backend.core.orm import utcnow
from backend.polls.models import Poll, PollStatus

log = logging.getLogger("zhucuntong.polls.scrub")

# Each table with the index whose order the rewrite writes its rows in: key order, never the
# order rows arrived or changed in (CLUSTER sorts; VACUUM FULL would keep the current physical order).
TABLES = {"poll_ballot_staging": "pk_poll_ballot_staging", "poll_voters": "ix_poll_voters_poll"}
LOCK_TIMEOUT = "3s"  # PostgreSQL: how long each rewrite may wait for its table lock
OLDER_TRANSACTIONS_WAIT = 10.0  # seconds to wait for transactions that may still see the old rows

# Whose snapshot may still count a row version deleted before the marker (a transaction id taken
# after every close waiting here had committed) as alive — what would make the rewrite copy it:
# a transaction older than the marker still running anywhere on the server (every new snapshot's
# xmin stops at the oldest running transaction id, whatever its database, and a prepared
# transaction counts as running); a session of this database holding an older snapshot; a
# replication slot holding an older xmin (a standby's hot_standby_feedback). $1 is the marker as
# xid8, $2 the same as a 32-bit xid (older = larger age()).
_HOLDERS = """
SELECT pg_snapshot_xmin(pg_current_snapshot()) <= $1::text::xid8
    OR EXISTS (SELECT FROM pg_stat_activity
               WHERE datname = current_database() AND pid <> pg_backend_pid()
                 AND age(backend_xmin) > age($2::text::xid))
    OR EXISTS (SELECT FROM pg_replication_slots
               WHERE (database IS NULL OR database = current_database()) AND age(xmin) > age($2::text::xid))
"""


class NotRewritten(Exception):
    """The rewrite did not run (or did not take effect); the reason is the message."""


async def scrub_closed_polls(session_factory: SessionFactory) -> datetime | None:
    """Rewrite the staging and roster tables; stamp the closed polls that waited for it.
    Returns the stamp, or None when nothing waited or the rewrite did not run."""
    try:
        waiting = await waiting_polls(session_factory)
        if not waiting:
            return None
        await _rewrite(session_factory)
        return await _stamp(session_factory, waiting)
    except Exception as exc:  # the close stands: say why (never any poll data) and carry on
        reason = str(exc) if isinstance(exc, NotRewritten) else type(exc).__name__
        log.warning("poll tables not rewritten after close (%s); run `python -m backend.cli scrub-polls`", reason)
        return None


async def waiting_polls(session_factory: SessionFactory) -> list[int]:
    """Read BEFORE the rewrite starts: these polls' closes have committed by now."""
    async with session_factory() as session:
        stmt = select(Poll.id).where(Poll.status == PollStatus.CLOSED, Poll.scrubbed_at.is_(None))
        return list(await session.scalars(stmt))


async def _stamp(session_factory: SessionFactory, poll_ids: list[int]) -> datetime:
    at = utcnow()
    async with session_factory.begin() as session:
        await session.execute(
            update(Poll).where(Poll.id.in_(poll_ids), Poll.scrubbed_at.is_(None)).values(scrubbed_at=at)
        )
    return at


async def _rewrite(session_factory: SessionFactory) -> None:
    engine: AsyncEngine = session_factory.kw["bind"]
    if engine.dialect.name == "postgresql":
        await _rewrite_postgresql(engine)
    else:
        async with write_turn(session_factory):
            await _rewrite_sqlite(engine)


async def _driver_connection(connection: Any) -> Any:
    """The driver's own connection (asyncpg / aiosqlite). SQLAlchemy's connection would begin a
    transaction: SQLite's VACUUM refuses to run in one, and each PostgreSQL CLUSTER must commit
    (and drop its lock) on its own."""
    return (await connection.get_raw_connection()).driver_connection


async def _rewrite_postgresql(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        raw = await _driver_connection(connection)
        await _wait_for_older_transactions(raw)
        await raw.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        try:
            for table, index in TABLES.items():
                await _cluster(raw, table, index)
        finally:
            await raw.execute("RESET lock_timeout")


async def _wait_for_older_transactions(raw: Any) -> None:
    marker = int(await raw.fetchval("SELECT pg_current_xact_id()::text"))  # assigned, then committed
    deadline = time.monotonic() + OLDER_TRANSACTIONS_WAIT
    while await raw.fetchval(_HOLDERS, str(marker), str(marker & 0xFFFFFFFF)):
        if time.monotonic() > deadline:
            raise NotRewritten(
                f"a transaction, snapshot or replication slot older than the close stayed for "
                f"{OLDER_TRANSACTIONS_WAIT:.0f} s"
            )
        await asyncio.sleep(0.1)


async def _cluster(raw: Any, table: str, index: str) -> None:
    """CLUSTER writes a new file with the live rows in index order, rebuilds the indexes and
    unlinks the old files at commit; it is skipped, with a mere warning, for a non-owner."""
    before = await raw.fetchval("SELECT pg_relation_filenode($1::regclass)", table)
    await raw.execute(f"CLUSTER {table} USING {index}")
    if await raw.fetchval("SELECT pg_relation_filenode($1::regclass)", table) == before:
        raise NotRewritten(f"CLUSTER {table} did not rewrite it (does the app's role own the table?)")


async def _rewrite_sqlite(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        raw = await _driver_connection(connection)
        await _sqlite(raw, "PRAGMA secure_delete = ON")  # set on connect too; never VACUUM without it
        await _sqlite(raw, "VACUUM")
        ((busy, _frames, _copied),) = await _sqlite(raw, "PRAGMA wal_checkpoint(TRUNCATE)")
        if busy:
            raise NotRewritten("a reader kept the write-ahead log from being truncated")


async def _sqlite(raw: Any, sql: str) -> list[Any]:
    """Run one statement to its end (VACUUM refuses to run beside an unfinished one)."""
    async with raw.execute(sql) as cursor:
        return list(await cursor.fetchall())
