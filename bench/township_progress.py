"""Benchmark: the township 八个一 progress screen (issue #3: p50 ≤ 50 ms).

Measured the way `bench/filing_throughput.py` measured it before: a real server process (uvicorn,
one worker) on a throwaway database loaded with the demo county (`VACUUM ANALYZE` after the load on
PostgreSQL), the township's administrator posting the screen's GraphQL document over one keep-alive
connection, 40 requests per round. Here the township is the demo county's largest (most current
secretaries), and each secretary first gets a term's worth of filings written straight to the
database (household visits, diary entries, approved reports…), so the counts are real work.

Two documents are timed: the screen's lean list (`townshipProgress { dutyKeys summaries {…} }`,
what the PWA loads) and the full one with every duty's detail per secretary (what the screen loaded
before; still served). Several rounds; the best round's p50 is the figure (the machine is shared).

Run: .venv/bin/python bench/township_progress.py [--sqlite] [--rounds 5] [--runs 40] [--no-activity]
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.auth.sessions import actor_for
from backend.auth.tokens import issue_access_token
from backend.core.db import make_engine, make_session_factory
from backend.core.migrate import upgrade_async
from backend.core.settings import Settings
from backend.demo.loader import load_demo
from backend.filings.models import Filing, FilingKind, FilingStatus
from backend.org.models import Household, OrgUnit, Role, SecretaryProfile, User
from tests.live_server import live_server

PG_ADMIN_DSN = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET_P50_MS = 50
TODAY = date(2026, 11, 20)
LEAN = """{ townshipProgress { completedShare township { id name } dutyKeys dutyLabels
  summaries { secretaryId secretaryName villageName completedCount totalCount complete figure } } }"""
FULL = """{ townshipProgress { completedShare secretaries { completedCount secretary { name village { name } }
  duties { key complete percent detail } } } }"""
DOCUMENTS = (("lean list (the screen)", LEAN), ("full details (every field)", FULL))


async def _largest_township(session: AsyncSession) -> tuple[int, int]:
    """(township id, current secretaries) of the township with the most secretaries."""
    row = (
        await session.execute(
            select(OrgUnit.township_id, func.count(SecretaryProfile.id))
            .join(SecretaryProfile, SecretaryProfile.village_id == OrgUnit.id)
            .group_by(OrgUnit.township_id)
            .order_by(func.count(SecretaryProfile.id).desc(), OrgUnit.township_id)
            .limit(1)
        )
    ).one()
    return row[0], row[1]


def _filing(
    secretary: SecretaryProfile,
    county_id: int,
    township_id: int,
    author_id: int,
    kind: FilingKind,
    status: FilingStatus,
    day: date,
    household: int | None = None,
) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "id": str(uuid.uuid4()), "kind": kind, "status": status, "version": 1, "content_hash": "0" * 64,
        "secretary_id": secretary.id, "village_id": secretary.village_id, "township_id": township_id,
        "county_id": county_id, "household_id": household, "title": kind.value, "body": {},
        "occurred_on": day, "recorded_at": now, "received_at": now, "submitted_at": now,
        "created_by": author_id, "updated_at": now,
    }  # fmt: skip


async def _add_activity(session: AsyncSession, township_id: int, author_id: int) -> int:
    """A term's worth of filings for each secretary of the township; returns how many."""
    township = await session.get(OrgUnit, township_id)
    secretaries = (
        await session.scalars(
            select(SecretaryProfile)
            .join(OrgUnit, OrgUnit.id == SecretaryProfile.village_id)
            .where(OrgUnit.township_id == township_id)
        )
    ).all()
    rows: list[dict[str, object]] = []
    for n, s in enumerate(secretaries):
        households = (await session.scalars(select(Household.id).where(Household.village_id == s.village_id))).all()

        def add(kind: FilingKind, status: FilingStatus, day: date, household: int | None = None, s=s) -> None:
            rows.append(_filing(s, township.county_id, township_id, author_id, kind, status, day, household))

        share = 0.5 + 0.5 * (n % 5) / 4  # 50 %…100 % of the roster visited
        for i, household in enumerate(households[: int(len(households) * share)]):
            add(FilingKind.HOUSEHOLD_VISIT, FilingStatus.SUBMITTED, TODAY - timedelta(days=i % 300), household)
        for i, household in enumerate(households[: int(len(households) * share * 0.9)]):
            add(FilingKind.SERVICE_CARD, FilingStatus.SUBMITTED, TODAY - timedelta(days=i % 300), household)
        for day in range(0, 300, 6 + n % 3):  # 4–5 diary entries a month
            add(FilingKind.WORK_DIARY, FilingStatus.SUBMITTED, TODAY - timedelta(days=day))
        for kind in (FilingKind.RESEARCH_REPORT, FilingKind.PARTY_LECTURE, FilingKind.TECH_TRAINING):
            add(kind, FilingStatus.APPROVED if n % 3 else FilingStatus.SUBMITTED, TODAY - timedelta(days=40))
        if n % 2:
            add(FilingKind.STARTUP_PROJECT, FilingStatus.APPROVED, TODAY - timedelta(days=90))
    for start in range(0, len(rows), 2000):
        await session.execute(insert(Filing), rows[start : start + 2000])
    return len(rows)


