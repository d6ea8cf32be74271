"""Benchmark: what refusing an abusive request costs, against a normal small query (issue #6).

In-process (httpx ASGITransport, no sockets): the whole app with its middleware over a throwaway
SQLite database holding the small test world (tests/world.py), the county's token on every
request. Each kind is sent `--runs` times after a warm-up; the median wall time per request is
reported, and its ratio to the normal query's median. The bodies are built once, before timing.

Run: .venv/bin/python bench/refusals.py [--runs 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.app import create_app
from backend.auth.tokens import issue_access_token
from backend.db import make_engine, make_session_factory
from backend.migrate import upgrade_async
from backend.settings import Settings
from tests.world import build_world

MB = 1024 * 1024
NORMAL = "{ me { id name role } }"


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


def _upload(size: int) -> Callable[[httpx.AsyncClient], object]:
    document = "mutation($f: Upload!) { importWorkbook(file: $f) { ok } }"
    request = httpx.Request(
        "POST",
        "http://bench/graphql",
        data={"operations": json.dumps({"query": document, "variables": {"f": None}}), "map": '{"0": ["variables.f"]}'},
        files={"0": ("county.xlsx", bytes(size), "application/octet-stream")},
    )
    body, headers = request.read(), dict(request.headers)
    return lambda http: http.post("/graphql", content=body, headers=headers)


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
    ]


def _outcome(response: httpx.Response) -> str:
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        errors = []
    code = (errors[0].get("extensions") or {}).get("code") if errors else None
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


async def main(runs: int) -> None:
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


def _human(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.1f} ms"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    asyncio.run(main(parser.parse_args().runs))
