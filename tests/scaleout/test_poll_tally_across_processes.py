"""Each voting token counts once in the closed tally, whichever processes it was cast on. Five
villagers get their blind-signed credentials from process A or B, and each token is then cast
several times at once on both processes; exactly one cast per token is accepted (the others get
ALREADY_VOTED) and the poll, closed on A, tallies five ballots with the five chosen answers. The
heavier race (200 casts of one token, GraphQL and the lean HTTP route) is
tests/polls/test_poll_concurrency.py; this adds the tally at the end."""

from __future__ import annotations

import asyncio
from collections import Counter

from backend.core.db import SessionFactory
from tests.conftest import GraphQLClient
from tests.polls.helpers import CLOSE, OPEN, PROGRESS, cast, error_code, obtain_credential, ok, setup_poll
from tests.scaleout.conftest import postgres_only
from tests.world import World

pytestmark = postgres_only

CASTS_PER_PROCESS = 4
CHOICES = ["VERY_SATISFIED", "VERY_SATISFIED", "SATISFIED", "SATISFIED", "BASIC"]


async def test_tokens_cast_on_both_processes_count_once_in_the_tally(
    clients: tuple[GraphQLClient, GraphQLClient], world: World, session_factory: SessionFactory
) -> None:
    first, second = clients
    setup = await setup_poll(first, world, session_factory, members=6, paper_people=0)
    credentials = [
        await obtain_credential(clients[i % 2], setup.poll, member)
        for i, member in enumerate(setup.members[: len(CHOICES)])
    ]
    ok(await second.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")

    casts = [
        cast(clients[i % 2], setup.id, credential, choice)
        for credential, choice in zip(credentials, CHOICES, strict=True)
        for i in range(2 * CASTS_PER_PROCESS)
    ]
    outcomes = Counter(error_code(body, "castBallot") for body in await asyncio.gather(*casts))
    assert outcomes == {None: len(CHOICES), "ALREADY_VOTED": len(CHOICES) * (2 * CASTS_PER_PROCESS - 1)}

    progress = ok(await second.execute(PROGRESS, {"id": setup.id}, as_user="township"), "pollProgress")
    assert progress["ballotsCast"] == len(CHOICES)
    closed = ok(await first.execute(CLOSE, {"id": setup.id}, as_user="township"), "closePoll")["poll"]
    assert closed["status"] == "CLOSED"
    result = closed["result"]
    assert (result["ballots"], result["eligible"], result["valid"], result["suppressed"]) == (5, 6, True, False)
    assert result["counts"] == {"verySatisfied": 2, "satisfied": 2, "basic": 1, "dissatisfied": 0}
    assert result["satisfaction"] == {"numerator": 4, "denominator": 5, "percent": "80.00"}
