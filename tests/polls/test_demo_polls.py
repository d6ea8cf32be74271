"""The demo's polls go through the real services: every board verifies and the outcome columns
the ranking reads agree with the published tally."""

from __future__ import annotations

from sqlalchemy import select

from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.demo.polls import DEMO_PERIOD, seed_demo_polls
from backend.polls import board
from backend.polls.models import Poll, PollStatus
from backend.polls.verify import verify_board
from tests.world import World


async def test_demo_polls_are_real_polls(session_factory: SessionFactory, settings: Settings, world: World) -> None:
    county_id = world.units["A"].id
    async with session_factory.begin() as session:
        closed = await seed_demo_polls(session, settings, county_id, seed=7)
    async with session_factory() as session:
        polls = list(await session.scalars(select(Poll).where(Poll.county_id == county_id, Poll.period == DEMO_PERIOD)))
        assert len(polls) == closed > 0
        for poll in polls:
            assert poll.status is PollStatus.CLOSED
            report = verify_board(board.board_document(poll.id, await board.entries(session, poll.id)))
            assert report.ok, report
            tally = poll.result
            assert tally is not None
            assert poll.valid == tally["valid"]
            assert poll.tier == tally["tier"]
            if tally["valid"]:
                assert (poll.satisfaction_num, poll.satisfaction_den) == (
                    tally["satisfaction"]["numerator"],
                    tally["satisfaction"]["denominator"],
                )
