"""Secrecy at rest: after a poll closes, what the close deleted (the staging ballots, in arrival
order) and the roster's superseded row versions (blinded-message hashes, in request order) are gone
from the database's files, read raw page by page — not merely marked free.

PostgreSQL: `pageinspect` reads every page of the staging and roster tables and of their indexes.
SQLite: the database file and its write-ahead log are read as bytes. Each reader is shown to find
the residue when the rewrite does not run, so a clean read means something.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.cli import main as cli_main
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.polls import scrub
from backend.polls.models import Poll
from tests.conftest import PG_ADMIN_DSN, TEST_DB, GraphQLClient, _pg_admin
from tests.polls.helpers import CAST_PAPER, CLOSE, OPEN, SLIPS, cast, obtain_credential, ok, setup_poll
from tests.world import World

CHOICES = ["VERY_SATISFIED", "SATISFIED", "BASIC", "DISSATISFIED"]
SCRUBBED_AT = "query($id: ID!) { poll(id: $id) { status scrubbedAt } }"


@dataclass
class Secrets:
    """What must not outlive the close outside the counted ballots and the public board."""

    poll_id: str
    receipts: list[str]  # every ballot's receipt: in staging pages they lie in arrival order
    requests: list[str]  # the roster's blinded-message hashes (erased from live rows when voting opened)


async def _closed_poll(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, issued_codes: list[str]
) -> Secrets:
    setup = await setup_poll(gql, world, session_factory, members=8, paper_people=6)
    # Requested in the reverse of roster order, so that request order shows if anything keeps it.
    credentials = [await obtain_credential(gql, setup.poll, m) for m in reversed(setup.members)]
    ok(await gql.execute(SLIPS, {"id": setup.id, "v": setup.paper_voter_ids}, as_user="township"), "issuePaperSlips")
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    receipts = []
    for i, credential in enumerate(credentials):
        receipts.append(ok(await cast(gql, setup.id, credential, CHOICES[i % 4]), "castBallot")["receipt"])
    for i, code in enumerate(issued_codes):
        body = await gql.execute(CAST_PAPER, {"id": setup.id, "code": code, "c": CHOICES[i % 4]})
        receipts.append(ok(body, "castPaperBallot")["receipt"])
    ok(await gql.execute(CLOSE, {"id": setup.id}, as_user="township"), "closePoll")
    return Secrets(setup.id, receipts, [c.request for c in credentials])


# --- PostgreSQL: every page of a table and its indexes, through pageinspect -----------------------


async def _pg_pages(engine: AsyncEngine, table: str) -> bytes:
    async with engine.connect() as connection:
        await connection.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))  # this test database only
        relations = [table] + list(
            await connection.scalars(
                text("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = CAST(:t AS regclass)"),
                {"t": table},
            )
        )
        pages: list[bytes] = []
        for relation in relations:
            blocks = await connection.scalar(
                text("SELECT pg_relation_size(CAST(:r AS regclass)) / current_setting('block_size')::int"),
                {"r": relation},
            )
            rows = await connection.execute(
                text("SELECT get_raw_page(:r, CAST(b AS int)) FROM generate_series(0, :n - 1) AS b"),
                {"r": relation, "n": blocks},
            )
            pages += [bytes(page) for (page,) in rows]
        await connection.commit()
    assert pages, f"no pages read for {table}"
    return b"".join(pages)


# --- SQLite: the database file and its write-ahead log, as bytes ----------------------------------


def _sqlite_path(settings: Settings) -> Path:
    return Path(settings.database_url.split("///", 1)[1])


async def _pages_of(engine: AsyncEngine, tables: tuple[str, ...]) -> set[int]:
    """Page numbers (1-based) of the b-trees and overflow chains of these tables."""
    async with engine.connect() as connection:
        names = ", ".join(f"'{t}'" for t in tables)
        rows = await connection.execute(text(f"SELECT pageno FROM dbstat WHERE name IN ({names})"))
        return {int(n) for (n,) in rows}


def _page_size(data: bytes) -> int:
    size = int.from_bytes(data[16:18], "big")
    return 65536 if size == 1 else size


@dataclass
class SqliteFiles:
    outside_allowed: bytes  # every page of the database file except those of the ballots and the board
    everything: bytes  # the whole database file and the whole write-ahead log


async def _sqlite_files(settings: Settings, engine: AsyncEngine) -> SqliteFiles:
    path = _sqlite_path(settings)
    data = path.read_bytes()
    wal = Path(f"{path}-wal")
    log = wal.read_bytes() if wal.exists() else b""
    allowed = await _pages_of(engine, ("poll_ballots", "poll_board_entries"))
    size = _page_size(data)
    pages = [data[i : i + size] for i in range(0, len(data), size)]
    outside = b"".join(page for number, page in enumerate(pages, start=1) if number not in allowed)
    return SqliteFiles(outside_allowed=outside + log, everything=data + log)


# --- What a reader finds ---------------------------------------------------------------------------


@dataclass
class Found:
    receipts: list[str]  # receipts outside the counted ballots and the public board
    requests: list[str]  # blinded-message hashes anywhere


async def _read_residue(settings: Settings, engine: AsyncEngine, secrets: Secrets) -> Found:
    if TEST_DB == "postgres":
        staging = await _pg_pages(engine, "poll_ballot_staging")
        roster = await _pg_pages(engine, "poll_voters")
        return Found(
            receipts=[r for r in secrets.receipts if r.encode() in staging],
            requests=[h for h in secrets.requests if h.encode() in roster],
        )
    files = await _sqlite_files(settings, engine)
    return Found(
        receipts=[r for r in secrets.receipts if r.encode() in files.outside_allowed],
        requests=[h for h in secrets.requests if h.encode() in files.everything],
    )


async def _scrubbed_at(gql: GraphQLClient, poll_id: str) -> str | None:
    poll = (await gql.execute(SCRUBBED_AT, {"id": poll_id}, as_user="township"))["data"]["poll"]
    assert poll["status"] == "CLOSED"
    return poll["scrubbedAt"]


async def test_the_close_leaves_no_ballot_or_roster_residue_in_the_files(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    engine: AsyncEngine,
    settings: Settings,
    issued_codes: list[str],
) -> None:
    secrets = await _closed_poll(gql, world, session_factory, issued_codes)
    assert len(secrets.receipts) == 14 and len(secrets.requests) == 8
    assert await _read_residue(settings, engine, secrets) == Found(receipts=[], requests=[])
    assert await _scrubbed_at(gql, secrets.poll_id) is not None
    async with session_factory() as session:  # the counted ballots are all there, in receipt order
        assert list(await session.scalars(text("SELECT receipt FROM poll_ballots"))) == sorted(secrets.receipts)
        if TEST_DB == "postgres":  # live roster rows lie in roster order, not in the order credentials went out
            physical = text("SELECT id FROM poll_voters WHERE poll_id = :p ORDER BY ctid")
            ids = list(await session.scalars(physical, {"p": int(secrets.poll_id)}))
            assert ids == sorted(ids)


async def test_without_the_rewrite_the_pages_still_hold_them_until_scrub_polls_runs(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    engine: AsyncEngine,
    settings: Settings,
    issued_codes: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The readers can fail: with the rewrite left out, the same reads find every ballot and every
    blinded-message hash; `scrub-polls` then rewrites and stamps the poll that waited."""

    async def not_run(_factory: SessionFactory) -> None:
        return None

    monkeypatch.setattr(scrub, "scrub_closed_polls", not_run)
    secrets = await _closed_poll(gql, world, session_factory, issued_codes)
    found = await _read_residue(settings, engine, secrets)
    assert sorted(found.receipts) == sorted(secrets.receipts)
    assert sorted(found.requests) == sorted(secrets.requests)
    assert await _scrubbed_at(gql, secrets.poll_id) is None
    monkeypatch.undo()

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert await asyncio.to_thread(cli_main, ["scrub-polls"]) == 0
    assert await _read_residue(settings, engine, secrets) == Found(receipts=[], requests=[])
    assert await _scrubbed_at(gql, secrets.poll_id) is not None


