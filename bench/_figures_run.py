"""What the workloads of bench/figures.py share: sizes, the figures collected, the servers (real
uvicorn processes of the app and of bench/raw_app.py on one throwaway database) and latency rows."""

from __future__ import annotations

import asyncio
import pickle
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from backend.core.settings import Settings
from bench._figures_measure import Latency, Memory, alternated, memory_mb
from bench._figures_table import Row, rss_cell, verdict
from bench.poll_casting_wrk import Server

POOL_SIZE = 10  # DB_POOL_SIZE of every server process: the app's default
# Every bench client comes from 127.0.0.1, where a phone's ballots come from its own address: the
# per-address casting limit is set out of reach rather than off, so the counting still runs.
APP_ENV = {"RATE_LIMIT_CASTS_PER_ADDRESS": str(10**9)}
RAW_FACTORY = "bench.raw_app:create_app"


@dataclass(frozen=True)
class Sizes:
    ranking_secretaries: int
    export_rows: int
    runs: int  # requests per latency figure (app and raw each)
    seconds: int  # per wrk run
    export_runs: int
    filing_clients: int = 20
    voters: int = 50
    filings_per_second_cap: int = 1500  # requests prepared per second of a wrk run
    graphql_ballots_per_second_cap: int = 1200
    lean_ballots_per_second_cap: int = 4000


FULL = Sizes(ranking_secretaries=10_000, export_rows=10_000, runs=40, seconds=10, export_runs=3)
QUICK = Sizes(
    ranking_secretaries=2_000,
    export_rows=1_000,
    runs=12,
    seconds=3,
    export_runs=2,
    graphql_ballots_per_second_cap=700,
    lean_ballots_per_second_cap=2200,
)


@dataclass
class Figures:
    rows: dict[str, Row] = field(default_factory=dict)  # by workload key, see bench/figures.py ORDER
    app_memory: list[tuple[str, Memory]] = field(default_factory=list)  # every load's app processes
    notes: list[str] = field(default_factory=list)


def step(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def dsn(settings: Settings) -> str:
    return settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


@contextmanager
def serving(settings: Settings, workers: int = 1, replays: dict | None = None, raw: bool = False) -> Iterator[Server]:
    """The app (`workers` processes), or with `raw` bench/raw_app.py replaying `replays`."""
    with tempfile.TemporaryDirectory(prefix="figures-") as tmp:
        extra = APP_ENV
        if raw:
            replays_file = Path(tmp) / "replays.pickle"
            replays_file.write_bytes(pickle.dumps(replays or {}))
            extra = {"RAW_DSN": dsn(settings), "RAW_REPLAYS": str(replays_file), "RAW_POOL_SIZE": str(POOL_SIZE)}
        factory = RAW_FACTORY if raw else "backend.app:create_app"
        server = Server(settings, workers, POOL_SIZE, factory=factory, extra_env=extra)
        try:
            _until_every_worker_started(server, workers)
            yield server
        finally:
            server.stop()


def _until_every_worker_started(server: Server, workers: int) -> None:
    """/readyz answered by one worker says nothing of the others: wait until each has finished
    starting (its memory settles), so that start-up is not counted as the first load's memory."""
    if workers == 1:
        return
    deadline = time.monotonic() + 60
    previous: list[float] = []
    while time.monotonic() < deadline:
        time.sleep(0.5)
        pids = [pid for pid in server.pids() if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        sizes = [memory_mb(pid)[0] for pid in pids]
        if len(pids) == workers and previous and max(abs(a - b) for a, b in zip(sizes, previous, strict=False)) < 1:
            return
        previous = sizes
    raise RuntimeError(f"{workers} workers did not all start")


def latency_row(
    name: str, reference: str, target_ms: float, max_ratio: float | None, app: Latency, raw: Latency, memory: Memory,
    raw_memory: Memory,
) -> Row:  # fmt: skip
    ratio = app.p50_ms / raw.p50_ms
    ok = app.p50_ms <= target_ms and (max_ratio is None or ratio <= max_ratio)
    return Row(
        name,
        reference,
        app.text(),
        raw.text(),
        f"{ratio:.2f}×",
        rss_cell(memory.peak_rss, raw_memory.peak_rss),
        verdict(ok),
    )


async def _graphql_vs_replay(
    app: Server, raw: Server, token: str, query: str, replay: str, runs: int, variables: dict | None = None
) -> tuple[Latency, Latency]:
    headers = {"authorization": f"Bearer {token}"}
    payload = {"query": query, "variables": variables or {}}
    async with (
        httpx.AsyncClient(base_url=app.base, headers=headers, timeout=60) as app_http,
        httpx.AsyncClient(base_url=raw.base, timeout=60) as raw_http,
    ):

        async def app_call() -> None:
            response = await app_http.post("/graphql", json=payload)
            assert response.status_code == 200 and "errors" not in response.json(), response.text[:300]

        async def raw_call() -> None:
            response = await raw_http.post(f"/replay/{replay}")
            assert response.status_code == 200, response.text[:300]

        return await alternated(app_call, raw_call, runs)


def measured_latency(
    figures: Figures, app: Server, raw: Server, label: str, token: str, query: str, replay: str, runs: int,
    variables: dict | None = None,
) -> tuple[Latency, Latency, Memory, Memory]:  # fmt: skip
    step(f"{label}: app and raw alternated, {runs} requests each")
    with Memory([app]) as memory, Memory([raw]) as raw_memory:
        app_latency, raw_latency = asyncio.run(_graphql_vs_replay(app, raw, token, query, replay, runs, variables))
    figures.app_memory.append((label, memory))
    return app_latency, raw_latency, memory, raw_memory
