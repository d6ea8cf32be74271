"""The lean casting route (`POST /polls/{id}/ballots` with a credential): the same answers as
castBallot, and — on PostgreSQL, where it is one round trip on its own pool — no ballot can land
in a poll that was closed while the ballot waited for the poll's lock."""

from __future__ import annotations

import asyncio
import secrets

import httpx
import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.core.db import SessionFactory
from backend.crypto import blind_rsa
from backend.polls.common import POLL_LOCK_CLASS, shared_lock_sql
from backend.polls.models import Poll, PollStatus, StagedBallot
from tests.conftest import TEST_DB, GraphQLClient
from tests.pg_neighbours import advisory_lock_waiters_elsewhere
from tests.polls.helpers import (
    CLOSE,
    OPEN,
    Credential,
    PollSetup,
    b64u,
    make_message,
    obtain_credential,
    ok,
    setup_poll,
)
from tests.refusals import refusal
from tests.world import World


def _body(credential: Credential, choice: str = "satisfied") -> dict[str, str]:
    return {"token": b64u(credential.token), "signature": b64u(credential.signature), "choice": choice}


async def _staged(session_factory: SessionFactory, poll_id: str) -> list[tuple[str, str]]:
    async with session_factory() as session:
        rows = await session.execute(
            select(StagedBallot.receipt, StagedBallot.choice).where(StagedBallot.poll_id == int(poll_id))
        )
        return [(r.receipt, r.choice.value) for r in rows]


async def _answer(client: httpx.AsyncClient, poll_id: str, body: dict[str, str]) -> tuple[int, str]:
    response = await client.post(f"/polls/{poll_id}/ballots", json=body)
    if response.status_code == 200:
        return 200, response.json()["receipt"]
    return response.status_code, refusal(response)["code"]


async def test_lean_route_answers_like_cast_ballot(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, client: httpx.AsyncClient
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=5, paper_people=0)
    pid = setup.id
    good = await obtain_credential(gql, setup.poll, setup.members[0])
    other = await obtain_credential(gql, setup.poll, setup.members[1])
    assert await _answer(client, pid, _body(good)) == (409, "POLL_NOT_OPEN")
    foreign_setup = await setup_poll(gql, world, session_factory, members=5, paper_people=0, village="V12")
    foreign = await obtain_credential(gql, foreign_setup.poll, foreign_setup.members[0])
    ok(await gql.execute(OPEN, {"id": pid}, as_user="township"), "openPollVoting")
    assert await _staged(session_factory, pid) == []

    forged = Credential(token=blind_rsa.prepare(make_message(pid)), signature=good.signature)
    assert await _answer(client, pid, _body(forged)) == (400, "INVALID_TOKEN")
    assert await _answer(client, pid, _body(Credential(good.token, secrets.token_bytes(384)))) == (400, "INVALID_TOKEN")
    assert await _answer(client, pid, {"token": "!!", "signature": "x", "choice": "basic"}) == (400, "INVALID_TOKEN")
    assert await _answer(client, pid, _body(foreign)) == (400, "WRONG_POLL")
    assert await _answer(client, pid, _body(good, "maybe")) == (400, "INVALID_INPUT")
    assert await _answer(client, "999999", _body(good)) == (400, "WRONG_POLL")  # bound to its poll first
    assert await _staged(session_factory, pid) == []

    assert await _answer(client, pid, _body(good, "basic")) == (200, good.receipt)
    assert await _answer(client, pid, _body(good, "dissatisfied")) == (409, "ALREADY_VOTED")
    assert await _staged(session_factory, pid) == [(good.receipt, "basic")]

    ok(await gql.execute(CLOSE, {"id": pid}, as_user="township"), "closePoll")
    assert await _answer(client, pid, _body(other)) == (409, "POLL_CLOSED")
    assert await _answer(client, pid, _body(good)) == (409, "POLL_CLOSED")


async def test_lean_route_counts_each_token_once_under_concurrency(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, client: httpx.AsyncClient
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=5, paper_people=0)
    creds = [await obtain_credential(gql, setup.poll, member) for member in setup.members[:3]]
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    answers = await asyncio.gather(*(_answer(client, setup.id, _body(creds[i % 3])) for i in range(60)))
    assert sorted(a for a in answers if a[0] == 200) == sorted((200, c.receipt) for c in creds)
    assert [a for a in answers if a[0] != 200] == [(409, "ALREADY_VOTED")] * 57
    assert sorted(r for r, _ in await _staged(session_factory, setup.id)) == sorted(c.receipt for c in creds)


# pg_locks lists the whole server: only this database's waiters on this poll's lock count (other
# work on the same server may hold or wait for advisory locks of its own).
_WAITERS_ON_THIS_POLL = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND classid = :key1 AND objid = :key2 AND objsubid = 2"
)


@pytest.mark.skipif(TEST_DB != "postgres", reason="the one-round-trip batch and advisory locks are PostgreSQL's")
async def test_a_ballot_waiting_for_the_lock_sees_the_poll_closed(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    engine: AsyncEngine,
    client: httpx.AsyncClient,
) -> None:
    """Close holds the poll's exclusive lock while it counts; a ballot that arrives meanwhile
    waits, and must then read the status as of after the close (not as of its own start). Another
    database on the server waits on the same lock keys meanwhile, and must not be counted."""
    setup = await setup_poll(gql, world, session_factory, members=5, paper_people=0)
    async with advisory_lock_waiters_elsewhere(POLL_LOCK_CLASS, int(setup.id)):
        await _close_while_a_ballot_waits(setup, gql, session_factory, engine, client)


async def _close_while_a_ballot_waits(
    setup: PollSetup,
    gql: GraphQLClient,
    session_factory: SessionFactory,
    engine: AsyncEngine,
    client: httpx.AsyncClient,
) -> None:
    credential = await obtain_credential(gql, setup.poll, setup.members[0])
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    poll_id = int(setup.id)
    exclusive = shared_lock_sql(poll_id).replace("pg_advisory_xact_lock_shared", "pg_advisory_xact_lock")
    async with engine.connect() as closer:
        await closer.execute(text(f"SELECT {exclusive}"))
        ballot = asyncio.create_task(_answer(client, setup.id, _body(credential)))
        for _ in range(100):  # until the ballot is queued behind the lock
            await asyncio.sleep(0.05)
            async with engine.connect() as probe:
                waiting = await probe.scalar(_WAITERS_ON_THIS_POLL, {"key1": POLL_LOCK_CLASS, "key2": poll_id})
            if waiting:
                break
        assert waiting == 1 and not ballot.done()
        await closer.execute(update(Poll).where(Poll.id == poll_id).values(status=PollStatus.CLOSED))
        await closer.commit()
    assert await ballot == (409, "POLL_CLOSED")
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(StagedBallot)) == 0
