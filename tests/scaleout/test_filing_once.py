"""A filing sent to two app processes at once is stored once. The phone's outbox resends a
submitFiling with the id it made whenever an answer was lost, and behind a proxy those resends land
on any process: here several filings are each sent many times, all at the same moment, alternately
to process A and B. Every answer must point at the one stored filing, the database must hold one
row and one "submitted" audit event per filing, and a different content under a used id is a
conflict on the other process too — the id, not any process's memory, decides."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import func, select

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.filings.models import Filing
from tests.conftest import GraphQLClient
from tests.filings.test_filings import diary
from tests.scaleout.conftest import postgres_only

pytestmark = postgres_only

FILINGS = 4
SENDS_PER_PROCESS = 6
# The document the PWA outbox sends (pwa/src/outbox/engine.js, OPS.submitFiling).
SUBMIT = """mutation($input: FilingInput!) { submitFiling(input: $input) {
  filing { id status version } currentVersion errors { code message field } } }"""


def _entry(n: int) -> dict[str, object]:
    return diary(title=f"驻村日志 {n}", body={"content": f"走访农户第 {n} 次"})


async def test_a_filing_sent_to_both_processes_is_stored_once(
    clients: tuple[GraphQLClient, GraphQLClient], session_factory: SessionFactory
) -> None:
    entries = [_entry(n) for n in range(FILINGS)]
    token = await clients[0].token_for("village")
    sends = [
        clients[i % 2].execute(SUBMIT, {"input": entry}, token=token)
        for entry in entries
        for i in range(2 * SENDS_PER_PROCESS)
    ]
    answers = [body["data"]["submitFiling"] for body in await asyncio.gather(*sends)]

    assert all(a["errors"] == [] for a in answers), answers
    assert Counter(a["filing"]["id"] for a in answers) == {e["id"]: 2 * SENDS_PER_PROCESS for e in entries}
    assert {(a["filing"]["status"], a["filing"]["version"]) for a in answers} == {("SUBMITTED", 1)}
    ids = [e["id"] for e in entries]
    async with session_factory() as session:
        rows = await session.scalar(select(func.count()).select_from(Filing).where(Filing.id.in_(ids)))
        audited = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity == "filing", AuditEvent.entity_id.in_(ids), AuditEvent.action == "submitted")
        )
    assert rows == FILINGS
    assert audited == FILINGS


async def test_other_content_under_a_used_id_is_a_conflict_on_the_other_process(
    clients: tuple[GraphQLClient, GraphQLClient], session_factory: SessionFactory
) -> None:
    first, second = clients
    entry = _entry(1)
    stored = (await first.execute(SUBMIT, {"input": entry}, as_user="village"))["data"]["submitFiling"]
    assert stored["errors"] == []
    changed = {**entry, "title": "另一条日志"}
    refused = (await second.execute(SUBMIT, {"input": changed}, as_user="village"))["data"]["submitFiling"]
    assert refused["filing"] is None
    assert refused["errors"][0]["code"] == "CONFLICT"
    async with session_factory() as session:
        assert await session.scalar(select(Filing.title).where(Filing.id == entry["id"])) == entry["title"]
