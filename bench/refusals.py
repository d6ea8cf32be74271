"""Benchmark: what refusing an abusive request costs, against a normal small query (issue #6).

In-process (httpx ASGITransport, no sockets): the whole app with its middleware over a throwaway
SQLite database holding the small test world (tests/world.py), the county's token on every
request. Each kind is sent `--runs` times after a warm-up; the median wall time per request is
reported, and its ratio to the normal query's median. The bodies are built once, before timing.

Then memory, on a real server process (`python -m backend.cli serve`, uvicorn, over a copy of the
same database): its resident set at rest, and its peak (VmRSS sampled every 5 ms from /proc)
while it answers each workbook upload once, normal imports beside crafted .xlsx zip bombs
(tests/zip_bombs.py) of up to 10 MB, the upload limit.

Run: .venv/bin/python bench/refusals.py [--runs 30] [--skip-memory]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.app import create_app
from backend.auth.tokens import issue_access_token
from backend.core.db import make_engine, make_session_factory
from backend.core.migrate import upgrade_async
from backend.core.settings import PROJECT_ROOT, Settings
from backend.org.importer.archive import MAX_INFLATED_BYTES
from backend.org.importer.export import workbook_bytes, workbook_from_records
from bench._figures_measure import memory_mb
from bench.import_households import bench_records
from tests.live_server import free_port, server_env, start_serving, stop_process, wait_until_ready
from tests.world import build_world
from tests.zip_bombs import xlsx_bomb

MB = 1024 * 1024
GIB = 1024 * MB
NORMAL = "{ me { id name role } }"
IMPORT = "mutation($f: Upload!) { importWorkbook(file: $f) { ok errors { code } } }"


@dataclass
class Kind:
    name: str
    send: Callable[[httpx.AsyncClient], object]  # returns an awaitable response
    expect: str  # the status and code the refusal must carry


def _graphql(document: str, variables: dict | None = None) -> Callable[[httpx.AsyncClient], object]:
    body = json.dumps({"query": document, "variables": variables or {}}).encode()
    return lambda http: http.post("/graphql", content=body, headers={"content-type": "application/json"})


def _streamed(total: int) -> Callable[[httpx.AsyncClient], object]:
    chunk = b"x" * (64 * 1024)

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ me { id } }", "variables": {"pad": "'
        for _ in range(total // len(chunk)):
            yield chunk

    return lambda http: http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})


def _multipart(workbook: bytes) -> tuple[bytes, dict[str, str]]:
    request = httpx.Request(
        "POST",
        "http://bench/graphql",
        data={"operations": json.dumps({"query": IMPORT, "variables": {"f": None}}), "map": '{"0": ["variables.f"]}'},
        files={"0": ("county.xlsx", workbook, "application/octet-stream")},
    )
    return request.read(), dict(request.headers)


def _upload(size: int) -> Callable[[httpx.AsyncClient], object]:
    return _workbook(bytes(size))


def _workbook(data: bytes) -> Callable[[httpx.AsyncClient], object]:
    body, headers = _multipart(data)
    return lambda http: http.post("/graphql", content=body, headers=headers)


def ten_megabyte_bomb(declared: int | None = None) -> bytes:
    """9.5 GiB of sheet in a 10.1 MB .xlsx, just under the 10 MiB upload limit."""
    return xlsx_bomb(int(9.5 * GIB), declared=declared)


def kinds() -> list[Kind]:
    depth = 1000
    return [
        Kind("normal small query", _graphql(NORMAL), "200"),
        Kind(
            "depth 1000",
            _graphql("{ me { " + "orgUnit { " * depth + "id" + " }" * depth + " } }"),
            "200 GRAPHQL_PARSE_FAILED",
        ),
        Kind(
            "depth 30 (validation)",
            _graphql("{ me { orgUnit { " + "parent { " * 30 + "id" + " }" * 30 + " } } }"),
            "200 GRAPHQL_VALIDATION_FAILED",
        ),
        Kind(
            "10,000 aliases",
            _graphql("{ " + " ".join(f"a{i}: me {{ id }}" for i in range(10_000)) + " }"),
            "200 DOCUMENT_TOO_LARGE",
        ),
        Kind(
            "300 aliases (validation)",
            _graphql("{ " + " ".join(f"a{i}: me {{ id }}" for i in range(300)) + " }"),
            "200 GRAPHQL_VALIDATION_FAILED",
        ),
        Kind("100k tokens", _graphql("{ me { " + " id" * 100_000 + " } }"), "200 DOCUMENT_TOO_LARGE"),
        Kind(
            "30k tokens (under 100k chars)", _graphql("{ me { " + " id" * 30_000 + " } }"), "200 GRAPHQL_PARSE_FAILED"
        ),
        Kind(
            "list of 100k ids",
            _graphql(
                'mutation($ids: [ID!]!) { startRollCall(input: {id: "00000000-0000-4000-a000-000000000001", secretaryIds: $ids}) { errors { code } } }',
                {"ids": [str(n) for n in range(100_000)]},
            ),
            "200 LIST_TOO_LONG",
        ),
        Kind("50 MB JSON body (Content-Length)", _graphql(NORMAL, {"pad": "x" * (50 * MB)}), "413 PAYLOAD_TOO_LARGE"),
        Kind("50 MB JSON body (chunked)", _streamed(50 * MB), "413 PAYLOAD_TOO_LARGE"),
        Kind("50 MB upload (multipart)", _upload(50 * MB), "413 PAYLOAD_TOO_LARGE"),
        Kind("10 MB xlsx bomb (declares 9.5 GiB)", _workbook(ten_megabyte_bomb()), "200 IMPORT_TOO_LARGE"),
        Kind("10 MB xlsx bomb (declares 7 KB)", _workbook(ten_megabyte_bomb(7_000)), "200 IMPORT_TOO_LARGE"),
    ]


def _outcome(response: httpx.Response) -> str:
    """Status and code: of the first GraphQL error, else of the import payload's first error."""
    try:
        document = response.json()
    except ValueError:
        return str(response.status_code)
    errors = document.get("errors") or []
    code = (errors[0].get("extensions") or {}).get("code") if errors else None
    payload_errors = ((document.get("data") or {}).get("importWorkbook") or {}).get("errors") or []
    code = code or (payload_errors[0]["code"] if payload_errors else None)
    return f"{response.status_code} {code}" if code else str(response.status_code)


