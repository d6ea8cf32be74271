"""Benchmark: casting ballots on PostgreSQL — 50 concurrent voters, throughput, p99 latency and
double counts, through GraphQL and through the lean JSON route, in-process (httpx ASGITransport)
and over a real socket (a uvicorn process, tests/live_server.py), against raw asyncpg inserts
measured in the same run. Target: ≥ 1,000 ballots/s, p99 ≤ 100 ms, 0 double counts.

Run: .venv/bin/python bench/poll_casting.py [--ballots 2000] [--concurrency 50] [--skip-socket]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from sqlalchemy import func, select

from backend.app import create_app
from backend.core.db import make_engine, make_session_factory
from backend.core.settings import Settings
from backend.crypto import blind_rsa
from backend.crypto.b64url import encode as b64u
from backend.polls.models import StagedBallot
from bench._poll_world import build, credentials, database, mark_all_issued_and_open, percentile, summary

TARGET_RATE = 1000.0
TARGET_P99_MS = 100.0
OUT_OF_REACH = 10**9  # casts per address and window (bench/figures.py does the same)
CAST = (
    "mutation($id: ID!, $t: String!, $s: String!, $c: BallotChoice!) { castBallot(pollId: $id, token: $t, "
    "signature: $s, choice: $c) { receipt errors { code } } }"
)
CHOICES = ["VERY_SATISFIED", "SATISFIED", "BASIC", "DISSATISFIED"]


def requests_for(mode: str, poll_id: int, creds: list[tuple[bytes, bytes]]) -> list[tuple[str, dict]]:
    out = []
    for i, (token, sig) in enumerate(creds):
        choice = CHOICES[i % 4]
        if mode == "graphql":
            body = {"query": CAST, "variables": {"id": str(poll_id), "t": b64u(token), "s": b64u(sig), "c": choice}}
            out.append(("/graphql", body))
        else:
            out.append(
                (f"/polls/{poll_id}/ballots", {"token": b64u(token), "signature": b64u(sig), "choice": choice.lower()})
            )
    return out


def accepted(mode: str, response: httpx.Response) -> bool:
    if mode == "graphql":
        data = response.json()
        return response.status_code == 200 and not data.get("errors") and not data["data"]["castBallot"]["errors"]
    return response.status_code == 200


async def drive(
    http: httpx.AsyncClient, mode: str, jobs: list[tuple[str, dict]], concurrency: int
) -> tuple[float, list[float], Counter]:
    queue = list(reversed(jobs))
    latencies: list[float] = []
    outcomes: Counter = Counter()

    async def voter() -> None:
        while queue:
            path, body = queue.pop()
            t0 = time.perf_counter()
            response = await http.post(path, json=body)
            latencies.append(time.perf_counter() - t0)
            outcomes["ok" if accepted(mode, response) else "refused"] += 1

    start = time.perf_counter()
    await asyncio.gather(*(voter() for _ in range(concurrency)))
    return time.perf_counter() - start, latencies, outcomes


def _client_process(
    base: str, mode: str, jobs: list[tuple[str, dict]], concurrency: int, out: multiprocessing.Queue
) -> None:
    async def run() -> tuple[list[float], Counter]:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
            _, latencies, outcomes = await drive(http, mode, jobs, concurrency)
        return latencies, outcomes

    out.put(asyncio.run(run()))


def drive_socket(
    bases: list[str], mode: str, jobs: list[tuple[str, dict]], concurrency: int, clients: int
) -> tuple[float, list[float], Counter]:
    """Client load from `clients` processes (one Python client process cannot send 1,000 req/s)."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    shares = [jobs[i::clients] for i in range(clients)]
    procs = [
        multiprocessing.Process(
            target=_client_process, args=(bases[i % len(bases)], mode, share, concurrency // clients, queue)
        )
        for i, share in enumerate(shares)
    ]
    start = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    elapsed = time.perf_counter() - start
    for p in procs:
        p.join()
    latencies = [x for lat, _ in results for x in lat]
    outcomes: Counter = sum((o for _, o in results), Counter())
    return elapsed, latencies, outcomes


async def staged(settings: Settings, poll_id: int) -> int:
    engine = make_engine(settings)
    try:
        async with make_session_factory(engine)() as session:
            return int(await session.scalar(select(func.count()).where(StagedBallot.poll_id == poll_id)) or 0)
    finally:
        await engine.dispose()


def report(label: str, elapsed: float, latencies: list[float], outcomes: Counter, expected: int, counted: int) -> None:
    rate = outcomes["ok"] / elapsed
    p99 = percentile([x * 1000 for x in latencies], 99)
    doubles = counted - expected
    print(
        f"  {label:<44} {rate:7.0f} ballots/s = {rate / TARGET_RATE:4.2f}x target | {summary(latencies)} "
        f"(p99 {p99 / TARGET_P99_MS:4.2f}x the {TARGET_P99_MS:.0f} ms limit) | accepted {outcomes['ok']}, "
        f"refused {outcomes['refused']}, double counts {doubles}"
    )


async def raw_reference(settings: Settings, n: int, concurrency: int) -> float:
    """Raw asyncpg: the same INSERT … ON CONFLICT DO NOTHING in its own transaction, no app."""
    import asyncpg

    dsn = settings.database_url.replace("postgresql+asyncpg://", "postgresql://")
    pool = await asyncpg.create_pool(dsn, min_size=concurrency // 2, max_size=concurrency // 2)
    rows = [(999_999, os.urandom(32).hex()) for _ in range(n)]

    async def one(poll_id: int, receipt: str) -> None:
        async with pool.acquire() as conn, conn.transaction():
            await conn.fetchrow(
                "INSERT INTO poll_ballot_staging (poll_id, receipt, choice) VALUES ($1, $2, 'satisfied') "
                "ON CONFLICT DO NOTHING RETURNING receipt",
                poll_id,
                receipt,
            )

    queue = list(rows)

    async def worker() -> None:
        while queue:
            await one(*queue.pop())

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    await pool.execute("DELETE FROM poll_ballot_staging WHERE poll_id = 999999")
    await pool.close()
    return n / elapsed


async def bare_starlette_reference(settings: Settings, n: int, concurrency: int) -> float:
    """The ceiling of an in-process HTTP route here: bare Starlette + raw asyncpg, same client."""
    import asyncpg
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    dsn = settings.database_url.replace("postgresql+asyncpg://", "postgresql://")
    pool = await asyncpg.create_pool(dsn, min_size=10, max_size=20)

    async def insert(request: Request) -> JSONResponse:
        body = await request.json()
        async with pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "INSERT INTO poll_ballot_staging (poll_id, receipt, choice) VALUES ($1, $2, 'satisfied') "
                "ON CONFLICT DO NOTHING RETURNING receipt",
                999_998,
                body["receipt"],
            )
        return JSONResponse({"receipt": row["receipt"]})

    app = Starlette(routes=[Route("/insert", insert, methods=["POST"])])
    jobs = [("/insert", {"receipt": os.urandom(32).hex()}) for _ in range(n)]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
        elapsed, _, outcomes = await drive(http, "lean", jobs, concurrency)
    await pool.execute("DELETE FROM poll_ballot_staging WHERE poll_id = 999998")
    await pool.close()
    return outcomes["ok"] / elapsed


async def in_process(
    settings: Settings, poll_id: int, mode: str, creds: list[tuple[bytes, bytes]], concurrency: int
) -> None:
    app = create_app(settings)
    jobs = requests_for(mode, poll_id, creds)
    before = await staged(settings, poll_id)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
        await drive(http, mode, jobs[:20], 5)  # warm-up: pools, caches
        elapsed, latencies, outcomes = await drive(http, mode, jobs[20:], concurrency)
        replay = await drive(http, mode, jobs[20:220], concurrency)  # the same tokens again
    await app.state.engine.dispose()
    counted = await staged(settings, poll_id) - before
    label = f"in-process {'GraphQL castBallot' if mode == 'graphql' else 'POST /polls/{id}/ballots'}"
    report(label, elapsed, latencies, outcomes, outcomes["ok"] + 20, counted)
    assert replay[2]["ok"] == 0, "a replayed token was counted"


def socket(
    settings: Settings, poll_id: int, mode: str, creds: list[tuple[bytes, bytes]], concurrency: int, servers: int
) -> None:
    from contextlib import ExitStack

    from tests.live_server import live_server

    jobs = requests_for(mode, poll_id, creds)
    before = asyncio.run(staged(settings, poll_id))
    with ExitStack() as stack:
        bases = [stack.enter_context(live_server(settings)) for _ in range(servers)]
        drive_socket(bases, mode, jobs[:40], 4, 2)
        elapsed, latencies, outcomes = drive_socket(bases, mode, jobs[40:], concurrency, 2)
    counted = asyncio.run(staged(settings, poll_id)) - before
    what = "GraphQL castBallot" if mode == "graphql" else "POST /polls/{id}/ballots"
    report(
        f"socket, {servers} uvicorn process{'es' if servers > 1 else ''}: {what}",
        elapsed,
        latencies,
        outcomes,
        outcomes["ok"] + 40,
        counted,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=2000, help="ballots per measurement")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--skip-socket", action="store_true")
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs (server, PostgreSQL and clients share them), "
        f"{args.concurrency} concurrent voters, {args.ballots} ballots per run, RSA-3072 credentials"
    )
    key = blind_rsa.generate_key(3072)
    plan = [("graphql", None), ("lean", None)]
    if not args.skip_socket:
        plan += [("graphql", 1), ("lean", 1), ("graphql", 2), ("lean", 2)]
    with database("postgres", pool_size=20) as settings:
        # Every voter here comes from one address: set the per-address casting limit out of reach
        # (still counted, as in production), or all but the first 120 ballots would be RATE_LIMITED.
        settings = settings.with_overrides(db_pool_size=10, rate_limit_casts_per_address=OUT_OF_REACH)
        engine = make_engine(settings)
        factory = make_session_factory(engine)
        world = asyncio.run(_setup(factory, settings, args.ballots * len(plan), key))
        creds = credentials(key, world.poll_id, args.ballots * len(plan))
        print(
            f"  reference: raw asyncpg INSERT … ON CONFLICT, {args.concurrency} concurrent: "
            f"{asyncio.run(raw_reference(settings, args.ballots, args.concurrency)):7.0f} inserts/s"
        )
        print(
            f"  reference: bare Starlette route + raw asyncpg, in-process client, {args.concurrency} concurrent: "
            f"{asyncio.run(bare_starlette_reference(settings, args.ballots, args.concurrency)):7.0f} inserts/s"
        )
        for i, (mode, servers) in enumerate(plan):
            chunk = creds[i * args.ballots : (i + 1) * args.ballots]
            if servers is None:
                asyncio.run(in_process(settings, world.poll_id, mode, chunk, args.concurrency))
            else:
                socket(settings, world.poll_id, mode, chunk, args.concurrency, servers)


async def _setup(factory, settings, voters, key):  # type: ignore[no-untyped-def]
    world = await build(factory, settings, voters, key)
    await mark_all_issued_and_open(factory, world)
    return world


if __name__ == "__main__":
    main()
