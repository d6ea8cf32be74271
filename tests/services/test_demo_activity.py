"""The demo's activity (filings, reviews, photos, service cards, problems, check-ins, the roll
call) is written in bulk by backend/demo/bulk.py. Here the same plan is replayed call by call
through the services themselves, on the same database, and every row they write is compared with
what the bulk writer writes — so the demo holds exactly what the services would have made of the
same calls, and the audit chain verifies."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.checkins import check_in
from backend.attendance.models import CheckIn as CheckInRow
from backend.attendance.models import RollCall, RollCallTarget
from backend.attendance.roll_calls import start_roll_call
from backend.audit.models import AuditEvent
from backend.audit.verify import verify_county
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.demo.activity import local_day, plan_member_reports, plan_roll_call, plan_secretary
from backend.demo.bulk import BulkWriter
from backend.demo.loader import load_demo
from backend.demo.photos import PhotoPool
from backend.demo.world import (
    Action,
    CheckIn,
    CreateProblem,
    EditFiling,
    GenerateCard,
    MoveProblem,
    Plan,
    ReviewFiling,
    StartRollCall,
    SubmitFiling,
    UploadPhoto,
    World,
    load_world,
)
from backend.filings.models import Filing, FilingPhoto, FilingStatus
from backend.filings.review import review_filing
from backend.filings.submit import edit_filing, submit_filing
from backend.media.models import Media
from backend.media.service import store_photo_once
from backend.media.storage import LocalDiskStorage
from backend.org.models import Role
from backend.problems.ledger import file_problem, report_problem, update_problem_status
from backend.problems.models import Problem, ProblemNote, ProblemStatus
from backend.service_card.models import ServiceCard
from backend.service_card.service import generate_service_card

SEED = 2026
NOW = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)  # a Monday morning in Beijing
# The showcase secretary (returned and waiting filings), a laggard, one without a card, and two
# ordinary ones (resident and liaison both among them); rosters cut short to keep the replay quick.
SECRETARIES = (0, 4, 7, 10, 27, 40)
ROSTER = 40

# Columns a service fills from the wall clock rather than from the `now` it is given.
CLOCK_COLUMNS = {
    "media": {"created_at"},
    "problems": {"created_at", "updated_at", "resolved_at"},
    "problem_notes": {"id", "at"},
    "service_cards": {"generated_at"},
}


@cache
def pool() -> PhotoPool:
    return PhotoPool(SEED)


def small_world(world: World) -> World:
    secretaries = [dataclasses.replace(s, households=s.households[:ROSTER]) for s in world.secretaries]
    return dataclasses.replace(world, secretaries=secretaries)


def plans(world: World) -> list[Plan]:
    roll_call, day, named = plan_roll_call(world, SEED, NOW)
    chosen = [
        plan_secretary(
            world,
            world.secretaries[i],
            pool(),
            SEED,
            NOW,
            no_checkin_on=day if world.secretaries[i].id in named else None,
        )
        for i in SECRETARIES
    ]
    return [roll_call, *chosen, plan_member_reports(world, SEED, NOW)]


async def replay(session: AsyncSession, settings: Settings, media_dir: Path, world: World, action: Action) -> None:
    """One planned call through its service, at the planned time where the service takes one."""
    match action:
        case UploadPhoto():
            await store_photo_once(session, LocalDiskStorage(media_dir), action.actor, action.data)
        case SubmitFiling():
            await submit_filing(session, action.actor, action.draft, now=action.at)
        case ReviewFiling():
            await review_filing(session, action.actor, action.filing_id, action.decision, action.comment, now=action.at)
        case EditFiling():
            await edit_filing(session, action.actor, action.draft, action.base_version, now=action.at)
        case GenerateCard():
            await generate_service_card(
                session,
                action.actor,
                photo_sha256=action.photo_sha256,
                keep_photo=False,
                public_base_url=world.public_base_url,
            )
        case CreateProblem():
            if action.actor.role is Role.MEMBER:
                await report_problem(session, action.actor, action.new, local_day(action.at))
            else:
                await file_problem(session, action.actor, action.new)
        case MoveProblem():
            await update_problem_status(session, action.actor, action.change)
        case CheckIn():
            await check_in(session, action.actor, action.new, now=action.at)
        case StartRollCall():
            await start_roll_call(session, action.actor, action.new, now=action.at)
        case _:
            raise AssertionError(action)


TABLES = (Media, Filing, FilingPhoto, ServiceCard, Problem, ProblemNote, RollCall, CheckInRow, RollCallTarget)


async def snapshot(session: AsyncSession, after_seq: int, county_id: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for model in TABLES:
        table = model.__table__  # type: ignore[attr-defined]
        skip = CLOCK_COLUMNS.get(table.name, set())
        columns = [c for c in table.columns if c.name not in skip]
        rows = (await session.execute(select(*columns))).mappings().all()
        found[table.name] = sorted((tuple(sorted(r.items())) for r in rows), key=repr)
    events = await session.execute(
        select(
            AuditEvent.seq,
            AuditEvent.actor_user_id,
            AuditEvent.entity,
            AuditEvent.entity_id,
            AuditEvent.action,
            AuditEvent.version,
            AuditEvent.detail,
        )
        .where(AuditEvent.county_id == county_id, AuditEvent.seq > after_seq)
        .order_by(AuditEvent.seq)
    )
    found["audit_events"] = [tuple(e) for e in events]
    return found


async def test_bulk_rows_are_what_the_services_write(
    session_factory: SessionFactory, settings: Settings, tmp_path: Path
) -> None:
    async with session_factory.begin() as session:
        county_id = (await load_demo(session)).county_id
    async with session_factory() as session:
        world = small_world(await load_world(session, county_id, settings.public_base_url))
        head = int(await session.scalar(select(func.max(AuditEvent.seq)).where(AuditEvent.county_id == county_id)) or 0)
    planned = plans(world)
    actions = sorted((a for p in planned for a in p.actions), key=lambda a: a.at)
    kinds = Counter(type(a).__name__ for a in actions)
    assert set(kinds) == {
        "UploadPhoto",
        "SubmitFiling",
        "ReviewFiling",
        "EditFiling",
        "GenerateCard",
        "CreateProblem",
        "MoveProblem",
        "CheckIn",
        "StartRollCall",
    }, kinds

    async with session_factory() as session:
        for action in actions:
            await replay(session, settings, tmp_path / "media", world, action)
        await session.flush()
        by_services = await snapshot(session, head, county_id)
        await session.rollback()

    async with session_factory() as session:
        writer = BulkWriter(session, world, pool())
        await pool().store_files(LocalDiskStorage(tmp_path / "bulk-media"))
        for plan in planned:
            await writer.write(plan)
        counts = await writer.finish()
        in_bulk = await snapshot(session, head, county_id)
        report = await verify_county(session, county_id)
        await session.rollback()

    assert report.ok, report.broken
    assert counts.events == len(in_bulk["audit_events"]) > 0
    for table in by_services:
        assert len(in_bulk[table]) == len(by_services[table]), table
        for mine, theirs in zip(in_bulk[table], by_services[table], strict=True):
            assert mine == theirs, table
    # the stored photo files are the very bytes the media service stored
    stored = sorted(p.relative_to(tmp_path / "media") for p in (tmp_path / "media").rglob("*.jpg"))
    assert stored
    for path in stored:
        assert (tmp_path / "bulk-media" / path).read_bytes() == (tmp_path / "media" / path).read_bytes()

    # and the replay went through every step the demo shows
    assert {dict(r)["status"] for r in in_bulk["filings"]} == set(FilingStatus) - {FilingStatus.DRAFT}
    assert {dict(r)["status"] for r in in_bulk["problems"]} == set(ProblemStatus)
    actions_done = {e[4] for e in in_bulk["audit_events"]}
    assert {"submitted", "approved", "returned", "resubmitted", "upload", "generate", "file", "report"} <= actions_done
    answered = [dict(r)["checkin_id"] for r in in_bulk["roll_call_targets"]]
    assert any(answered) and not all(answered)


async def test_the_plan_depends_only_on_the_world_the_seed_and_the_time(
    session_factory: SessionFactory, settings: Settings
) -> None:
    """Same inputs, same calls; another seed, other calls."""
    async with session_factory.begin() as session:
        county_id = (await load_demo(session)).county_id
    async with session_factory() as session:
        world = small_world(await load_world(session, county_id, settings.public_base_url))
    first = [a for p in plans(world) for a in p.actions]
    assert first == [a for p in plans(world) for a in p.actions]
    sec = world.secretaries[10]
    assert (
        plan_secretary(world, sec, pool(), SEED + 1, NOW).actions
        != plan_secretary(world, sec, pool(), SEED, NOW).actions
    )
