"""Benchmark: issuing voting credentials over real sockets on PostgreSQL, GraphQL requestPollCredential.

`requestPollCredential` is the credentials' one door (what the PWA sends). uvicorn with 1 and 2
worker processes, `wrk` as the client (see bench/poll_casting_wrk.py), each member with their own
access token and blinded message, each request sent once. Reported: credentials/s against the
≥ 100/s target, latency percentiles, CPU per credential (uvicorn, PostgreSQL backends), and the
roster flags set (one per person).

Run: .venv/bin/python bench/poll_credentials_wrk.py [--seconds 10] [--connections 8] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from backend.auth.tokens import issue_access_token
from backend.core.db import make_engine, make_session_factory
from backend.crypto import blind_rsa
from backend.polls.models import PollVoter
from bench._poll_world import build, database
from bench.poll_casting_wrk import (
    Server,
    cpu_times,
    ensure_wrk,
    load_average,
    postgres_cpu_seconds,
    run_wrk,
    steal_share,
)
from bench.poll_credentials import DOC, b64u, blinded_messages

TARGET = 100.0
OK_MARK = '"blindSignature":"'


async def _setup(settings, voters: int, key):  # type: ignore[no-untyped-def]
    engine = make_engine(settings)
    world = await build(make_session_factory(engine), settings, voters, key)
    await engine.dispose()
    return world


async def issued(settings, poll_id: int) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(settings)
    try:
        async with make_session_factory(engine)() as session:
            query = select(func.count()).where(PollVoter.poll_id == poll_id, PollVoter.credential_issued.is_(True))
            return int(await session.scalar(query) or 0)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rate-cap", type=int, default=300, help="requests made per second of a run")
    parser.add_argument("--pool-size", type=int, default=10, help="DB_POOL_SIZE per uvicorn process")
    args = parser.parse_args()
    wrk = ensure_wrk()
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs shared by PostgreSQL, uvicorn and wrk; "
        f"arithmetic {blind_rsa.BACKEND}, RSA-3072; load average before: {load_average()}; "
        f"{args.connections} connections, {args.seconds} s per run"
    )
    per_run = args.rate_cap * args.seconds
    key = blind_rsa.generate_key(3072)
    plan = args.workers
    with database("postgres", pool_size=args.pool_size) as settings:
        total = (per_run + 100) * len(plan)
        world = asyncio.run(_setup(settings, total, key))
        messages = blinded_messages(key, world.poll_id, total)
        tokens = [f"Bearer {issue_access_token(settings, actor)}" for actor in world.members]
        dbname = settings.database_url.rsplit("/", 1)[1]
        for i, workers in enumerate(plan):
            lo, hi = i * (per_run + 100), (i + 1) * (per_run + 100)
            path = "/graphql"
            bodies = [_body(world.poll_id, blinded) for blinded in messages[lo:hi]]
            auth = tokens[lo:hi]
            server = Server(settings, workers, args.pool_size)
            try:
                run_wrk(wrk, server.base, path, bodies[:100], 2, 4, 1, authorizations=auth[:100])
                time.sleep(0.5)
                before = asyncio.run(issued(settings, world.poll_id))
                load, cpu0, pg0 = load_average(), server.cpu_seconds(), postgres_cpu_seconds(dbname)
                machine0 = cpu_times()
                r = run_wrk(
                    wrk, server.base, path, bodies[100:], args.seconds, args.connections, 2,
                    authorizations=auth[100:], ok_mark=OK_MARK,
                )  # fmt: skip
                steal = steal_share(machine0, cpu_times())
                time.sleep(1)
                cpu = server.cpu_seconds() - cpu0
                pg = sum(v - pg0.get(pid, 0.0) for pid, v in postgres_cpu_seconds(dbname).items())
                flagged = asyncio.run(issued(settings, world.poll_id)) - before
            finally:
                server.stop()
            rate = r["ok"] / r["seconds"]
            print(
                f"  GraphQL requestPollCredential, {workers} uvicorn process{'es' if workers > 1 else ''}: "
                f"{rate:6.1f} credentials/s = {rate / TARGET:4.2f}x target | p50 {r['p50']:.1f} ms, "
                f"p99 {r['p99']:.1f} ms, max {r['max']:.1f} ms | signed {r['ok']}, refused {r['refused']}, "
                f"socket errors {r['socket_errors']} | roster flags set {flagged} "
                f"({flagged - r['ok']} answered after wrk stopped) | CPU per credential: uvicorn "
                f"{1000 * cpu / max(flagged, 1):.2f} ms, PostgreSQL backends {1000 * pg / max(flagged, 1):.2f} ms | "
                f"CPU steal {100 * steal:.0f} % | "
                f"load average at start {load}",
                flush=True,
            )
            assert r["spare"] == 0, "the requests ran out: raise --rate-cap"
            assert r["refused"] == 0, "a credential request was refused"


def _body(poll_id: int, blinded: bytes) -> str:
    return json.dumps({"query": DOC, "variables": {"id": str(poll_id), "b": b64u(blinded)}})


if __name__ == "__main__":
    main()
