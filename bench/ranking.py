"""Benchmark: the live ranking on PostgreSQL.

Province scale: one county of 10,000 secretaries over the 16 groups (assessments, closed polls,
some invalid / suppressed / missing polls, disqualifications, org classes), bulk-loaded with
COPY. Measures p50/p95 of the GraphQL `ranking` query (first page of 20 rows of each of the 16
groups, every row field) through the ASGI app (httpx ASGITransport), and of the same statement
run raw through asyncpg in the same run. Targets: GraphQL ≤ 300 ms p50 and ≤ 1.5× raw.

Country scale (--country): 500 counties × 400 secretaries (200,000) plus one very large county
(--big, default 50,000) in one database: the ranking of one county of 400 and the county-wide
ranking of the large one, with EXPLAIN ANALYZE showing the access paths.

Run: .venv/bin/python bench/ranking.py [--province 10000] [--runs 30] [--country] [--big 50000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
import httpx

from backend.app import create_app
from backend.assessment.common import parse_period
from backend.auth.actor import Actor
from backend.auth.tokens import issue_access_token
from backend.core.settings import Settings
from backend.org.county_settings import DEFAULT_RULES
from backend.org.models import Role
from backend.ranking.sql import Cut, live_statement
from bench._poll_world import database
from bench._ranking_world import PERIOD, load

TARGET_P50_MS = 300
TARGET_RATIO = 1.5
# What the PWA's ranking screen asks for (its ROW fragment, read from the screen's queries) ...
_PWA_QUERIES = Path(__file__).resolve().parent.parent / "pwa/src/screens/ranking/queries.js"
TABLE_FIELDS = " ".join(re.search(r"export const ROW = `([^`]*)`", _PWA_QUERIES.read_text()).group(1).split())
# ... and every field of a row.
ALL_FIELDS = (
    "secretaryId name groupKey position rank townshipId townshipName villageId villageName targetScore "
    "satisfaction satisfactionPercent total rankable grade reasonCode reason"
)
QUERY = """query($first: Int!) {{ ranking(period: "2026", first: $first) {{ period groups {{ groupKey rankableCount
  notRankableCount excellentQuota goodQuota totalCount hasMore endCursor rows {{ {fields} }} }} }} }}"""


def raw_statement(county_id: int, per_group: int | None) -> tuple[str, list[object]]:
    """The service's statement with asyncpg's positional parameters."""
    period = parse_period(PERIOD)
    params: dict[str, object] = {
        "period": PERIOD,
        "period_first": period.start,
        "period_last": period.last_day,
        "excellent_pct": DEFAULT_RULES.excellent_quota_pct,
        "good_pct": DEFAULT_RULES.good_quota_pct,
    }
    sql = live_statement("postgresql", county_id, Cut(per_group=per_group), params, group_filter=False)
    order: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    return re.sub(r"(?<!:):([a-z_]+)", number, sql), [params[n] for n in order]


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


async def measure(
    settings: Settings, county_id: int, user_id: int, runs: int, fields: str = TABLE_FIELDS
) -> tuple[list[float], list[float], int]:
    """GraphQL and raw SQL timings, interleaved run by run so that both see the same machine load."""
    app = create_app(settings)
    actor = Actor(user_id=user_id, role=Role.COUNTY, org_unit_id=county_id, county_id=county_id)
    headers = {"authorization": f"Bearer {issue_access_token(settings, actor)}"}
    payload = {"query": QUERY.format(fields=fields), "variables": {"first": 20}}
    sql, args = raw_statement(county_id, 20)
    conn = await asyncpg.connect(plain_dsn(settings))
    gql, raw, rows = [], [], 0
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            for i in range(runs + 3):  # 3 warm-up runs: pools, parser cache, prepared statements
                t0 = time.perf_counter()
                body = (await http.post("/graphql", json=payload, headers=headers)).json()
                t1 = time.perf_counter()
                records = await conn.fetch(sql, *args)
                t2 = time.perf_counter()
                assert "errors" not in body, body
                rows = sum(len(g["rows"]) for g in body["data"]["ranking"]["groups"])
                assert rows == len(records), (rows, len(records))
                if i >= 3:
                    gql.append(t1 - t0)
                    raw.append(t2 - t1)
    finally:
        await conn.close()
        await app.state.engine.dispose()
    return gql, raw, rows


async def full_ranking_times(dsn: str, county_id: int, runs: int) -> tuple[list[float], int]:
    """The whole county ranked (every row), raw SQL: what publishing and the Excel export read."""
    sql, args = raw_statement(county_id, None)
    conn = await asyncpg.connect(dsn)
    samples, rows = [], 0
    try:
        for i in range(runs + 1):
            t0 = time.perf_counter()
            rows = len(await conn.fetch(sql, *args))
            if i:
                samples.append(time.perf_counter() - t0)
    finally:
        await conn.close()
    return samples, rows


async def explain(dsn: str, county_id: int, per_group: int | None) -> list[str]:
    sql, args = raw_statement(county_id, per_group)
    conn = await asyncpg.connect(dsn)
    try:
        plan = [r[0] for r in await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *args)]
    finally:
        await conn.close()
    wanted = ("Scan", "Execution Time", "Planning Time", "Sort Method", "WindowAgg")
    return [line for line in plan if any(w in line for w in wanted)]


def plain_dsn(settings: Settings) -> str:
    return settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


def report(label: str, gql: list[float], raw: list[float], rows: int) -> None:
    g50, g95 = _ms(gql)
    r50, r95 = _ms(raw)
    verdict = "meets" if g50 <= TARGET_P50_MS and g50 <= TARGET_RATIO * r50 else "MISSES"
    print(
        f"  {label}: GraphQL p50 {g50:6.1f} ms, p95 {g95:6.1f} ms | raw SQL (asyncpg) p50 {r50:6.1f} ms, "
        f"p95 {r95:6.1f} ms | ratio {g50 / r50:4.2f}x | {rows} rows | {verdict} targets "
        f"(≤ {TARGET_P50_MS} ms, ≤ {TARGET_RATIO}x raw)"
    )


async def province(settings: Settings, size: int, runs: int) -> None:
    dsn = plain_dsn(settings)
    t0 = time.perf_counter()
    loaded = await load(dsn, [size])
    print(
        f"  loaded {loaded.secretaries:,} secretaries in one county (COPY + ANALYZE) in {time.perf_counter() - t0:.1f} s"
    )
    county = loaded.county_ids[0]
    user = loaded.county_user_ids[county]
    for label, fields in (("the PWA row fields", TABLE_FIELDS), ("every row field", ALL_FIELDS)):
        gql, raw, rows = await measure(settings, county, user, runs, fields)
        report(f"province county of {size:,}, first 20 of each group, {label}", gql, raw, rows)
    full, full_rows = await full_ranking_times(dsn, county, max(5, runs // 3))
    print(f"  the whole county ranked (every row, raw SQL): p50 {_ms(full)[0]:.1f} ms, {full_rows:,} rows")
    print("  EXPLAIN ANALYZE (first pages):")
    for line in await explain(dsn, county, 20):
        print("    " + line.strip())


async def country(settings: Settings, counties: int, county_size: int, big: int, runs: int) -> None:
    dsn = plain_dsn(settings)
    t0 = time.perf_counter()
    loaded = await load(dsn, [county_size] * counties + [big], seed=11)
    print(
        f"  loaded {loaded.secretaries:,} secretaries in {counties + 1} counties (COPY + ANALYZE) "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    small, large = loaded.county_ids[counties // 2], loaded.county_ids[-1]
    gql, raw, rows = await measure(settings, small, loaded.county_user_ids[small], runs)
    report(f"one county of {county_size} among {loaded.secretaries:,}", gql, raw, rows)
    gql, raw, rows = await measure(settings, large, loaded.county_user_ids[large], max(5, runs // 3))
    report(f"one county of {big:,} among {loaded.secretaries:,}", gql, raw, rows)
    full, full_rows = await full_ranking_times(dsn, large, 3)
    print(f"  the {big:,}-secretary county ranked in full (raw SQL): p50 {_ms(full)[0]:.1f} ms, {full_rows:,} rows")
    for label, county in ((f"county of {county_size}", small), (f"county of {big:,}", large)):
        print(f"  EXPLAIN ANALYZE ({label}, first pages):")
        for line in await explain(dsn, county, 20):
            print("    " + line.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--country", action="store_true")
    parser.add_argument("--counties", type=int, default=500)
    parser.add_argument("--county-size", type=int, default=400)
    parser.add_argument("--big", type=int, default=50_000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    if args.province:
        with database() as settings:
            asyncio.run(province(settings, args.province, args.runs))
    if args.country:
        with database() as settings:
            asyncio.run(country(settings, args.counties, args.county_size, args.big, args.runs))
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
