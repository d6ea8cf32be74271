"""Filings and villages for the progress tests, written straight to the database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from backend.core.db import SessionFactory
from backend.filings.models import Filing, FilingKind, FilingStatus
from backend.org.models import Household
from tests.world import World, add_village_with_secretary, stored_filing


def filing(
    world: World,
    village: str,
    kind: FilingKind,
    status: FilingStatus,
    *,
    household_id: int | None = None,
    occurred_on: date | None = None,
) -> Filing:
    return stored_filing(
        world.secretaries[village],
        world.units[village],
        kind=kind,
        status=status,
        occurred_on=occurred_on,
        title=kind.value,
        household_id=household_id,
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
                stored_filing(
                    profile,
                    village,
                    kind=FilingKind.HOUSEHOLD_VISIT,
                    at=now,
                    title="走访",
                    household_id=households[0].id,
                    created_by=world.users["township"].id,
                )
            )
