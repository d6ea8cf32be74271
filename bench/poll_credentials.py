"""Benchmark: issuing voting credentials (RFC 9474 blind signatures, RSA-3072) on PostgreSQL —
through the service (roster check, flag update, signature, commit) and through GraphQL
in-process, against raw `blind_sign` measured in the same run. Target: ≥ 100 credentials/s.

Run: .venv/bin/python bench/poll_credentials.py [--voters 600] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from sqlalchemy import func, select

from backend.app import create_app
from backend.auth.tokens import issue_access_token
from backend.core.db import make_engine, make_session_factory
from backend.crypto import blind_rsa
from backend.crypto.b64url import encode as b64u
from backend.polls import credentials
from backend.polls.models import PollVoter
from bench._poll_world import build, database, summary

TARGET = 100.0
DOC = "mutation($id: ID!, $b: String!) { requestPollCredential(pollId: $id, blindedMessage: $b) { blindSignature errors { code } } }"


def blinded_messages(key, poll_id: int, count: int) -> list[bytes]:  # type: ignore[no-untyped-def]
    public = key.public_key()
    prefix = f"zct-ballot-v1:{poll_id}:".encode()
    return [blind_rsa.blind(public, blind_rsa.prepare(prefix + os.urandom(32)))[0] for _ in range(count)]


async def run(settings, key, voters: int, concurrency: int) -> None:  # type: ignore[no-untyped-def]
    pool = blinded_messages(key, 0, 64)
    start, count = time.perf_counter(), 0
    while time.perf_counter() - start < 3:
        blind_rsa.blind_sign(key, pool[count % 64])
        count += 1
    raw = count / (time.perf_counter() - start)
    print(f"  reference: raw blind_sign, one thread: {raw:6.1f} signatures/s")
    if True:
        engine = make_engine(settings)
        factory = make_session_factory(engine)
        world = await build(factory, settings, voters, key)
        half = voters // 2
        messages = blinded_messages(key, world.poll_id, voters)

        # 1. The service, `concurrency` tasks, one transaction per credential.
        queue = list(zip(world.members[:half], messages[:half], strict=True))
        latencies: list[float] = []

        async def worker() -> None:
            while queue:
                actor, blinded = queue.pop()
                t0 = time.perf_counter()
                async with factory.begin() as session:
                    await credentials.request_credential(session, actor, settings, world.poll_id, blinded)
                latencies.append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        rate = half / (time.perf_counter() - t0)
        print(
            f"  service request_credential, {concurrency} concurrent: {rate:6.1f} credentials/s = "
            f"{rate / TARGET:.2f}x target, {rate / raw:.2f}x raw | {summary(latencies)}"
        )

        # 2. GraphQL in-process, each member with their own access token.
        app = create_app(settings)
        jobs = [
            (issue_access_token(settings, actor), blinded)
            for actor, blinded in zip(world.members[half:], messages[half:], strict=True)
        ]
        latencies = []
        failures = 0
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:

            async def client() -> None:
                nonlocal failures
                while jobs:
                    token, blinded = jobs.pop()
                    t1 = time.perf_counter()
                    response = await http.post(
                        "/graphql",
                        json={"query": DOC, "variables": {"id": str(world.poll_id), "b": b64u(blinded)}},
                        headers={"authorization": f"Bearer {token}"},
                    )
                    latencies.append(time.perf_counter() - t1)
                    if response.json()["data"]["requestPollCredential"]["errors"]:
                        failures += 1

            t0 = time.perf_counter()
            await asyncio.gather(*(client() for _ in range(concurrency)))
            rate = (voters - half) / (time.perf_counter() - t0)
        await app.state.engine.dispose()
        print(
            f"  GraphQL requestPollCredential (ASGITransport), {concurrency} concurrent: {rate:6.1f} credentials/s = "
            f"{rate / TARGET:.2f}x target, {rate / raw:.2f}x raw | {summary(latencies)} | failures {failures}"
        )
        async with factory() as session:
            issued = await session.scalar(select(func.count()).where(PollVoter.credential_issued.is_(True)))
        print(f"  roster flags set: {issued} of {voters} (one per person)")
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, arithmetic: {blind_rsa.BACKEND}, RSA-3072")
    key = blind_rsa.generate_key(3072)
    with database("postgres", pool_size=args.concurrency) as settings:
        asyncio.run(run(settings, key, args.voters, args.concurrency))


if __name__ == "__main__":
    main()
