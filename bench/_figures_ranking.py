"""bench/figures.py on one county of N secretaries: the ranking's first pages and the .xlsx export of
a published N-row snapshot."""

from __future__ import annotations

import asyncio
import time

import httpx

from backend.auth.actor import Actor
from backend.auth.tokens import issue_access_token
from backend.org.models import Role
from bench import export_ranking, ranking
from bench._figures_capture import captured_reads
from bench._figures_measure import Memory
from bench._figures_run import POOL_SIZE, Figures, Sizes, dsn, latency_row, measured_latency, serving, step
from bench._figures_table import Row, rss_cell, verdict
from bench._poll_world import database
from bench._ranking_world import load


async def _export_seconds(base: str, token: str, path: str) -> float:
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        t0 = time.perf_counter()
        await export_ranking._export(http, token, path)
        return time.perf_counter() - t0


def ranking_and_export(figures: Figures, sizes: Sizes) -> None:
    with database(pool_size=POOL_SIZE) as settings:
        step(f"ranking: loading {sizes.ranking_secretaries:,} secretaries and a {sizes.export_rows:,}-row snapshot")
        loaded = asyncio.run(load(dsn(settings), [sizes.ranking_secretaries]))
        county = loaded.county_ids[0]
        actor = Actor(user_id=loaded.county_user_ids[county], role=Role.COUNTY, org_unit_id=county, county_id=county)
        ranking_token = issue_access_token(settings, actor)
        world = asyncio.run(export_ranking.prepare(settings, [sizes.export_rows], assessment_sheets=False))
        export_county, snapshots = int(str(world["county"])), dict(world["snapshots"])  # type: ignore[call-overload]
        export_actor = Actor(
            user_id=int(str(world["user"])), role=Role.COUNTY, org_unit_id=export_county, county_id=export_county
        )
        export_token = issue_access_token(settings, export_actor)
        query, variables = ranking.QUERY.format(fields=ranking.TABLE_FIELDS), {"first": 20}
        replays = {"ranking": asyncio.run(captured_reads(settings, ranking_token, query, variables))}
        with serving(settings) as app, serving(settings, replays=replays, raw=True) as raw:
            app_latency, raw_latency, memory, raw_memory = measured_latency(
                figures, app, raw, "ranking", ranking_token, query, "ranking", sizes.runs, variables
            )
            figures.rows["ranking"] = latency_row(
                f"ranking (16 groups × first 20, {sizes.ranking_secretaries:,} secretaries)",
                "≤ 300 ms p50 and ≤ 1.5× raw", 300, 1.5, app_latency, raw_latency, memory, raw_memory,
            )  # fmt: skip
            step("export")
            app_path = f"/exports/ranking.xlsx?period=2026&snapshotId={snapshots[str(sizes.export_rows)]}"
            raw_path = f"/export/ranking.xlsx?snapshotId={snapshots[str(sizes.export_rows)]}"
            warm = f"/exports/ranking.xlsx?period=2026&snapshotId={snapshots[str(export_ranking.WARMUP_ROWS)]}"
            asyncio.run(_export_seconds(app.base, export_token, warm))
            asyncio.run(_export_seconds(raw.base, export_token, raw_path))
            app_times, raw_times = [], []
            with Memory([app]) as memory, Memory([raw]) as raw_memory:
                for _ in range(sizes.export_runs):
                    app_times.append(asyncio.run(_export_seconds(app.base, export_token, app_path)))
                    raw_times.append(asyncio.run(_export_seconds(raw.base, export_token, raw_path)))
            figures.app_memory.append(("export", memory))
    best_app, best_raw = min(app_times), min(raw_times)
    figures.rows["export"] = Row(
        f"export (ranking .xlsx, {sizes.export_rows:,} rows; best of {sizes.export_runs})",
        "≤ 10 s",
        f"{best_app:.2f} s (GET /exports/ranking.xlsx, streamed)",
        f"{best_raw:.2f} s (write-only workbook, no styles)",
        f"{best_app / best_raw:.2f}×",
        rss_cell(memory.peak_rss, raw_memory.peak_rss),
        verdict(best_app <= 10),
    )