async def test_a_failed_rewrite_never_fails_the_close(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    engine: AsyncEngine,
    settings: Settings,
    issued_codes: list[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(_factory: SessionFactory) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(scrub, "_rewrite", broken)
    with caplog.at_level(logging.WARNING, logger="zhucuntong.polls.scrub"):
        secrets = await _closed_poll(gql, world, session_factory, issued_codes)  # the close answered ok
    assert [r.getMessage() for r in caplog.records] == [
        "poll tables not rewritten after close (OSError); run `python -m backend.cli scrub-polls`"
    ]
    assert await _scrubbed_at(gql, secrets.poll_id) is None
    monkeypatch.undo()
    assert await scrub.scrub_closed_polls(session_factory) is not None
    assert await _scrubbed_at(gql, secrets.poll_id) is not None
    assert await _read_residue(settings, engine, secrets) == Found(receipts=[], requests=[])


@asynccontextmanager
async def _old_snapshot_here(engine: AsyncEngine) -> AsyncIterator[None]:
    """A transaction of this database that took its snapshot before the close."""
    async with engine.connect() as old:
        if TEST_DB == "postgres":
            await old.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        await old.scalar(select(Poll.id).limit(1))
        yield
        await old.rollback()


@asynccontextmanager
async def _writer_in_another_database(_engine: AsyncEngine) -> AsyncIterator[None]:
    """A transaction that wrote in another database of the server (one this test creates): every
    snapshot's xmin, ours included, stops at its transaction id."""
    name = f"zct_residue_{uuid.uuid4().hex[:10]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        other = await asyncpg.connect(PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}")
        try:
            writing = other.transaction()
            await writing.start()
            await other.execute("CREATE TABLE busy (i int)")
            yield
            await writing.rollback()
        finally:
            await other.close()
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


HOLDERS = {"old snapshot here": _old_snapshot_here, "writer in another database": _writer_in_another_database}


@pytest.mark.parametrize("holder", list(HOLDERS))
async def test_the_rewrite_waits_for_what_could_still_see_the_old_rows(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    engine: AsyncEngine,
    settings: Settings,
    issued_codes: list[str],
    monkeypatch: pytest.MonkeyPatch,
    holder: str,
) -> None:
    """PostgreSQL copies a deleted row into the new file while any snapshot could still count it as
    alive; SQLite cannot truncate its log while a reader still reads the old pages. Either way the
    rewrite must not claim success then: it waits, gives up after a while, and runs once it can."""
    if TEST_DB != "postgres" and holder != "old snapshot here":
        pytest.skip("SQLite has one database per file")
    default_wait = scrub.OLDER_TRANSACTIONS_WAIT
    monkeypatch.setattr(scrub, "OLDER_TRANSACTIONS_WAIT", 0.5)
    async with HOLDERS[holder](engine):
        monkeypatch.setattr(scrub, "scrub_closed_polls", _not_now)
        secrets = await _closed_poll(gql, world, session_factory, issued_codes)
        monkeypatch.setattr(scrub, "scrub_closed_polls", _real_scrub)
        assert await scrub.scrub_closed_polls(session_factory) is None
        assert await _scrubbed_at(gql, secrets.poll_id) is None
    # Other work on the shared server may have a transaction running that began before the close:
    # the real wait lets it finish (only the holder above was meant to outlast the wait).
    monkeypatch.setattr(scrub, "OLDER_TRANSACTIONS_WAIT", default_wait)
    assert await scrub.scrub_closed_polls(session_factory) is not None
    assert await _read_residue(settings, engine, secrets) == Found(receipts=[], requests=[])


_real_scrub = scrub.scrub_closed_polls


async def _not_now(_factory: SessionFactory) -> None:
    return None
