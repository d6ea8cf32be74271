"""The demo's polls go through the real services: every board verifies and the outcome columns
the ranking reads agree with the published tally. Two are left open for trying the vote out: in
the first village with member accounts the poll is still issuing, and a member there really gets
a credential and votes once the township opens voting; in the second it is open for voting, and
the unused paper codes the seeding hands back really cast a ballot."""

from __future__ import annotations

from sqlalchemy import select

from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.demo.polls import DEMO_PERIOD, seed_demo_polls
from backend.polls import board
from backend.polls.models import Poll, PollStatus, PollVoter
from backend.polls.verify import verify_board
from tests.conftest import GraphQLClient
from tests.polls.helpers import CAST_PAPER, OPEN, POLL_FIELDS, cast, obtain_credential, ok
from tests.world import World


async def test_demo_polls_are_real_polls(
    session_factory: SessionFactory, settings: Settings, world: World, gql: GraphQLClient
) -> None:
    county_id = world.units["A"].id
    async with session_factory.begin() as session:
        seeded = await seed_demo_polls(session, settings, county_id, seed=7)
    async with session_factory() as session:
        polls = list(await session.scalars(select(Poll).where(Poll.county_id == county_id, Poll.period == DEMO_PERIOD)))
        closed = [p for p in polls if p.status is PollStatus.CLOSED]
        assert len(closed) == seeded.closed > 0
        for poll in polls:
            report = verify_board(board.board_document(poll.id, await board.entries(session, poll.id)))
            assert report.ok, report
        for poll in closed:
            tally = poll.result
            assert tally is not None
            assert poll.valid == tally["valid"]
            assert poll.tier == tally["tier"]
            if tally["valid"]:
                assert (poll.satisfaction_num, poll.satisfaction_den) == (
                    tally["satisfaction"]["numerator"],
                    tally["satisfaction"]["denominator"],
                )
        by_id = {p.id: p for p in polls}
        issuing, voting = by_id[seeded.issuing_poll_id], by_id[seeded.voting_poll_id]
        assert (issuing.status, voting.status) == (PollStatus.ISSUING, PollStatus.VOTING)
        assert issuing.village_id == world.units["V11"].id  # the first village with a member account
        member = world.users["member"]
        on_roster = await session.scalar(
            select(PollVoter).where(PollVoter.poll_id == issuing.id, PollVoter.user_id == member.id)
        )
        assert on_roster is not None and not on_roster.credential_issued and not on_roster.paper_issued
        assert len(seeded.spare_codes) == 3

    # the member gets a credential, the township opens voting, the member votes
    poll = ok(
        await gql.execute(
            f"query($id: ID!) {{ poll(id: $id) {{ {POLL_FIELDS} }} }}", {"id": str(issuing.id)}, as_user="member"
        ),
        "poll",
    )
    credential = await obtain_credential(gql, poll, "member")
    ok(await gql.execute(OPEN, {"id": poll["id"]}, as_user="township"), "openPollVoting")
    assert ok(await cast(gql, poll["id"], credential, "SATISFIED"), "castBallot")["receipt"] == credential.receipt

    # anyone with one of the spare slips votes in the other poll
    body = await gql.execute(CAST_PAPER, {"id": str(voting.id), "code": seeded.spare_codes[0], "c": "VERY_SATISFIED"})
    assert ok(body, "castPaperBallot")["receipt"]
