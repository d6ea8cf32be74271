"""`verify-audit` finds edited and deleted events, checks chains made by the migration, and exits
0 / 1 / 2."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.verify import ChainReport, verify_audit
from backend.cli import main
from backend.core.db import SessionFactory
from backend.core.migrate import downgrade, upgrade
from backend.core.orm import UTCDateTime, utcnow
from backend.core.settings import Settings
from tests.audit.helpers import chain, record_events, tamper
from tests.world import World

# audit_events as revision 0004 left it: no chain columns.
EVENTS_BEFORE_0005 = sa.table(
    "audit_events",
    sa.column("at", UTCDateTime()),
    sa.column("county_id", sa.BigInteger()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.String()),
    sa.column("action", sa.String()),
    sa.column("detail", sa.JSON()),
)


async def _report(session_factory: SessionFactory, county_code: str) -> ChainReport:
    async with session_factory() as session:
        (report,) = await verify_audit(session, county_code)
    return report


async def _cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    return await asyncio.to_thread(main, ["verify-audit", *args])


async def test_an_intact_trail_verifies(
    session_factory: SessionFactory,
    world: World,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await record_events(session_factory, world.units["A"].id, 5)
    assert await _cli(settings, monkeypatch) == 0
    out = capsys.readouterr().out
    assert f"✓ {world.units['A'].code}: 5 条" in out and f"✓ {world.units['B'].code}: 0 条" in out
    assert "审计链核验通过" in out


async def test_an_edited_detail_is_caught(
    session_factory: SessionFactory,
    engine: AsyncEngine,
    world: World,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    a = world.units["A"]
    await record_events(session_factory, a.id, 5)
    await record_events(session_factory, world.units["B"].id, 2)
    third = (await chain(session_factory, a.id))[2]
    await tamper(engine, f"UPDATE audit_events SET detail = '{{\"n\": 99}}' WHERE id = {third.id}")

    report = await _report(session_factory, a.code)
    assert report.broken is not None and (report.broken.seq, report.broken.event_id) == (3, third.id)
    assert "被修改" in report.broken.reason and report.events == 2
    assert (await _report(session_factory, world.units["B"].code)).ok

    assert await _cli(settings, monkeypatch, "--county-code", a.code) == 1
    out = capsys.readouterr().out
    assert f"✗ {a.code}: 第 3 条 (id {third.id}) 断链" in out and "审计链核验失败" in out


async def test_a_rehashed_edit_is_caught_at_the_next_link(
    session_factory: SessionFactory, engine: AsyncEngine, world: World
) -> None:
    """A forger who also rewrites the edited event's own hash still breaks the next prev_hash."""
    a = world.units["A"]
    await record_events(session_factory, a.id, 4)
    second = (await chain(session_factory, a.id))[1]
    await tamper(engine, f"UPDATE audit_events SET hash = '{'f' * 64}' WHERE id = {second.id}")
    report = await _report(session_factory, a.code)
    assert report.broken is not None and report.broken.seq == 2  # its own hash no longer matches
    assert "被修改" in report.broken.reason


async def test_a_deleted_event_is_caught(session_factory: SessionFactory, engine: AsyncEngine, world: World) -> None:
    a = world.units["A"]
    await record_events(session_factory, a.id, 5)
    events = await chain(session_factory, a.id)
    await tamper(engine, f"DELETE FROM audit_events WHERE id = {events[1].id}")
    report = await _report(session_factory, a.code)
    assert report.broken is not None and (report.broken.seq, report.broken.event_id) == (3, events[2].id)
    assert "序号不连续" in report.broken.reason


async def test_a_deleted_and_renumbered_event_is_caught(
    session_factory: SessionFactory, engine: AsyncEngine, world: World
) -> None:
    """Closing the seq gap by renumbering still leaves a prev_hash that points at the deleted event."""
    a = world.units["A"]
    await record_events(session_factory, a.id, 3)
    events = await chain(session_factory, a.id)
    await tamper(engine, f"DELETE FROM audit_events WHERE id = {events[1].id}")
    await tamper(engine, f"UPDATE audit_events SET seq = 2 WHERE id = {events[2].id}")
    report = await _report(session_factory, a.code)
    assert report.broken is not None and (report.broken.seq, report.broken.event_id) == (2, events[2].id)
    assert "prev_hash" in report.broken.reason


async def test_an_unknown_county_code_exits_2(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _cli(settings, monkeypatch, "--county-code", "NOPE") == 2
    assert "找不到代码为 NOPE 的县" in capsys.readouterr().out


async def test_the_migration_links_events_written_before_it(
    engine: AsyncEngine, session_factory: SessionFactory, world: World, settings: Settings
) -> None:
    a, b = world.units["A"].id, world.units["B"].id
    await asyncio.to_thread(downgrade, settings, "0004")
    await engine.dispose()  # the table changed under the pool's connections
    async with engine.begin() as connection:
        for n, county in enumerate((a, b, a, a, b)):
            await connection.execute(
                insert(EVENTS_BEFORE_0005).values(
                    at=utcnow(),
                    county_id=county,
                    entity="old",
                    entity_id=str(n),
                    action="x",
                    detail={"n": n, "k": [1.5, "二"]},
                )
            )
    await asyncio.to_thread(upgrade, settings)
    await engine.dispose()

    events = await chain(session_factory, a)
    assert [(e.seq, e.entity_id) for e in events] == [(1, "0"), (2, "2"), (3, "3")]
    await record_events(session_factory, a, 2)  # new events continue the migrated chain
    async with session_factory() as session:
        reports = {r.county_id: r for r in await verify_audit(session)}
    assert reports[a].ok and reports[a].events == 5
    assert reports[b].ok and reports[b].events == 2
