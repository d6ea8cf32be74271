"""One vote each, enforced by the database: 200 concurrent casts of one token count once, in one
process and across two server processes sharing PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select

from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.polls.models import StagedBallot
from tests.conftest import TEST_DB, GraphQLClient
from tests.live_server import live_server
from tests.polls.helpers import CAST, OPEN, SLIPS, b64u, error_code, obtain_credential, ok, setup_poll
from tests.world import World

N = 200


async def _staged(session_factory: SessionFactory) -> int:
    async with session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(StagedBallot)) or 0)


async def test_200_concurrent_casts_of_one_token_count_once(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, issued_codes: list[str]
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=5, paper_people=5)
    credential = await obtain_credential(gql, setup.poll, setup.members[0])
    ok(await gql.execute(SLIPS, {"id": setup.id, "v": setup.paper_voter_ids}, as_user="township"), "issuePaperSlips")
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    variables = {"id": setup.id, "t": b64u(credential.token), "s": b64u(credential.signature), "c": "SATISFIED"}
    bodies = await asyncio.gather(*(gql.execute(CAST, variables) for _ in range(N)))
    outcomes = Counter(error_code(b, "castBallot") for b in bodies)
    assert outcomes == {None: 1, "ALREADY_VOTED": N - 1}
    # The same for one paper code, over the lean route.
    responses = await asyncio.gather(
        *(
            gql.http.post(f"/polls/{setup.id}/ballots", json={"code": issued_codes[0], "choice": "basic"})
            for _ in range(N)
        )
    )
    assert Counter(r.status_code for r in responses) == {200: 1, 409: N - 1}
    assert await _staged(session_factory) == 2


@pytest.mark.skipif(TEST_DB != "postgres", reason="two server processes share a PostgreSQL database")
async def test_two_server_processes_count_one_token_once(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, settings: Settings, issued_codes: list[str]
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=5, paper_people=5)
    credential = await obtain_credential(gql, setup.poll, setup.members[0])
    lean_credential = await obtain_credential(gql, setup.poll, setup.members[1])
    ok(await gql.execute(SLIPS, {"id": setup.id, "v": setup.paper_voter_ids}, as_user="township"), "issuePaperSlips")
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    query = {
        "query": CAST,
        "variables": {"id": setup.id, "t": b64u(credential.token), "s": b64u(credential.signature), "c": "BASIC"},
    }
    token = {"token": b64u(lean_credential.token), "signature": b64u(lean_credential.signature)}

    async def race(path: str, body: dict[str, object]) -> list[httpx.Response]:
        # a fresh pool per race: a keep-alive connection left idle between races may be closed by the
        # server just as the client reuses it (a ReadError on a loaded machine, not the server's answer)
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=100)) as http:
            return await asyncio.gather(*(http.post(f"{(first, second)[i % 2]}{path}", json=body) for i in range(N)))

    with live_server(settings) as first, live_server(settings) as second:
        graphql = await race("/graphql", query)
        lean = await race(f"/polls/{setup.id}/ballots", {"code": issued_codes[0], "choice": "satisfied"})
        lean_token = await race(f"/polls/{setup.id}/ballots", {**token, "choice": "basic"})
    assert Counter(error_code(r.json(), "castBallot") for r in graphql) == {None: 1, "ALREADY_VOTED": N - 1}
    assert Counter(r.status_code for r in lean) == {200: 1, 409: N - 1}
    assert Counter(r.status_code for r in lean_token) == {200: 1, 409: N - 1}
    assert await _staged(session_factory) == 3
