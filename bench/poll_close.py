"""Benchmark: closing and tallying a poll on PostgreSQL — count, copy the ballots into receipt
order, drop the staging rows, publish receipts and tally on the hash chain — then verifying the
board. Target: ≤ 1 s for a 1,000-voter poll.

Run: .venv/bin/python bench/poll_close.py [--voters 1000 10000]
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

from sqlalchemy import insert

from backend.core.db import make_engine, make_session_factory
from backend.crypto import blind_rsa
from backend.polls import lifecycle, results
from backend.polls.models import BallotChoice, StagedBallot
from backend.polls.verify import verify_board
from bench._poll_world import build, database, mark_all_issued_and_open

TARGET_SECONDS = 1.0
CHOICES = list(BallotChoice)


async def one(settings, voters: int, key) -> None:  # type: ignore[no-untyped-def]
    if True:
        engine = make_engine(settings)
        factory = make_session_factory(engine)
        world = await build(factory, settings, voters, key)
        await mark_all_issued_and_open(factory, world)
        ballots = voters * 9 // 10  # 90 % turnout
        async with factory.begin() as session:  # staged as casting leaves them (arrival order)
            await session.execute(
                insert(StagedBallot),
                [
                    {"poll_id": world.poll_id, "receipt": os.urandom(32).hex(), "choice": CHOICES[i % 4]}
                    for i in range(ballots)
                ],
            )
        t0 = time.perf_counter()
        async with factory.begin() as session:
            poll = await lifecycle.close_poll(session, world.township, world.poll_id, accept_warnings=True)
        elapsed = time.perf_counter() - t0
        async with factory() as session:
            board = await results.board_document(session, world.poll_id)
        t1 = time.perf_counter()
        report = verify_board(board)
        verify_s = time.perf_counter() - t1
        assert report.ok and poll.result and poll.result["ballots"] == ballots
        print(
            f"  {voters:6d} voters, {ballots:6d} ballots: close + tally {elapsed * 1000:7.1f} ms = "
            f"{elapsed / TARGET_SECONDS:.2f}x the {TARGET_SECONDS:.0f} s limit | verify-poll {verify_s * 1000:6.1f} ms | "
            f"satisfaction {poll.result['satisfaction']['percent']} %"
        )
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, PostgreSQL")
    key = blind_rsa.generate_key(3072)
    for voters in args.voters:
        with database("postgres") as settings:
            asyncio.run(one(settings, voters, key))


if __name__ == "__main__":
    main()
