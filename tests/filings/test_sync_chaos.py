"""The sync protocol against a real server under abuse: 2,000 submissions with connections cut
mid-request, duplicate sends and out-of-order retries end with 0 lost and 0 duplicated records."""
from __future__ import annotations

import asyncio
import json
import random
import uuid
from urllib.parse import urlsplit

from sqlalchemy import func, select

from backend.audit.models import AuditEvent
from backend.auth.tokens import issue_access_token
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.filings.models import Filing
from tests.live_server import live_server
from tests.world import World

TOTAL = 2000
WORKERS = 16
CUT_SENDING = 0.15  # share of attempts cut while the request is being sent
CUT_AFTER = 0.35  # … or after sending, before the answer was read
SUBMIT = "mutation($input: FilingInput!) { submitFiling(input: $input) { filing { id } errors { code } } }"


def _request(host: str, port: int, token: str, entry: dict) -> bytes:
    body = json.dumps({"query": SUBMIT, "variables": {"input": entry}}).encode()
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    return head + body


async def _send(host: str, port: int, raw: bytes, rng: random.Random) -> bool:
    """One attempt. Returns True only when a complete, successful answer was read."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        fate = rng.random()
        if fate < CUT_SENDING:  # cut while sending the request
            writer.write(raw[: rng.randrange(1, len(raw))])
            await writer.drain()
            return False
        writer.write(raw)
        await writer.drain()
        if fate < CUT_AFTER:  # the server may or may not have committed
            await asyncio.sleep(rng.random() * 0.02)
            return False
        response = await asyncio.wait_for(reader.read(), timeout=30)
        status, _, rest = response.partition(b"\r\n")
        if b" 200 " not in status:
            return False
        answer = json.loads(rest.split(b"\r\n\r\n", 1)[1])
        assert answer.get("data"), answer
        payload = answer["data"]["submitFiling"]
        assert payload["errors"] == [], payload
        return True
    finally:
        writer.close()


async def test_no_lost_and_no_duplicated_records(settings: Settings, world: World, session_factory: SessionFactory) -> None:
    rng = random.Random(20261122)
    token = issue_access_token(settings, world.actor("village"))
    entries = [
        {
            "id": str(uuid.uuid4()),
            "kind": "WORK_DIARY",
            "occurredOn": "2026-11-20",
            "recordedAt": "2026-11-20T18:30:00+08:00",
            "title": f"日志 {n}",
            "body": {"content": f"第 {n} 条"},
        }
        for n in range(TOTAL)
    ]
    with live_server(settings) as base:
        url = urlsplit(base)
        host, port = url.hostname or "127.0.0.1", url.port or 80
        pending: list[int] = list(range(TOTAL))
        delivered: set[int] = set()
        rounds = 0
        while pending:
            rounds += 1
            rng.shuffle(pending)  # retries arrive out of order
            queue: asyncio.Queue[int] = asyncio.Queue()
            for index in pending:
                queue.put_nowait(index)
                if rng.random() < 0.1:
                    queue.put_nowait(index)  # a duplicate send (two tabs, a double tap)

            async def worker(queue: asyncio.Queue[int]) -> None:
                while not queue.empty():
                    index = queue.get_nowait()
                    raw = _request(host, port, token, entries[index])
                    if await _send(host, port, raw, rng):
                        delivered.add(index)

            await asyncio.gather(*[worker(queue) for _ in range(WORKERS)])
            pending = [i for i in range(TOTAL) if i not in delivered]
            assert rounds < 30, f"{len(pending)} submissions never got through"

    ids = [e["id"] for e in entries]
    async with session_factory() as session:
        stored = await session.scalar(select(func.count()).select_from(Filing).where(Filing.id.in_(ids)))
        submitted_events = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.entity_id.in_(ids), AuditEvent.action == "submitted")
        )
        titles = dict((await session.execute(select(Filing.id, Filing.title).where(Filing.id.in_(ids)))).tuples().all())
    assert stored == TOTAL  # 0 lost
    assert submitted_events == TOTAL  # each processed exactly once, never twice
    assert all(titles[e["id"]] == e["title"] for e in entries)  # nothing half-written or mixed up
