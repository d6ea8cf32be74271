"""Benchmark: filing throughput and p99 with concurrent phones, and the township screens' latency.

A real server process (uvicorn, one worker) on a throwaway PostgreSQL database loaded with the
demo county. 20 concurrent clients, each a different first secretary on its own keep-alive
connection, submit work-diary filings through GraphQL for a fixed time. Then the township review
queue (first page, 20 filings with thumbnails, secretary and history) and the township progress
screen are timed.

Run: .venv/bin/python bench/filing_throughput.py [--clients 20] [--seconds 15] [--sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.auth.sessions import actor_for
from backend.auth.tokens import issue_access_token
from backend.core.db import make_engine, make_session_factory
from backend.core.migrate import upgrade_async
from backend.core.settings import Settings
from backend.demo.loader import load_demo
from backend.org.models import Role, User
from tests.live_server import live_server

PG_ADMIN_DSN = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET_FILINGS_PER_S = 300
TARGET_SCREEN_P50_MS = 50
SUBMIT = "mutation($input: FilingInput!) { submitFiling(input: $input) { filing { id status } errors { code } } }"
QUEUE = """{ reviewQueue(first: 20) { totalCount edges { node { id kind title submittedAt accuracyM
  household { code } photos { thumbUrl } secretary { name village { name } } history { action actorName } } } } }"""
PROGRESS = """{ townshipProgress { completedShare township { id name } dutyKeys dutyLabels
  summaries { secretaryId secretaryName villageName completedCount totalCount complete figure } } }"""  # the PWA's list


async def _tokens(settings: Settings, clients: int, *, load: bool = True) -> tuple[list[str], str]:
    """Tokens of the first `clients` secretaries and of the first township (after loading the demo
    county unless `load` is false: it is there already)."""
    engine = make_engine(settings)
    if load:
        async with make_session_factory(engine).begin() as session:
            await load_demo(session)
    if load and not settings.is_sqlite:
        # What autovacuum does shortly after a bulk load: visibility map and statistics, so the
        # roster counts are index-only scans (without it they read the heap: ~10 ms instead of ~2).
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE")
    async with make_session_factory(engine)() as session:
        secretaries = (await session.scalars(select(User).where(User.role == Role.VILLAGE).order_by(User.id))).all()
        township = (await session.scalars(select(User).where(User.role == Role.TOWNSHIP).order_by(User.id))).first()
        village_tokens = [issue_access_token(settings, await actor_for(session, u)) for u in secretaries[:clients]]
        township_token = issue_access_token(settings, await actor_for(session, township))
    await engine.dispose()
    return village_tokens, township_token


def _entry(n: int) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "kind": "WORK_DIARY",
        "occurredOn": "2026-11-20",
        "recordedAt": "2026-11-20T18:30:00+08:00",
        "title": f"民情日记 {n}",
        "body": {"content": "走访三组农户，了解灌溉用水和就业情况，记录了两件需要协调的事。"},
        "lat": 36.3,
        "lng": 120.0,
        "accuracyM": 15.0,
    }


async def _client(base: str, token: str, stop_at: float, latencies: list[float], errors: list[str]) -> None:
    async with httpx.AsyncClient(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=30) as http:
        n = 0
        while time.perf_counter() < stop_at:
            n += 1
            started = time.perf_counter()
            response = await http.post("/graphql", json={"query": SUBMIT, "variables": {"input": _entry(n)}})
            latencies.append(time.perf_counter() - started)
            payload = response.json().get("data", {}) or {}
            if response.status_code != 200 or not payload.get("submitFiling") or payload["submitFiling"]["errors"]:
                errors.append(response.text[:200])


async def _screen(base: str, token: str, query: str, runs: int = 40) -> list[float]:
    timings = []
    async with httpx.AsyncClient(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=30) as http:
        for _ in range(runs):
            started = time.perf_counter()
            response = await http.post("/graphql", json={"query": query})
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200 and "errors" not in response.json(), response.text[:300]
    return timings


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def run(settings: Settings, clients: int, seconds: float) -> None:
    village_tokens, township_token = await _tokens(settings, clients)
    with live_server(settings) as base:
        latencies: list[float] = []
        errors: list[str] = []
        warm_stop = time.perf_counter() + 2
        await asyncio.gather(*[_client(base, t, warm_stop, [], []) for t in village_tokens])
        started = time.perf_counter()
        stop_at = started + seconds
        await asyncio.gather(*[_client(base, t, stop_at, latencies, errors) for t in village_tokens])
        elapsed = time.perf_counter() - started
        throughput = len(latencies) / elapsed
        p50 = statistics.median(latencies)
        p99 = statistics.quantiles(latencies, n=100)[98]
        print(f"filings: {len(latencies)} in {elapsed:.1f} s with {clients} clients = {throughput:.0f}/s "
              f"(target {TARGET_FILINGS_PER_S}/s, ratio {throughput / TARGET_FILINGS_PER_S:.2f}); "
              f"p50 {_ms(p50)}, p99 {_ms(p99)}; errors {len(errors)}")
        queue = await _screen(base, township_token, QUEUE)
        progress = await _screen(base, township_token, PROGRESS)
        for name, timings in (("review queue", queue), ("township progress", progress)):
            p50 = statistics.median(timings)
            print(f"{name}: p50 {_ms(p50)}, p90 {_ms(statistics.quantiles(timings, n=10)[8])} "
                  f"(target p50 ≤ {TARGET_SCREEN_P50_MS} ms, ratio {p50 * 1000 / TARGET_SCREEN_P50_MS:.2f})")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.sqlite:
            settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp}/bench.db", media_dir=Path(tmp) / "media")
            await upgrade_async(settings)
            await run(settings, args.clients, args.seconds)
            return
        name = f"zct_bench_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(PG_ADMIN_DSN)
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"
            settings = Settings(database_url=url, media_dir=Path(tmp) / "media", db_pool_size=20)
            await upgrade_async(settings)
            print(f"PostgreSQL, database {name}, server: 1 uvicorn process")
            await run(settings, args.clients, args.seconds)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
