"""Benchmark: building the one table (一张表, issue #13) for the demo county.

The demo county (`backend/demo`) is loaded into a throwaway SQLite database at the migration head;
the county's administrator then builds the table in-process (`backend.reporting.one_table`, what
both the .xlsx and the JSON API call) for one month's stationed days and for the whole year (the
allowance sheet once per month begun), and the .xlsx is written too. Several runs; the best and
the median are printed, with the number of SQL statements of one build.

Run: .venv/bin/python bench/one_table.py [--runs 5] [--period 2026]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.auth.actor import Actor
from backend.auth.sessions import actor_for
from backend.core.db import SessionFactory, make_engine, make_session_factory
from backend.core.migrate import upgrade_async
from backend.core.settings import Settings
from backend.core.xlsx_stream import one_chunk, write_xlsx
from backend.demo.loader import load_demo
from backend.org.models import Role, User
from backend.reporting.http import write_table
from backend.reporting.one_table import one_table

TODAY = date(2026, 12, 7)


async def _time(factory: SessionFactory, actor: Actor, period: str, month: str | None, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        async with factory() as session:
            await one_table(session, actor, period, month=month, today=TODAY)
        times.append((time.perf_counter() - start) * 1000)
    return times


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--period", default="2026")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp}/bench.db", media_dir=Path(tmp) / "media")
        await upgrade_async(settings)
        engine = make_engine(settings)
        factory = make_session_factory(engine)
        async with factory.begin() as session:
            await load_demo(session)
            user = (await session.scalars(select(User).where(User.role == Role.COUNTY))).first()
            assert user is not None
            actor = await actor_for(session, user)
        statements: list[str] = []

        def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            statements.append(statement)

        event.listen(engine.sync_engine, "before_cursor_execute", record)
        async with factory() as session:
            table = await one_table(session, actor, args.period, month=f"{args.period}-11", today=TODAY)
        one_month = len(statements)
        statements.clear()
        async with factory() as session:
            year = await one_table(session, actor, args.period, today=TODAY)
        whole_year = len(statements)
        event.remove(engine.sync_engine, "before_cursor_execute", record)
        print(f"SQLite, demo county {table.county_name}: {len(table.rows)} secretaries")
        for label, month, count in (("one month", f"{args.period}-11", one_month), ("whole year", None, whole_year)):
            times = await _time(factory, actor, args.period, month, args.runs)
            print(
                f"{label:10s}: best {min(times):7.1f} ms, median {statistics.median(times):7.1f} ms "
                f"({args.runs} runs, {count} SQL statements)"
            )
        start = time.perf_counter()
        out = await write_xlsx(lambda book, rows: write_table(book, year, rows), one_chunk(year.rows))
        size = out.seek(0, 2)
        out.close()
        print(f"xlsx      : {(time.perf_counter() - start) * 1000:7.1f} ms to write ({size / 1024:.1f} KiB)")
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
