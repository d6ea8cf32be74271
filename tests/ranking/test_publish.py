"""Publishing freezes the live ranking; snapshots are append-only and read by role."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from backend.assessment.models import Assessment
from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.core.errors import Forbidden, InvalidState, NotFound
from backend.polls.models import BoardEntry
from backend.ranking.models import Grade, RankingSnapshotRow
from backend.ranking.publish import publish_ranking, snapshot_digest
from backend.ranking.snapshots import iter_snapshot_rows, list_snapshots, snapshot_view
from tests.ranking.helpers import GROUP, PERIOD, open_to_townships, ranked_secretary
from tests.world import World


async def _publish(session_factory: SessionFactory, world: World) -> int:
    async with session_factory.begin() as session:
        snapshot = await publish_ranking(session, world.actor("county"), PERIOD)
        return snapshot.id


async def _case(session_factory: SessionFactory, world: World) -> None:
    async with session_factory.begin() as session:
        for i, village in enumerate(("V11", "V11", "V12", "V21")):
            await ranked_secretary(session, world, f"书记{i}", 99 - i, village=village)


async def test_snapshot_is_unchanged_by_later_score_edits(session_factory: SessionFactory, world: World) -> None:
    await _case(session_factory, world)
    snapshot_id = await _publish(session_factory, world)
    async with session_factory.begin() as session:
        await session.execute(update(Assessment).values(target_centi=5000))
    async with session_factory() as session:
        view = await snapshot_view(session, world.actor("county"), snapshot_id, group_key=GROUP)
    (group,) = view.groups
    assert [(r.name, r.total_centi, r.grade) for r in group.rows] == [
        ("书记0", 8910, Grade.EXCELLENT),
        ("书记1", 8820, Grade.GOOD),
        ("书记2", 8730, Grade.COMPETENT),
        ("书记3", 8640, Grade.COMPETENT),
    ]
    assert (group.rankable_count, group.excellent_quota, group.good_quota) == (4, 1, 1)
    # The world's own four secretaries in county A have no poll: listed, not rankable.
    assert view.snapshot.row_count == 4 + 3


async def test_snapshot_hash_covers_rows_rubrics_boards_and_rules(
    session_factory: SessionFactory, world: World
) -> None:
    await _case(session_factory, world)
    async with session_factory.begin() as session:
        poll_id = await session.scalar(text("SELECT min(id) FROM polls"))
        session.add(BoardEntry(poll_id=poll_id, seq=0, type="opened", payload="{}", prev_hash="0" * 64, hash="a" * 64))
        session.add(BoardEntry(poll_id=poll_id, seq=1, type="tally", payload="{}", prev_hash="a" * 64, hash="b" * 64))
    snapshot_id = await _publish(session_factory, world)
    async with session_factory() as session:
        view = await snapshot_view(session, world.actor("county"), snapshot_id)
        snapshot = view.snapshot
        rows = [r async for r in iter_snapshot_rows(session, world.actor("county"), snapshot_id)]
        audit = await session.scalar(select(AuditEvent).where(AuditEvent.entity == "ranking_snapshot"))
    assert snapshot.board_heads == {str(poll_id): "b" * 64}
    assert [v["version"] for v in snapshot.rubric_versions] == [1]
    assert snapshot.rules["excellent_quota_pct"] == 30
    stored = sorted((asdict(r) for r in rows), key=lambda r: (r["group_key"], r["position"]))
    expected = snapshot_digest(
        world.units["A"].id, PERIOD, stored, snapshot.rubric_versions, snapshot.board_heads, snapshot.rules
    )
    assert snapshot.sha256 == expected
    assert audit is not None and audit.detail["sha256"] == snapshot.sha256


async def test_snapshot_rows_are_append_only(session_factory: SessionFactory, world: World) -> None:
    await _case(session_factory, world)
    await _publish(session_factory, world)
    for statement in (update(RankingSnapshotRow).values(grade=Grade.EXCELLENT), text("DELETE FROM ranking_snapshots")):
        with pytest.raises(DBAPIError, match="append-only"):
            async with session_factory.begin() as session:
                await session.execute(statement)


async def test_publishing_an_empty_county_is_refused(session_factory: SessionFactory, world: World) -> None:
    async with session_factory.begin() as session:
        with pytest.raises(InvalidState):
            await publish_ranking(session, world.actor("county"), "2019")


async def test_who_reads_published_rows(session_factory: SessionFactory, world: World) -> None:
    await _case(session_factory, world)
    snapshot_id = await _publish(session_factory, world)
    async with session_factory() as session:
        with pytest.raises(Forbidden):  # not opened to townships (the default)
            await snapshot_view(session, world.actor("township"), snapshot_id)
        with pytest.raises(Forbidden):
            await list_snapshots(session, world.actor("township"), PERIOD)
    async with session_factory.begin() as session:
        await open_to_townships(session, world)
    async with session_factory() as session:
        township = await snapshot_view(session, world.actor("township"), snapshot_id, first=100)
        own = await snapshot_view(session, world.actor("village"), snapshot_id)
        listed = await list_snapshots(session, world.actor("village"), PERIOD)
        with pytest.raises(Forbidden):  # members read no ranking
            await snapshot_view(session, world.actor("member"), snapshot_id)
        with pytest.raises(NotFound):  # another county's: as if there were none
            await snapshot_view(session, world.actor("county_b"), snapshot_id)
        with pytest.raises(Forbidden):
            await publish_ranking(session, world.actor("township"), PERIOD)
    assert sum(len(g.rows) for g in township.groups) == 7  # aired: every row of the county
    assert [r.secretary_id for g in own.groups for r in g.rows] == [world.secretaries["V11"].id]
    assert [s.id for s in listed] == [snapshot_id]
