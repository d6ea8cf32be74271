"""Benchmark: import a workbook of 10,000 households (20 villages) end to end — parse, validate,
write — on SQLite (temp file) and PostgreSQL (throwaway database), first import and re-import.

Run: .venv/bin/python bench/import_households.py [--households 10000] [--skip-postgres]
PostgreSQL admin DSN: BENCH_PG_DSN (default postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.auth.actor import Actor
from backend.core.db import make_engine, make_session_factory
from backend.core.migrate import upgrade
from backend.core.settings import Settings
from backend.hooks import install_process_hooks
from backend.org.importer.examples import example_records
from backend.org.importer.export import workbook_bytes, workbook_from_records
from backend.org.importer.parse import parse_workbook
from backend.org.importer.records import HouseholdRecord, ParsedWorkbook, SecretaryRecord, TownshipRecord, VillageRecord
from backend.org.importer.service import import_workbook
from backend.org.models import OrgKind, OrgUnit, Role

TARGET_SECONDS = 10.0
VILLAGES = 20
PG_ADMIN_DSN = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def bench_records(households: int) -> ParsedWorkbook:
    template_secretary: SecretaryRecord = example_records().secretaries[0]
    townships = [TownshipRecord("B101", "甲镇"), TownshipRecord("B102", "乙镇")]
    villages = [
        VillageRecord(f"B{101 + i % 2}{i:03d}", f"测试{i}村", f"B{101 + i % 2}", False, 36.3, 120.0)
        for i in range(VILLAGES)
    ]
    secretaries = [
        _replace_secretary(template_secretary, f"1391234{i:04d}", village.code) for i, village in enumerate(villages)
    ]
    rows = [
        HouseholdRecord(
            village_code=villages[i % VILLAGES].code,
            code=f"{i // VILLAGES + 1:05d}",
            head_name=f"户主{i}",
            member_count=1 + i % 6,
            address=f"{i % 9 + 1}组{i}号",
            is_hardship=i % 20 == 0,
            phone=f"137{i:08d}" if i % 5 else None,
        )
        for i in range(households)
    ]
    return ParsedWorkbook(townships, villages, secretaries, rows)


def _replace_secretary(record: SecretaryRecord, phone: str, village_code: str) -> SecretaryRecord:
    return replace(record, phone=phone, village_code=village_code)


async def _run_imports(database_url: str, data: bytes) -> tuple[float, float]:
    engine = make_engine(Settings(database_url=database_url))
    install_process_hooks()  # the import's audit events are chained as the app's are
    factory = make_session_factory(engine)
    try:
        async with factory.begin() as session:
            county = OrgUnit(kind=OrgKind.COUNTY, name="基准县", code="BENCH")
            session.add(county)
            await session.flush()
            county.county_id = county.id
        actor = Actor(user_id=0, role=Role.COUNTY, org_unit_id=county.id, county_id=county.id)
        timings = []
        for _ in range(2):  # first import (inserts), then re-import (updates)
            started = time.perf_counter()
            async with factory.begin() as session:
                result = await import_workbook(session, actor, data, dry_run=False)
            timings.append(time.perf_counter() - started)
            if not result.ok:
                raise SystemExit(f"import failed: {result.row_errors[:5]}")
        return timings[0], timings[1]
    finally:
        await engine.dispose()


def bench_sqlite(data: bytes) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        upgrade(Settings(database_url=url))
        return asyncio.run(_run_imports(url, data))


def bench_postgres(data: bytes) -> tuple[float, float]:
    name = f"zct_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        url = f"{base}/{name}"
        upgrade(Settings(database_url=url))
        return asyncio.run(_run_imports(url, data))
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _pg_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _report(backend: str, rows: int, timings: tuple[float, float]) -> None:
    for label, seconds in zip(("first import", "re-import"), timings, strict=True):
        print(
            f"{backend:<10} {label:<13} {seconds:7.2f} s  {rows / seconds:9.0f} rows/s  "
            f"{seconds / TARGET_SECONDS:6.1%} of the {TARGET_SECONDS:.0f} s target"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    records = bench_records(args.households)
    data = workbook_bytes(workbook_from_records(records))
    rows = records.counts().total
    print(
        f"workbook: {args.households} households, {VILLAGES} villages, {rows} rows in all, {len(data) / 1024:.0f} KiB"
    )
    started = time.perf_counter()
    parse_workbook(data)
    print(f"parse only (openpyxl, no database): {time.perf_counter() - started:.2f} s")
    runs: list[tuple[str, Callable[[bytes], tuple[float, float]]]] = [("sqlite", bench_sqlite)]
    if not args.skip_postgres:
        runs.append(("postgresql", bench_postgres))
    for backend, run in runs:
        _report(backend, rows, run(data))


if __name__ == "__main__":
    main()
