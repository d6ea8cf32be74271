"""Two assessors saving the same assessment at once, both naming the version they saw: one save
applies, the other is answered STALE_VERSION with the current version — never INTERNAL. The first
save holds its transaction open until the second is waiting on the row, so the race is forced."""

from __future__ import annotations

import asyncio
from datetime import date

from backend.assessment.scoring import ItemScoreInput, score_items
from backend.core.db import SessionFactory
from backend.core.errors import StaleVersion
from tests.assessment.helpers import PERIOD, all_in_2025
from tests.world import World

TODAY = date(2026, 1, 15)


async def _score(session_factory: SessionFactory, world: World, version: int, note: str) -> int:
    async with session_factory.begin() as session:
        view = await score_items(
            session,
            world.actor("county"),
            world.secretaries["V11"].id,
            PERIOD,
            version,
            [ItemScoreInput(key="research.diary", points=2, note=note)],
            today=TODAY,
        )
        return view.assessment.version


async def test_a_racing_save_on_the_same_version_is_stale(session_factory: SessionFactory, world: World) -> None:
    await all_in_2025(session_factory, world)
    version = await _score(session_factory, world, 0, "首次评分")
    first_saved, release_first = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with session_factory.begin() as session:
            await score_items(
                session,
                world.actor("county"),
                world.secretaries["V11"].id,
                PERIOD,
                version,
                [ItemScoreInput(key="research.diary", points=3, note="甲的意见")],
                today=TODAY,
            )
            first_saved.set()
            await release_first.wait()

    async def second() -> int | Exception:
        await first_saved.wait()
        try:
            return await _score(session_factory, world, version, "乙的意见")
        except Exception as exc:  # the test inspects which error it was
            return exc

    first_task, second_task = asyncio.create_task(first()), asyncio.create_task(second())
    await first_saved.wait()
    await asyncio.sleep(0.3)
    assert not second_task.done(), "the second save must wait for the first one's transaction"
    release_first.set()
    await first_task
    outcome = await second_task
    assert isinstance(outcome, StaleVersion), repr(outcome)
    assert outcome.current_version == version + 1
