"""Filings and villages for the progress tests, written straight to the database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from backend.db import SessionFactory
from backend.models import (
    Filing,
    FilingKind,
    FilingStatus,
    Household,
)
from tests.world import World, add_village_with_secretary


def filing(
    world: World,
    village: str,
    kind: FilingKind,
    status: FilingStatus,
    *,
    household_id: int | None = None,
    occurred_on: date | None = None,
) -> Filing:
    profile = world.secretaries[village]
    unit = world.units[village]
    now = datetime.now(UTC)
    return Filing(
        id=str(uuid.uuid4()),
        kind=kind,
        status=status,
        content_hash="0" * 64,
        secretary_id=profile.id,
        village_id=unit.id,
        township_id=unit.township_id,
        county_id=unit.county_id,
        household_id=household_id,
        title=kind.value,
        body={},
        occurred_on=occurred_on or now.date(),
        recorded_at=now,
        received_at=now,
        submitted_at=now,
        created_by=profile.user_id,
    )


async def add_villages(session_factory: SessionFactory, world: World, count: int) -> None:
    """`count` more villages in T1, each with a secretary, two households and a visit filed."""
    township = world.units["T1"]
    now = datetime.now(UTC)
    async with session_factory.begin() as session:
        for n in range(count):
            village, profile = await add_village_with_secretary(
                session, township, name=f"新村{n}", code=f"P{n}", secretary_name=f"新书记{n}", phone=f"1371111{n:04d}"
            )
            households = [
                Household(village_id=village.id, code=f"P{n}-{i}", head_name=f"户主{i}", member_count=2, address="一组")
                for i in range(2)
            ]
            session.add_all(households)
            await session.flush()
            session.add(
                Filing(
                    id=str(uuid.uuid4()),
                    kind=FilingKind.HOUSEHOLD_VISIT,
                    status=FilingStatus.SUBMITTED,
                    content_hash="0" * 64,
                    secretary_id=profile.id,
                    village_id=village.id,
                    township_id=township.id,
                    county_id=township.county_id,
                    household_id=households[0].id,
                    title="走访",
                    body={},
                    occurred_on=now.date(),
                    recorded_at=now,
                    received_at=now,
                    submitted_at=now,
                    created_by=world.users["township"].id,
                )
            )
