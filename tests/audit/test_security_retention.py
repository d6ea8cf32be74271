"""Keeping the security log at least six months (《网络安全法》第二十一条) and no longer than the
county's setting: the setting refuses less than 183 days, the daily retention task prunes only
old security events behind an anchor, the chains still verify, and the database itself refuses
every other DELETE and every UPDATE."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from backend.audit import trail as audit
from backend.audit.models import SECURITY, TRAIL, AuditAnchor, AuditEvent
from backend.audit.prune import prune_security_log
from backend.audit.verify import verify_audit
from backend.cli import main
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.org.models import CountySettings
from tests.conftest import GraphQLClient
from tests.world import World

NOW = datetime.now(UTC)


async def _events(session_factory: SessionFactory, county_id: int, ages_days: list[int], *, business: bool) -> None:
    """Events in seq order with the given ages (oldest first): security events, each followed by a
    business event of the same age when `business`."""
    async with session_factory.begin() as session:
        for n, age in enumerate(ages_days):
            at = NOW - timedelta(days=age)
            session.add(
                AuditEvent(
                    at=at, county_id=county_id, entity="security", entity_id="0", action="login", detail={"n": n}
                )
            )
            if business:
                session.add(AuditEvent(at=at, county_id=county_id, entity="filing", entity_id=str(n), action="submit"))
            await session.flush()


async def _chain(session_factory: SessionFactory, county_id: int, chain: str) -> list[AuditEvent]:
    async with session_factory() as session:
        return list(
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.county_id == county_id, AuditEvent.chain == chain)
                .order_by(AuditEvent.seq)
            )
        )


@pytest.mark.parametrize("days", [0, 100, 182])
async def test_the_setting_refuses_less_than_six_months(gql: GraphQLClient, days: int) -> None:
    body = await gql.execute(
        "mutation($d: Int!) { updateCountySettings(input: {securityLogRetentionDays: $d}) "
        "{ settings { securityLogRetentionDays } errors { code field message } } }",
        {"d": days},
        as_user="county",
    )
    (error,) = body["data"]["updateCountySettings"]["errors"]
    assert error["code"] == "INVALID_INPUT" and error["field"] == "securityLogRetentionDays"
    assert error["message"] == f"安全日志至少保存 183 天（六个月，《网络安全法》第二十一条），不能设为 {days} 天"


async def test_the_setting_defaults_to_a_year_and_takes_six_months_or_more(gql: GraphQLClient) -> None:
    read = await gql.execute("{ countySettings { securityLogRetentionDays } }", as_user="county")
    assert read["data"]["countySettings"]["securityLogRetentionDays"] == 365
    body = await gql.execute(
        "mutation { updateCountySettings(input: {securityLogRetentionDays: 183}) "
        "{ settings { securityLogRetentionDays } errors { code } } }",
        as_user="county",
    )
    assert body["data"]["updateCountySettings"] == {"settings": {"securityLogRetentionDays": 183}, "errors": []}


async def test_the_prune_removes_only_old_security_events_and_the_chains_still_verify(
    world: World, session_factory: SessionFactory
) -> None:
    a, b = world.units["A"].id, world.units["B"].id
    await _events(session_factory, a, [400, 390, 380, 200, 10], business=True)
    await _events(session_factory, b, [400, 300, 5], business=False)
    async with session_factory.begin() as session:
        session.add(CountySettings(county_id=b, values={"security_log_retention_days": 183}))
    trail_before = [e.hash for e in await _chain(session_factory, a, TRAIL)]

    async with session_factory.begin() as session:
        pruned = await prune_security_log(session)
    assert [(p.county_id, p.through_seq, p.events) for p in pruned] == [(a, 3, 3), (b, 2, 2)]

    assert [e.seq for e in await _chain(session_factory, a, SECURITY)] == [4, 5]  # older than 365 days: gone
    assert [e.seq for e in await _chain(session_factory, b, SECURITY)] == [3]  # older than 183 days: gone
    assert [e.hash for e in await _chain(session_factory, a, TRAIL)] == trail_before  # the business trail: all kept
    async with session_factory() as session:
        reports = {(r.county_id, r.chain): r for r in await verify_audit(session)}
        anchors = (await session.scalars(select(AuditAnchor).order_by(AuditAnchor.county_id))).all()
    assert all(r.ok for r in reports.values()), reports
    assert (reports[a, SECURITY].starts_after, reports[a, SECURITY].events) == (3, 2)
    assert (reports[a, TRAIL].starts_after, reports[a, TRAIL].events) == (0, 5)
    assert [(x.county_id, x.seq, x.pruned) for x in anchors] == [(a, 3, 3), (b, 2, 2)]

    # New events link to the kept head; a second prune finds nothing more to remove.
    async with session_factory.begin() as session:
        audit.record(session, None, county_id=a, entity="security", entity_id="0", action="logout")
    async with session_factory.begin() as session:
        assert await prune_security_log(session) == []
    async with session_factory() as session:
        assert all(r.ok for r in await verify_audit(session))


async def test_the_prune_always_keeps_the_newest_event(world: World, session_factory: SessionFactory) -> None:
    a = world.units["A"].id
    await _events(session_factory, a, [500, 450, 400], business=False)
    async with session_factory.begin() as session:
        await prune_security_log(session)
    assert [e.seq for e in await _chain(session_factory, a, SECURITY)] == [3]
    async with session_factory.begin() as session:
        audit.record(session, None, county_id=a, entity="security", entity_id="0", action="login")
    assert [e.seq for e in await _chain(session_factory, a, SECURITY)] == [3, 4]
    async with session_factory() as session:
        assert all(r.ok for r in await verify_audit(session))


async def test_a_deleted_event_after_a_prune_is_still_caught(world: World, session_factory: SessionFactory) -> None:
    from tests.audit.helpers import tamper

    a = world.units["A"].id
    await _events(session_factory, a, [400, 390, 10, 5, 1], business=False)
    async with session_factory.begin() as session:
        await prune_security_log(session)
    engine = session_factory.kw["bind"]
    await tamper(engine, f"DELETE FROM audit_events WHERE county_id = {a} AND chain = 'security' AND seq = 4")
    async with session_factory() as session:
        (report,) = [r for r in await verify_audit(session) if r.chain == SECURITY]
    assert report.broken is not None and report.broken.seq == 5 and "序号不连续" in report.broken.reason


async def _refused(session_factory: SessionFactory, statement: object) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        async with session_factory.begin() as session:
            await session.execute(statement)  # type: ignore[call-overload]


async def test_the_database_refuses_every_other_delete_and_every_update(
    world: World, session_factory: SessionFactory
) -> None:
    a = world.units["A"].id
    await _events(session_factory, a, [400, 390, 100, 1], business=True)
    in_a = (AuditEvent.county_id == a,)
    # No anchor: an old security event cannot be deleted by code that merely means to.
    await _refused(session_factory, delete(AuditEvent).where(*in_a, AuditEvent.chain == SECURITY, AuditEvent.seq == 1))
    # An anchor that covers everything does not let through a young event, nor a business one.
    async with session_factory.begin() as session:
        last = await session.scalar(
            select(AuditEvent.hash).where(*in_a, AuditEvent.chain == SECURITY, AuditEvent.seq == 3)
        )
        session.add(AuditAnchor(county_id=a, chain=SECURITY, seq=3, hash=last, cutoff=NOW, pruned=0))
    await _refused(session_factory, delete(AuditEvent).where(*in_a, AuditEvent.chain == SECURITY, AuditEvent.seq == 3))
    await _refused(session_factory, delete(AuditEvent).where(*in_a, AuditEvent.chain == TRAIL, AuditEvent.seq == 1))
    # No UPDATE, ever; and the anchors themselves are append-only.
    await _refused(session_factory, update(AuditEvent).where(*in_a, AuditEvent.seq == 1).values(action="x"))
    await _refused(session_factory, delete(AuditAnchor))
    await _refused(session_factory, update(AuditAnchor).values(seq=1))
    # What the anchor covers and is older than 183 days does pass.
    async with session_factory.begin() as session:
        gone = await session.execute(
            text("DELETE FROM audit_events WHERE county_id = :a AND chain = 'security' AND seq = 1"), {"a": a}
        )
    assert gone.rowcount == 1  # type: ignore[attr-defined]


async def test_the_retention_command_prunes_the_security_log(
    world: World,
    settings: Settings,
    session_factory: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await _events(session_factory, world.units["A"].id, [400, 380, 3], business=True)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MEDIA_DIR", str(settings.media_dir))
    assert await asyncio.to_thread(main, ["retention"]) == 0
    assert "2 条过期安全日志" in capsys.readouterr().out
    assert len(await _chain(session_factory, world.units["A"].id, TRAIL)) == 3
