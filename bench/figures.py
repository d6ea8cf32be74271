"""Benchmark: the figures of issue #6 in one run, one table, on PostgreSQL, against real servers.

Every workload runs against uvicorn processes of the app (`uvicorn --factory backend.app:create_app`,
uvloop + httptools, access log off, DB_POOL_SIZE 10) and, for the same data in the same run, of
bench/raw_app.py (Starlette + an asyncpg pool: no ORM, no GraphQL; it replays the very SELECTs the
app sent for the request, captured in-process before the servers start, and does the filing's
writes by hand — see its docstring for what it skips). Three throwaway databases:

- the demo county with a term's filings for its largest township: the township review queue and
  progress screens (the app's GraphQL document vs the replay, alternated request by request over
  keep-alive connections), then filings — wrk (C) posting submitFiling over 20 connections, each
  request a new phone id of one of 20 secretaries, to the app with 1 and with 2 processes
  (`uvicorn --workers 2`: both share one listening socket, the kernel hands out connections) and
  to the raw route;
- one county of 10,000 secretaries over the 16 ranking groups (bench/_ranking_world.py): the
  ranking's first page of every group; and a published 10,000-row snapshot: the .xlsx export;
- a poll in voting: wrk posting pre-signed ballots over 50 connections, each sent once, through
  GraphQL castBallot and the lean JSON route (1 process), and the lean route with 2 processes.

While each load runs, every server process's VmRSS is sampled (/proc, every 20 ms) and its VmHWM
read at the end. wrk, the servers, PostgreSQL and this script share the machine's CPUs.

Read the table knowing: each wrk run starts after a 2 s warm-up on the same server; a rate marked
"≥" sent every prepared request before its time was up (a lower bound); all the clients come from
127.0.0.1, so the app's per-address casting limit is set out of reach (RATE_LIMIT_CASTS_PER_ADDRESS,
still counted); double counts are not checked here (bench/poll_casting_wrk.py does).

Run: .venv/bin/python bench/figures.py [--quick] [--out FILE]
(--quick: small sizes and 3 s wrk runs, ~1.5 min on the shared 2-vCPU machine; the default ~3.5 min.)
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._figures_casting import casting
from bench._figures_demo import demo_county
from bench._figures_measure import Memory, Rate
from bench._figures_ranking import ranking_and_export
from bench._figures_run import FULL, QUICK, Figures, Sizes
from bench._figures_table import Row, markdown, verdict
from bench.poll_casting_wrk import cpu_times, ensure_wrk, load_average, steal_share

ORDER = ("ranking", "filing", "casting", "review queue", "progress", "export")
RSS_LIMIT_MB = 200


def _scaling_row(name: str, one: tuple[Rate, Memory], two: tuple[Rate, Memory]) -> Row:
    (rate1, _), (rate2, memory2) = one, two
    gain = rate2.per_second > rate1.per_second
    return Row(
        f"{name}: 1 → 2 processes (uvicorn --workers 2, one socket)",
        "more with 2 (2 vCPUs shared with PostgreSQL and wrk)",
        f"{rate1.text()} → {rate2.text()}",
        "—",
        f"{rate2.per_second / rate1.per_second:.2f}× (2 ÷ 1)",
        f"{memory2.peak_rss:.0f}",
        "n/a: the prepared requests ran out" if rate1.ran_out or rate2.ran_out else verdict(gain),
    )


def _memory_row(figures: Figures) -> Row:
    loads = figures.app_memory
    hwm = max(memory.peak_hwm for _, memory in loads)
    under_load = ", ".join(f"{label} {memory.peak_rss:.0f}" for label, memory in loads)
    idle = min(rss for _, memory in loads for rss in memory.rss_before.values() if rss > 50)  # not the supervisor
    grew = [label for label, memory in loads if memory.hwm_grew]
    where = f"new high-water marks during: {', '.join(grew)}" if grew else "reached at start-up, no load went higher"
    return Row(
        "app memory under load (RSS per process)",
        f"≤ {RSS_LIMIT_MB} MB per process",
        f"VmRSS before a load (idle, warm) from {idle:.0f} MB; sampled during each load, peak MB: {under_load}; "
        f"VmHWM (since start) {hwm:.0f} MB, {where}",
        "—",
        "—",
        f"{hwm:.0f}",
        verdict(hwm <= RSS_LIMIT_MB),
    )


def _postgres_version() -> str:
    try:
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip() or "?"
    except OSError:
        return "?"


def run(sizes: Sizes) -> tuple[Figures, str]:
    figures = Figures()
    started, cpu0, load0 = time.perf_counter(), cpu_times(), load_average()
    filing = demo_county(figures, sizes)
    ranking_and_export(figures, sizes)
    ballots = casting(figures, sizes)
    rows = [figures.rows[key] for key in ORDER]
    rows.append(_scaling_row("filing/s (GraphQL)", filing["app1"], filing["app2"]))
    rows.append(_scaling_row("casting/s (lean route)", ballots["lean1"], ballots["lean2"]))
    rows.append(_memory_row(figures))
    context = (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, PostgreSQL {_postgres_version()}, "
        f"{os.cpu_count()} CPUs; load average at start {load0}, at end {load_average()}; "
        f"CPU stolen by the hypervisor during the run {100 * steal_share(cpu0, cpu_times()):.0f} %; "
        f"run took {time.perf_counter() - started:.0f} s"
    )
    return figures, context + "\n\n" + markdown(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs: a smoke run")
    parser.add_argument("--out", type=Path, help="also write the table (markdown) to this file")
    args = parser.parse_args()
    ensure_wrk()
    sizes = QUICK if args.quick else FULL
    figures, table = run(sizes)
    command = "bench/figures.py" + (" --quick" if args.quick else "")
    text = f"`.venv/bin/python {command}` — {table}\n\n" + "\n".join(f"- {note}" for note in figures.notes) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
