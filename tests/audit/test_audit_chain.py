"""Every county's audit events form one unbroken hash chain, also under concurrent writers."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit import trail as audit
from backend.audit.chain import GENESIS, event_hash
from backend.audit.models import AuditEvent
from backend.audit.verify import verify_audit
from backend.core.db import SessionFactory
from tests.audit.helpers import chain, record_events
from tests.world import World


async def test_events_are_linked_per_county_in_the_order_they_were_recorded(
    session_factory: SessionFactory, world: World
) -> None:
    a, b = world.units["A"].id, world.units["B"].id
    async with session_factory.begin() as session:
        for n in range(3):
            audit.record(session, world.actor("county"), county_id=a, entity="test", entity_id=n, action="a")
            audit.record(session, None, county_id=b, entity="test", entity_id=n, action="b", detail={(1, 2)[0]: "x"})
    await record_events(session_factory, a, 4)

    events_a, events_b = await chain(session_factory, a), await chain(session_factory, b)
    assert [e.seq for e in events_a] == list(range(1, 8))
    assert [e.entity_id for e in events_a] == ["0", "1", "2", "e0", "e1", "e2", "e3"]
    assert [e.seq for e in events_b] == [1, 2, 3]
    for events in (events_a, events_b):
        assert events[0].prev_hash == GENESIS
        assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
        assert all(e.hash == event_hash(e) for e in events)
    assert events_b[0].detail == {"1": "x"}  # hashed as the database gives it back

    async with session_factory() as session:
        reports = {r.county_code: r for r in await verify_audit(session)}
    assert reports[world.units["A"].code].events == 7 and reports[world.units["A"].code].ok
    assert reports[world.units["A"].code].head_hash == events_a[-1].hash
    assert reports[world.units["B"].code].events == 3 and reports[world.units["B"].code].ok


async def test_a_rolled_back_transaction_leaves_no_gap(session_factory: SessionFactory, world: World) -> None:
    a = world.units["A"].id
    await record_events(session_factory, a, 2)
    with pytest.raises(RuntimeError):
        async with session_factory.begin() as session:
            audit.record(session, None, county_id=a, entity="test", entity_id="lost", action="x")
            await session.flush()
            raise RuntimeError("abort")
    await record_events(session_factory, a, 1, tag="after")
    assert [(e.seq, e.entity_id) for e in await chain(session_factory, a)] == [(1, "e0"), (2, "e1"), (3, "after0")]


async def test_the_database_refuses_a_second_event_at_the_same_position(
    session_factory: SessionFactory, world: World
) -> None:
    a = world.units["A"].id
    await record_events(session_factory, a, 1)
    first = (await chain(session_factory, a))[0]
    with pytest.raises(IntegrityError):
        async with session_factory.begin() as session:
            # Bypass the flush hook: insert the row as a forking writer would.
            await session.execute(
                AuditEvent.__table__.insert().values(
                    county_id=a,
                    entity="fork",
                    entity_id="1",
                    action="x",
                    detail={},
                    at=first.at,
                    seq=1,
                    prev_hash=GENESIS,
                    hash=first.hash,
                )
            )


async def test_concurrent_writers_to_one_county_keep_one_chain(
    session_factory: SessionFactory, engine: AsyncEngine, world: World
) -> None:
    a = world.units["A"].id

    async def writer(k: int) -> None:
        async with session_factory.begin() as session:
            for n in range(3):
                audit.record(session, None, county_id=a, entity="test", entity_id=f"w{k}-{n}", action="x")
                await session.flush()
                await asyncio.sleep(0)  # let the other writers run into the lock

    await asyncio.gather(*(writer(k) for k in range(20)))

    events = await chain(session_factory, a)
    assert [e.seq for e in events] == list(range(1, 61))
    assert [e.prev_hash for e in events] == [GENESIS] + [e.hash for e in events[:-1]]
    # No writer's events were interleaved with another's: each transaction holds the county's lock.
    writers = [e.entity_id.split("-")[0] for e in events]
    assert all(len(set(writers[i : i + 3])) == 1 for i in range(0, 60, 3))
    async with session_factory() as session:
        (report,) = [r for r in await verify_audit(session) if r.county_id == a]
    assert report.ok and report.events == 60


async def test_the_append_only_triggers_still_refuse_edits(session_factory: SessionFactory, world: World) -> None:
    a = world.units["A"].id
    await record_events(session_factory, a, 1)
    with pytest.raises(DBAPIError):
        async with session_factory.begin() as session:
            await session.execute(AuditEvent.__table__.update().values(detail={"forged": True}))
    async with session_factory() as session:
        assert (await session.scalars(select(AuditEvent.detail))).all() == [{"n": 0, "名": "e"}]