async def _time(http: httpx.AsyncClient, kind: Kind, runs: int) -> float:
    response = await kind.send(http)
    assert _outcome(response) == kind.expect, f"{kind.name}: {_outcome(response)} {response.text[:200]}"
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await kind.send(http)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def main(runs: int, memory: bool) -> None:
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{directory}/bench.db", pwa_dist=Path(directory) / "no-pwa"
        )
        await upgrade_async(settings)
        engine = make_engine(settings)
        async with make_session_factory(engine).begin() as session:
            world = await build_world(session)
        await engine.dispose()
        token = issue_access_token(settings, world.actor("county"))
        pristine = Path(directory) / "pristine.db"
        shutil.copyfile(Path(directory) / "bench.db", pristine)
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        headers = {"authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers, timeout=120
        ) as http:
            print(f"{'request':38} {'answer':32} {'median':>10} {'× normal':>9}")
            normal = None
            for kind in kinds():
                median = await _time(http, kind, runs)
                normal = normal or median
                print(f"{kind.name:38} {kind.expect:32} {_human(median):>10} {median / normal:>9.1f}")
        await app.state.engine.dispose()
        if memory:
            served = settings.with_overrides(database_url=f"sqlite+aiosqlite:///{pristine}")
            await asyncio.to_thread(server_memory, served, token, Path(directory))


# --- memory of a real server process --------------------------------------------------------------


@dataclass
class Upload:
    name: str
    workbook: bytes
    expect: str  # "ok" or the payload's error code


def uploads() -> list[Upload]:
    households = workbook_bytes(workbook_from_records(bench_records(10_000)))
    at_limits = xlsx_bomb(MAX_INFLATED_BYTES - MB, tabs=0.01)
    return [
        Upload(
            "docs/import-example.xlsx (40 households)", (PROJECT_ROOT / "docs/import-example.xlsx").read_bytes(), "ok"
        ),
        Upload(f"10,000 households ({len(households) // 1024} KB)", households, "ok"),
        Upload(f"63 MiB sheet at 64:1 ({len(at_limits) // 1024} KB; within limits)", at_limits, "IMPORT_INVALID"),
        Upload("10 MB xlsx bomb, declares 9.5 GiB", ten_megabyte_bomb(), "IMPORT_TOO_LARGE"),
        Upload("10 MB xlsx bomb, declares 7 KB (a lie)", ten_megabyte_bomb(7_000), "IMPORT_TOO_LARGE"),
    ]


class PeakRss:
    """The largest VmRSS of one process while a `with` block runs, sampled every 5 ms."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, memory_mb(self.pid)[0])
            if self._stop.wait(0.005):
                return

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def server_memory(settings: Settings, token: str, directory: Path) -> None:
    """Each upload on a fresh server over a fresh copy of the database: every peak is measured
    from the same resting process (Python seldom hands freed memory back to the system)."""
    database = Path(settings.database_url.removeprefix("sqlite+aiosqlite:///"))
    print("\nserver process (uvicorn, one worker): resident memory at rest, then its peak during one upload")
    print(f"{'upload':52} {'answer':18} {'at rest':>8} {'peak':>8} {'time':>8}")
    for number, case in enumerate(uploads()):
        copy = directory / f"served-{number}.db"
        shutil.copyfile(database, copy)
        with _server(settings.with_overrides(database_url=f"sqlite+aiosqlite:///{copy}"), directory) as (base, pid):
            with httpx.Client(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=300) as http:
                http.post("/graphql", json={"query": NORMAL}).raise_for_status()
                time.sleep(1)
                rest = memory_mb(pid)[0]
                answer, peak, elapsed = _measure_upload(http, pid, case)
        print(f"{case.name:52} {answer:18} {rest:>5.0f} MB {peak:>5.0f} MB {_human(elapsed):>8}")


@contextmanager
def _server(settings: Settings, directory: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    log_path = directory / f"server-{port}.log"
    with open(log_path, "wb") as log:
        process = start_serving(port, server_env(settings), log)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_ready(base, process, lambda: log_path.read_text()[-4000:])
            yield base, process.pid
        finally:
            stop_process(process)


def _measure_upload(http: httpx.Client, pid: int, case: Upload) -> tuple[str, float, float]:
    body, headers = _multipart(case.workbook)
    with PeakRss(pid) as rss:
        started = time.perf_counter()
        response = http.post("/graphql", content=body, headers=headers)
        elapsed = time.perf_counter() - started
    payload = response.json()["data"]["importWorkbook"]
    answer = "ok" if payload["ok"] else payload["errors"][0]["code"]
    assert answer == case.expect, f"{case.name}: {response.text[:300]}"
    return answer, rss.peak, elapsed


def _human(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.1f} ms"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-memory", action="store_true", help="only the in-process timings")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.runs, not arguments.skip_memory))
