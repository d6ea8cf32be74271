"""PostgreSQL restarted in the middle of a load run (issue #6 "Survive faults").

Proves, against a real app process and a private PostgreSQL server stopped with `-m fast` (every
session killed) or `-m immediate` (a crash: recovery runs on start) and started again two seconds
later:
- every request made during the outage (filings, reads, photo uploads) is answered within the
  client's bound, either normally or with HTTP 503, `Retry-After` and the code SERVICE_UNAVAILABLE ("服务暂时不可用，请稍后重试");
  none hangs and none gets a masked INTERNAL error;
- /readyz says not ready during the outage and ready afterwards;
- the same app process serves again once PostgreSQL is back, with no manual step;
- the phones' retries of everything that failed leave each filing stored exactly once, with its
  audit event and its photo link (no half-written record).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import func, select

from backend.audit.models import AuditEvent
from backend.auth.tokens import issue_access_token
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.filings.models import Filing, FilingPhoto
from tests.conftest import TEST_DB
from tests.faults.app_process import AppProcess
from tests.faults.phone import (
    CLIENT_TIMEOUT,
    Answer,
    filing_entry,
    photo_bytes,
    read_filings,
    submit_filing,
    upload_photo,
)
from tests.faults.private_postgres import PrivatePostgres
from tests.world import build_world

pytestmark = pytest.mark.skipif(TEST_DB != "postgres", reason="restarts a private PostgreSQL server")

CLIENTS = 12
LOAD_BEFORE = 1.0  # seconds of load before PostgreSQL stops
OUTAGE = 2.0  # seconds PostgreSQL stays down
LOAD_AFTER = 1.5  # seconds of load after it is back
UNAVAILABLE_MESSAGE = "服务暂时不可用，请稍后重试"


@dataclass
class Run:
    entries: list[dict] = field(default_factory=list)
    delivered: set[int] = field(default_factory=set)
    answers: list[tuple[float, str, Answer]] = field(default_factory=list)  # (when, what, answer)
    readiness: list[tuple[float, int | None]] = field(default_factory=list)  # (sent, status)
    stopping: float = 0.0  # pg_ctl stop called
    stopped: float = 0.0  # … returned: the server is gone
    starting: float = 0.0  # pg_ctl start called
    back: float = 0.0  # … returned: the server accepts connections
    stop: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.mark.parametrize("stop_mode", ["fast", "immediate"])
async def test_app_rides_out_a_postgres_restart(
    stop_mode: str, private_pg: PrivatePostgres, private_pg_settings: Settings, private_pg_sessions: SessionFactory
) -> None:
    async with private_pg_sessions.begin() as session:
        world = await build_world(session)
        filings_before = await session.scalar(select(func.count()).select_from(Filing))
    token = issue_access_token(private_pg_settings, world.actor("village"))
    app = AppProcess(private_pg_settings)
    app.start()
    try:
        async with httpx.AsyncClient(base_url=app.base_url, limits=httpx.Limits(max_connections=64)) as http:
            photos = []
            for seed in (1, 2):
                uploaded = await upload_photo(http, token, photo_bytes(seed))
                assert uploaded.ok, uploaded
                photos.append(uploaded.body["sha256"])
            run = Run()
            counter = itertools.count()
            pending: list[int] = []

            async def phone() -> None:
                """Submits new filings and re-sends failed ones, reading in between."""
                while not run.stop.is_set():
                    if pending:
                        index = pending.pop(0)
                    else:
                        index = next(counter)
                        run.entries.append(filing_entry(index, photos[index % 2]))
                    answer = await submit_filing(http, token, run.entries[index])
                    run.answers.append((time.monotonic(), "submit", answer))
                    if answer.ok:
                        run.delivered.add(index)
                    else:
                        pending.append(index)
                        await asyncio.sleep(0.2)
                    run.answers.append((time.monotonic(), "read", await read_filings(http, token)))

            async def photographer() -> None:
                """Uploads new photos: the plain HTTP routes answer the outage like GraphQL."""
                for seed in itertools.count(100):
                    if run.stop.is_set():
                        return
                    run.answers.append((time.monotonic(), "upload", await upload_photo(http, token, photo_bytes(seed))))
                    await asyncio.sleep(0.05)

            async def readiness() -> None:
                while not run.stop.is_set():
                    sent = time.monotonic()
                    try:
                        status: int | None = (await http.get("/readyz", timeout=CLIENT_TIMEOUT)).status_code
                    except httpx.HTTPError:
                        status = None
                    run.readiness.append((sent, status))
                    await asyncio.sleep(0.2)

            async def restart_postgres() -> None:
                await asyncio.sleep(LOAD_BEFORE)
                run.stopping = time.monotonic()
                await asyncio.to_thread(private_pg.stop, stop_mode)
                run.stopped = time.monotonic()
                await asyncio.sleep(OUTAGE)
                run.starting = time.monotonic()
                await asyncio.to_thread(private_pg.start)
                run.back = time.monotonic()
                await asyncio.sleep(LOAD_AFTER)
                run.stop.set()

            await asyncio.gather(restart_postgres(), readiness(), photographer(), *[phone() for _ in range(CLIENTS)])

            # The outbox keeps what failed and sends it again: everything gets through now.
            for _ in range(5):
                todo = [i for i in range(len(run.entries)) if i not in run.delivered]
                if not todo:
                    break
                answers = await asyncio.gather(*[submit_filing(http, token, run.entries[i]) for i in todo])
                run.delivered.update(index for index, answer in zip(todo, answers, strict=True) if answer.ok)
                await asyncio.sleep(0.5)
            assert app.process is not None and app.process.poll() is None, "the app process must not have restarted"
    except BaseException:
        print(f"--- app log ---\n{app.log_tail()}\n--- PostgreSQL log ---\n{private_pg.log_tail()}")
        raise
    finally:
        app.close()

    _check_answers(run)
    _check_readiness(run)
    assert len(run.delivered) == len(run.entries), "some filings never got through after PostgreSQL came back"
    await _check_stored_once(private_pg_sessions, run, filings_before or 0)


def _check_answers(run: Run) -> None:
    answers = [answer for _, _, answer in run.answers]
    slowest = max(answer.seconds for answer in answers)
    assert slowest < CLIENT_TIMEOUT, f"a request took {slowest:.1f} s"
    failed = [answer for answer in answers if not answer.ok]
    failed_kinds = {what for _, what, answer in run.answers if not answer.ok}
    assert failed_kinds == {"submit", "read", "upload"}, f"the outage reached only {failed_kinds}"
    for answer in failed:
        assert answer.code == "SERVICE_UNAVAILABLE", answer
        assert answer.status == 503 and answer.retry_after, answer
        assert answer.message == UNAVAILABLE_MESSAGE, answer
    sent_after = [answer for when, _, answer in run.answers if when - answer.seconds > run.back + 0.5]
    assert sent_after and all(answer.ok for answer in sent_after), "the app did not recover by itself within 0.5 s"
    print(
        f"\n{len(answers)} requests, {len(failed)} answered 503 during the outage ({run.back - run.stopping:.1f} s), "
        f"slowest {slowest:.2f} s; {len(run.entries)} filings"
    )


def _check_readiness(run: Run) -> None:
    during = [status for sent, status in run.readiness if run.stopped < sent < run.starting]
    assert during and all(status == 503 for status in during), during
    assert run.readiness[-1][1] == 200, run.readiness[-5:]


async def _check_stored_once(sessions: SessionFactory, run: Run, filings_before: int) -> None:
    ids = [entry["id"] for entry in run.entries]
    async with sessions() as session:
        filings = await session.scalar(select(func.count()).select_from(Filing).where(Filing.id.in_(ids)))
        events = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity_id.in_(ids), AuditEvent.action == "submitted")
        )
        links = await session.scalar(
            select(func.count()).select_from(FilingPhoto).where(FilingPhoto.filing_id.in_(ids))
        )
        all_filings = await session.scalar(select(func.count()).select_from(Filing))
    assert filings == len(ids) == all_filings - filings_before  # none lost, none extra
    assert events == len(ids)  # each processed exactly once
    assert links == len(ids)  # no filing without its photo
