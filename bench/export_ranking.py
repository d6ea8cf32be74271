"""Benchmark: a published ranking of N rows exported to .xlsx through `GET /exports/ranking.xlsx`
on PostgreSQL. Target: ≤ 10 s for 10,000 rows, with memory that stays flat as N grows. Also the
full assessment sheet (`GET /exports/assessment.xlsx`) of a township of N assessed secretaries
on a 30-item rubric (N × 30 item scores), which has no target of its own.

Each size is measured in a fresh child process (so one size's high-water mark cannot hide the
next): the child warms up with a 16-row export (imports, first connections), then records
- the wall time of the export, the body read in pieces as a browser would (not buffered);
- the growth of the resident set size during the export: its peak (sampled from /proc every 2 ms)
  over the RSS just before;
- in a second export, the peak of Python allocations (`tracemalloc`) during the request;
- a reference in the same run: the same rows read with raw asyncpg (no workbook at all).
The snapshots and item scores are bulk-inserted (asyncpg COPY) before the children start.

Run: .venv/bin/python bench/export_ranking.py [--rows 1000 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import subprocess
import sys
import threading
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.app import create_app
from backend.assessment.models import Assessment, RubricVersion
from backend.auth.actor import Actor
from backend.auth.tokens import issue_access_token
from backend.core.db import make_engine, make_session_factory
from backend.core.settings import Settings
from backend.org.models import Gender, OrgKind, OrgUnit, Role, SecretaryProfile, User
from backend.ranking.groups import ALL_GROUPS
from backend.ranking.models import Grade, RankingSnapshot
from bench._poll_world import database

TARGET_SECONDS = 10.0
WARMUP_ROWS = 16
GRADES = [Grade.EXCELLENT, Grade.GOOD, Grade.COMPETENT]
PARTS = ["BASIC"] * 14 + ["DISCIPLINE"] * 10 + ["RESULTS"] * 4 + ["ORG_UPGRADE"] * 2
RUBRIC_ITEMS = [
    {"key": f"item.{n:02d}", "part": part, "group": f"g{n // 3}", "groupLabel": f"类别{n // 3}",
     "label": f"考评项目{n:02d}", "kind": "BONUS", "perOccurrence": 1}
    for n, part in enumerate(PARTS)
]  # fmt: skip
COLUMNS = (
    "snapshot_id", "secretary_id", "group_key", "position", "rank", "name", "township_id", "township_name",
    "village_id", "village_name", "target_centi", "satisfaction_num", "satisfaction_den", "total_centi",
    "rankable", "grade", "reason", "reason_code",
)  # fmt: skip


def _dsn(settings: Settings) -> str:
    return settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _rows(snapshot_id: int, count: int, township_id: int) -> list[tuple[object, ...]]:
    """`count` rows spread over the 16 groups; one in twenty not rankable (listed last)."""
    rng = random.Random(count)
    per_group: dict[str, int] = {}
    rows = []
    for i in range(count):
        group = ALL_GROUPS[i % len(ALL_GROUPS)].key
        position = per_group[group] = per_group.get(group, 0) + 1
        rankable = position % 20 != 0
        target = rng.randint(6000, 11000)
        num, den = rng.randint(60, 100), 100
        rows.append(
            (
                snapshot_id, 1_000_000 + i, group, position if rankable else 100_000 + position,
                position if rankable else None, f"书记{i:05d}", township_id, "基准镇", 10_000 + i, f"基准村{i:05d}",
                target if rankable else None, num if rankable else None, den if rankable else None,
                target * num // den if rankable else None, rankable,
                GRADES[position % 3].value if rankable else None,
                None if rankable else "参评人数不足应参评人数的三分之二，测评无效，不参与排名",
                None if rankable else "turnout_low",
            )
        )  # fmt: skip
    return rows


async def prepare(settings: Settings, sizes: list[int], *, assessment_sheets: bool = True) -> dict[str, object]:
    """A county with a county user, and one published snapshot per size (plus the warm-up one);
    with `assessment_sheets`, also an assessed township per size."""
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    async with factory.begin() as session:
        county = OrgUnit(kind=OrgKind.COUNTY, name="基准县", code="BC")
        session.add(county)
        await session.flush()
        county.county_id = county.id
        township = OrgUnit(kind=OrgKind.TOWNSHIP, name="基准镇", code="BT", parent_id=county.id, county_id=county.id)
        session.add(township)
        await session.flush()
        township.township_id = township.id
        user = User(phone="13800000000", name="县干部", password_hash="x", role=Role.COUNTY, org_unit_id=county.id)
        session.add(user)
        snapshots = {}
        for size in [WARMUP_ROWS, *sizes]:
            snapshot = RankingSnapshot(
                county_id=county.id,
                period="2026",
                sha256="ab" * 32,
                rubric_versions=[],
                board_heads={},
                rules={},
                row_count=size,
                published_at=datetime.now(UTC),
            )
            session.add(snapshot)
            await session.flush()
            snapshots[size] = snapshot.id
        ids = {"county": county.id, "township": township.id, "user": user.id}
        assessed = (
            {size: await _assessed_township(session, county.id, size) for size in sizes} if assessment_sheets else {}
        )
    await engine.dispose()
    conn = await asyncpg.connect(_dsn(settings))
    scored_at = datetime.now(UTC)
    try:
        for _, assessment_ids in assessed.values():
            records = [
                (assessment_id, item["key"], 0, 100 * (n % 7), False, "", scored_at)
                for assessment_id in assessment_ids
                for n, item in enumerate(RUBRIC_ITEMS)
            ]
            await conn.copy_records_to_table(
                "assessment_item_scores",
                records=records,
                columns=("assessment_id", "item_key", "occurrences", "points_centi", "overridden", "note", "scored_at"),
            )
        for size, snapshot_id in snapshots.items():
            records = _rows(snapshot_id, size, ids["township"])
            await conn.copy_records_to_table("ranking_snapshot_rows", records=records, columns=COLUMNS)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {
        "snapshots": {str(k): v for k, v in snapshots.items()},
        "assessed_townships": {str(size): township_id for size, (township_id, _) in assessed.items()},
        **ids,
    }


async def _assessed_township(session: AsyncSession, county_id: int, size: int) -> tuple[int, list[int]]:
    """A township of `size` villages, each with a secretary (spread over the 16 groups) assessed
    on every item of a 30-item rubric; returns the township and the assessment ids."""
    township = OrgUnit(kind=OrgKind.TOWNSHIP, name=f"考评镇{size}", code=f"AT{size}", parent_id=county_id)
    township.county_id = county_id
    session.add(township)
    await session.flush()
    township.township_id = township.id
    rubric = await session.scalar(select(RubricVersion.id).where(RubricVersion.county_id == county_id))
    if rubric is None:
        version = RubricVersion(county_id=county_id, period="2026", version=1, items=RUBRIC_ITEMS, sha256="c" * 64)
        session.add(version)
        await session.flush()
        rubric = version.id
    villages = list(
        await session.scalars(
            insert(OrgUnit).returning(OrgUnit.id, sort_by_parameter_order=True),
            [
                {"kind": OrgKind.VILLAGE, "name": f"村{i:05d}", "code": f"AV{size}-{i}", "parent_id": township.id,
                 "county_id": county_id, "township_id": township.id}
                for i in range(size)
            ],
        )
    )  # fmt: skip
    secretaries = list(
        await session.scalars(
            insert(SecretaryProfile).returning(SecretaryProfile.id, sort_by_parameter_order=True),
            [
                {"name": f"书记{i:05d}", "gender": Gender.MALE, "phone": f"136{size:02d}{i:06d}", "dispatch_unit": "县局",
                 "unit_type": ALL_GROUPS[i % 16].unit_type, "mode": ALL_GROUPS[i % 16].mode,
                 "cadre_class": ALL_GROUPS[i % 16].cadre_class, "village_id": village, "county_id": county_id,
                 "term_start": date(2026, 1, 1), "term_end": date(2026, 12, 31)}
                for i, village in enumerate(villages)
            ],
        )
    )  # fmt: skip
    assessments = list(
        await session.scalars(
            insert(Assessment).returning(Assessment.id, sort_by_parameter_order=True),
            [
                {"county_id": county_id, "township_id": township.id, "village_id": village, "secretary_id": secretary,
                 "period": "2026", "rubric_version_id": rubric, "basic_centi": 5500, "discipline_centi": 3600,
                 "results_centi": 1000, "org_upgrade_centi": 0, "target_centi": 10100,
                 "items_scored": len(RUBRIC_ITEMS), "items_total": len(RUBRIC_ITEMS)}
                for village, secretary in zip(villages, secretaries, strict=True)
            ],
        )
    )  # fmt: skip
    return township.id, assessments


_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE_MB


class RssPeak:
    """The highest resident set size seen while the block runs (sampled every 2 ms by a thread),
    minus the RSS on entry."""

    def __enter__(self) -> RssPeak:
        self.start = _rss_mb()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())

    @property
    def growth_mb(self) -> float:
        return self.peak - self.start


async def _export(client: httpx.AsyncClient, token: str, path: str) -> int:
    """Download `path`, reading the body in pieces as they arrive; returns its size."""
    size = 0
    headers = {"authorization": f"Bearer {token}"}  # gzip accepted, as browsers do
    async with client.stream("GET", path, headers=headers) as r:
        assert r.status_code == 200, await r.aread()
        async for piece in r.aiter_bytes():
            size += len(piece)
    return size


async def _raw_reference(settings: Settings, snapshot_id: int) -> float:
    conn = await asyncpg.connect(_dsn(settings))
    try:
        t0 = time.perf_counter()
        await conn.fetch(
            "SELECT * FROM ranking_snapshot_rows WHERE snapshot_id = $1 ORDER BY group_key, position", snapshot_id
        )
        return time.perf_counter() - t0
    finally:
        await conn.close()


async def _timed(client: httpx.AsyncClient, token: str, path: str) -> dict[str, float]:
    with RssPeak() as rss:
        t0 = time.perf_counter()
        size = await _export(client, token, path)
        elapsed = time.perf_counter() - t0
    tracemalloc.start()
    await _export(client, token, path)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": elapsed, "bytes": size, "rss_growth_mb": rss.growth_mb, "traced_peak_mb": traced_peak / 2**20}


async def measure(settings: Settings, world: dict[str, Any], rows: int) -> dict[str, dict[str, float]]:
    snapshots = world["snapshots"]
    app = create_app(settings)
    county = int(world["county"])
    token = issue_access_token(
        settings, Actor(user_id=int(world["user"]), role=Role.COUNTY, org_unit_id=county, county_id=county)
    )
    ranking = f"/exports/ranking.xlsx?period=2026&snapshotId={snapshots[str(rows)]}"
    assessment = f"/exports/assessment.xlsx?period=2026&townshipId={world['assessed_townships'][str(rows)]}"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        await _export(client, token, f"/exports/ranking.xlsx?period=2026&snapshotId={snapshots[str(WARMUP_ROWS)]}")
        await _export(client, token, "/exports/assessment.xlsx?period=2026&townshipId=" + str(world["township"]))
        results = {
            "ranking": await _timed(client, token, ranking),
            "assessment": await _timed(client, token, assessment),
        }
    await app.state.engine.dispose()
    results["ranking"]["raw_fetch_seconds"] = await _raw_reference(settings, snapshots[str(rows)])
    return results


def _line(rows: int, r: dict[str, float], *, against_target: bool) -> str:
    ratio = f" = {r['seconds'] / TARGET_SECONDS:.3f}x the {TARGET_SECONDS:.0f} s target" if against_target else ""
    line = (
        f"{rows:6d} rows: {r['seconds'] * 1000:8.1f} ms{ratio} | {r['bytes'] / 1024:7.1f} KiB | peak RSS growth "
        f"{r['rss_growth_mb']:5.1f} MiB | tracemalloc peak {r['traced_peak_mb']:5.1f} MiB"
    )
    if "raw_fetch_seconds" in r:
        line += f" | raw asyncpg fetch {r['raw_fetch_seconds'] * 1000:6.1f} ms ({r['seconds'] / r['raw_fetch_seconds']:.0f}x)"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: JSON of the measurement to run
    args = parser.parse_args()
    if args.child:
        job = json.loads(args.child)
        settings = Settings(**{**job["settings"], "pwa_dist": Path(job["settings"]["pwa_dist"])})
        print(json.dumps(asyncio.run(measure(settings, job["world"], job["rows"]))))
        return

    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, PostgreSQL; load {os.getloadavg()[0]:.2f}")
    with database("postgres") as settings:
        t0 = time.perf_counter()
        world = asyncio.run(prepare(settings, args.rows))
        print(f"  data loaded in {time.perf_counter() - t0:.1f} s")
        results = {}
        for rows in args.rows:
            job = {
                "settings": {
                    "database_url": settings.database_url,
                    "jwt_secret": settings.jwt_secret,
                    "pwa_dist": str(settings.pwa_dist),
                },
                "world": world,
                "rows": rows,
            }
            out = subprocess.run(
                [sys.executable, __file__, "--child", json.dumps(job)], stdout=subprocess.PIPE, text=True, check=True
            )
            results[rows] = json.loads(out.stdout.strip().splitlines()[-1])
        for sheet, what in (
            ("ranking", "ranking (published snapshot)"),
            ("assessment", f"assessment sheet ({len(RUBRIC_ITEMS)} items)"),
        ):
            print(f"{what}:")
            for rows in args.rows:
                print("  " + _line(rows, results[rows][sheet], against_target=sheet == "ranking"))
            if len(results) >= 2:
                small, large = min(results), max(results)
                a, b = results[small][sheet], results[large][sheet]
                print(
                    f"  {large // small}x the rows: time x{b['seconds'] / a['seconds']:.1f}, tracemalloc peak "
                    f"x{b['traced_peak_mb'] / a['traced_peak_mb']:.2f}, RSS growth {a['rss_growth_mb']:.1f} → "
                    f"{b['rss_growth_mb']:.1f} MiB"
                )


if __name__ == "__main__":
    main()