async def _prepare(settings: Settings, activity: bool) -> tuple[str, str]:
    engine = make_engine(settings)
    async with make_session_factory(engine).begin() as session:
        await load_demo(session)
        township_id, secretaries = await _largest_township(session)
        user = (
            await session.scalars(select(User).where(User.role == Role.TOWNSHIP, User.org_unit_id == township_id))
        ).first()
        filings = await _add_activity(session, township_id, user.id) if activity else 0
        token = issue_access_token(settings, await actor_for(session, user))
        name = (await session.get(OrgUnit, township_id)).name
    if not settings.is_sqlite:
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE")
    await engine.dispose()
    return token, f"{name}: {secretaries} secretaries, {filings} filings added"


async def _round(http: httpx.AsyncClient, query: str, runs: int) -> tuple[list[float], int]:
    timings = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        response = await http.post("/graphql", json={"query": query})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200 and "errors" not in response.json(), response.text[:300]
        size = len(response.content)
    return timings, size


async def run(settings: Settings, rounds: int, runs: int, activity: bool) -> None:
    token, what = await _prepare(settings, activity)
    print(what)
    with live_server(settings) as base:
        async with httpx.AsyncClient(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=30) as http:
            documents = []
            for name, query in DOCUMENTS:  # warm-up: imports, caches, the connection pool
                body = (await http.post("/graphql", json={"query": query})).json()
                if "errors" in body:
                    print(f"{name}: not served ({body['errors'][0]['message'][:120]})")
                    continue
                documents.append((name, query))
                await _round(http, query, 5)
            best: dict[str, float] = {}
            for r in range(1, rounds + 1):
                for name, query in documents:
                    timings, size = await _round(http, query, runs)
                    p50 = statistics.median(timings)
                    p90 = statistics.quantiles(timings, n=10)[8]
                    best[name] = min(best.get(name, p50), p50)
                    print(
                        f"round {r} {name}: p50 {p50 * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms, "
                        f"{size / 1024:.1f} KiB; load average {os.getloadavg()[0]:.2f}"
                    )
    for name, p50 in best.items():
        print(
            f"best p50 {name}: {p50 * 1000:.1f} ms (target ≤ {TARGET_P50_MS} ms, ratio {p50 * 1000 / TARGET_P50_MS:.2f})"
        )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--no-activity", action="store_true", help="the bare demo county, no filings")
    args = parser.parse_args()
    activity = not args.no_activity
    with tempfile.TemporaryDirectory() as tmp:
        if args.sqlite:
            settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp}/bench.db", media_dir=Path(tmp) / "media")
            await upgrade_async(settings)
            print("SQLite, server: 1 uvicorn process")
            await run(settings, args.rounds, args.runs, activity)
            return
        name = f"zct_bench_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(PG_ADMIN_DSN)
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"
            settings = Settings(database_url=url, media_dir=Path(tmp) / "media")
            await upgrade_async(settings)
            print(f"PostgreSQL, database {name}, server: 1 uvicorn process")
            await run(settings, args.rounds, args.runs, activity)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
