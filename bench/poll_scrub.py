"""Benchmark: the rewrite after a poll closes (backend/polls/scrub.py) — how long it takes
and how long it holds each table's ACCESS EXCLUSIVE lock (PostgreSQL) or the writers' turn
(SQLite), next to the close itself (the reference, measured in the same run).

The poll has `--voters` voters (90 % turnout, staged as casting leaves them). `--other-rows` adds
roster rows of other, older polls (the roster table is rewritten whole: a county keeps every
poll's roster, 100–400 polls × 30–150 voters a year) and `--other-ballots` ballots of other polls
still voting (the staging table is shared).

Run: .venv/bin/python bench/poll_scrub.py [--db postgres sqlite] [--voters 150] [--other-rows 0 60000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from backend.core.db import SessionFactory, make_engine, make_session_factory, write_turn
from backend.crypto import blind_rsa
from backend.polls import lifecycle, scrub
from backend.polls.models import BallotChoice, Poll, PollStatus, PollVoter, StagedBallot, VoterCategory
from bench._poll_world import PollWorld, build, database, mark_all_issued_and_open

CHOICES = list(BallotChoice)
OTHER_POLL_ROSTER = 150


async def _other_polls(factory: SessionFactory, world: PollWorld, rows: int, ballots: int) -> None:
    """Closed polls of earlier periods with `rows` roster rows in all, and one poll of another
    village still voting with `ballots` staged ballots."""
    polls = max(1, -(-rows // OTHER_POLL_ROSTER)) if rows else 0
    async with factory.begin() as session:
        template = await session.get(Poll, world.poll_id)
        assert template is not None
        fields = {
            "county_id": template.county_id,
            "township_id": template.township_id,
            "village_id": template.village_id,
            "secretary_id": template.secretary_id,
            "title": "往年测评",
            "key_fingerprint": template.key_fingerprint,
            "public_key_der": template.public_key_der,
        }
        ids = []
        for i in range(polls + (1 if ballots else 0)):
            status = PollStatus.VOTING if i == polls else PollStatus.CLOSED
            poll = Poll(**fields, period=f"bench-{i}", status=status)
            session.add(poll)
            await session.flush()
            ids.append(poll.id)
        for start in range(0, rows, 5000):
            await session.execute(
                insert(PollVoter),
                [
                    {
                        "poll_id": ids[n // OTHER_POLL_ROSTER],
                        "name": f"往年村民{n}",
                        "category": VoterCategory.PARTY_MEMBER,
                        "credential_issued": True,
                        "paper_issued": False,
                    }
                    for n in range(start, min(rows, start + 5000))
                ],
            )
        if ballots:
            await session.execute(
                insert(StagedBallot),
                [
                    {"poll_id": ids[-1], "receipt": os.urandom(32).hex(), "choice": CHOICES[i % 4]}
                    for i in range(ballots)
                ],
            )
        await session.execute(text("UPDATE polls SET scrubbed_at = created_at WHERE status = 'closed'"))


async def _timed_rewrite(factory: SessionFactory) -> dict[str, float]:
    """The steps of scrub._rewrite, timed one by one (same statements, same order)."""
    engine = factory.kw["bind"]
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            raw = await scrub._driver_connection(connection)
            await scrub._wait_for_older_transactions(raw)
            times["wait"] = time.perf_counter() - t0
            for table, index in scrub.TABLES.items():
                t = time.perf_counter()
                await scrub._cluster(raw, table, index)
                times[table] = time.perf_counter() - t
        return times
    async with write_turn(factory), engine.connect() as connection:
        raw = await scrub._driver_connection(connection)
        await scrub._sqlite(raw, "PRAGMA secure_delete = ON")
        t = time.perf_counter()
        await scrub._sqlite(raw, "VACUUM")
        times["VACUUM"] = time.perf_counter() - t
        t = time.perf_counter()
        await scrub._sqlite(raw, "PRAGMA wal_checkpoint(TRUNCATE)")
        times["checkpoint"] = time.perf_counter() - t
    return times


async def one(settings, voters: int, other_rows: int, other_ballots: int, key) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    world = await build(factory, settings, voters, key)
    await mark_all_issued_and_open(factory, world)
    await _other_polls(factory, world, other_rows, other_ballots)
    ballots = voters * 9 // 10
    async with factory.begin() as session:
        await session.execute(
            insert(StagedBallot),
            [
                {"poll_id": world.poll_id, "receipt": os.urandom(32).hex(), "choice": CHOICES[i % 4]}
                for i in range(ballots)
            ],
        )
    t0 = time.perf_counter()
    async with factory.begin() as session:
        await lifecycle.close_poll(session, world.township, world.poll_id, accept_warnings=True)
    close_s = time.perf_counter() - t0
    steps = await _timed_rewrite(factory)
    t1 = time.perf_counter()
    assert await scrub.scrub_closed_polls(factory) is not None  # the whole thing, as closePoll runs it
    scrub_s = time.perf_counter() - t1
    held = " · ".join(f"{name} {seconds * 1000:.1f} ms" for name, seconds in steps.items())
    print(
        f"  {engine.dialect.name:10s} {voters:4d} voters + {other_rows:7d} other roster rows, "
        f"{other_ballots:5d} other staged: close {close_s * 1000:6.1f} ms | scrub {scrub_s * 1000:7.1f} ms "
        f"= {scrub_s / close_s:5.2f}x the close | {held}"
    )
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="+", default=["postgres", "sqlite"], choices=["postgres", "sqlite"])
    parser.add_argument("--voters", type=int, default=150)
    parser.add_argument("--other-rows", type=int, nargs="+", default=[0, 60000])
    parser.add_argument("--other-ballots", type=int, default=2000)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs")
    key = blind_rsa.generate_key(3072)
    for kind in args.db:
        for rows in args.other_rows:
            with database(kind) as settings:
                asyncio.run(one(settings, args.voters, rows, args.other_ballots, key))


if __name__ == "__main__":
    main()
