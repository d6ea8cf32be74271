"""The demo's assessments go through the real services: every secretary in post is fully scored
by their assessor, and the part sums add up to the target score."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.assessment.models import Assessment, OrgClassRecord
from backend.core.db import SessionFactory
from backend.demo.assessments import seed_demo_assessments
from backend.demo.polls import DEMO_PERIOD
from backend.org.models import StationMode
from tests.world import World


async def test_demo_assessments_score_every_item(session_factory: SessionFactory, world: World) -> None:
    county_id = world.units["A"].id
    async with session_factory.begin() as session:
        scored = await seed_demo_assessments(session, county_id, seed=3)
    async with session_factory() as session:
        rows = list(await session.scalars(select(Assessment).where(Assessment.county_id == county_id)))
        assert len(rows) == scored > 0
        for row in rows:
            assert row.period == DEMO_PERIOD
            assert row.items_scored == row.items_total > 0
            parts = row.basic_centi + row.discipline_centi + row.results_centi + row.org_upgrade_centi
            assert row.target_centi == max(0, parts)
        secretaries = {s.id: s for s in world.secretaries.values()}
        for row in rows:
            assessor_role = "county" if secretaries[row.secretary_id].mode is StationMode.RESIDENT else "township"
            assert row.updated_by is not None
            assert (row.updated_by in {u.id for k, u in world.users.items() if k.startswith(assessor_role)})
        classes = await session.scalar(select(func.count()).select_from(OrgClassRecord))
        assert classes and classes % 2 == 0  # this period and the one before, for every village
