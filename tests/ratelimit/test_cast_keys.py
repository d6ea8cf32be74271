"""What the casting limit leaves in Redis after real ballots: one counter per client address, named
by a keyed hash of the address, holding a number and expiring within the window — nothing about
the poll, the token, the code, the choice or the receipt, so it cannot link a person to a ballot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from backend.app import create_app
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.ratelimit.addresses import address_subject
from tests.conftest import GraphQLClient
from tests.polls.helpers import CAST, OPEN, SLIPS, b64u, obtain_credential, ok, setup_poll
from tests.ratelimit.conftest import VILLAGE_NAT
from tests.ratelimit.redis_server import PrivateRedis
from tests.world import World


@pytest.fixture
async def redis_app(settings: Settings, redis_server: PrivateRedis, key_prefix: str) -> AsyncIterator[Starlette]:
    app = create_app(settings.with_overrides(redis_url=redis_server.url, rate_limit_key_prefix=key_prefix))
    yield app
    await app.state.rate_limits.close()
    await app.state.engine.dispose()


async def test_casting_counters_hold_a_hashed_address_and_nothing_about_the_ballot(
    redis_app: Starlette,
    world: World,
    settings: Settings,
    session_factory: SessionFactory,
    redis_server: PrivateRedis,
    key_prefix: str,
    issued_codes: list[str],
) -> None:
    transport = httpx.ASGITransport(app=redis_app, client=(VILLAGE_NAT, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        gql = GraphQLClient(http, world, settings)
        setup = await setup_poll(gql, world, session_factory, members=5, paper_people=5)
        credential = await obtain_credential(gql, setup.poll, setup.members[0])
        ok(
            await gql.execute(SLIPS, {"id": setup.id, "v": setup.paper_voter_ids}, as_user="township"),
            "issuePaperSlips",
        )
        ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
        variables = {"id": setup.id, "t": b64u(credential.token), "s": b64u(credential.signature), "c": "SATISFIED"}
        receipt = ok(await gql.execute(CAST, variables), "castBallot")["receipt"]
        paper = await http.post(f"/polls/{setup.id}/ballots", json={"code": issued_codes[0], "choice": "basic"})
        assert paper.status_code == 200

    raw = redis_server.client()
    try:
        keys = sorted(raw.scan_iter(f"{key_prefix}*"))
        stored = {key: (raw.get(key), raw.pttl(key)) for key in keys}
    finally:
        raw.close()
    limits = redis_app.state.rate_limits
    cast_key = limits.limiter.key(limits.cast_address, address_subject(VILLAGE_NAT))
    credential_key = limits.limiter.key(limits.credential_user, str(world.users[setup.members[0]].id))
    assert keys == sorted([cast_key, credential_key])
    count, ttl = stored[cast_key]
    assert count == "2" and 0 < ttl <= 60_000  # both ballots, one counter, gone within a minute
    secrets = [
        VILLAGE_NAT,
        receipt,
        receipt[:16],
        b64u(credential.token)[:16],
        issued_codes[0],
        paper.json()["receipt"],
    ]
    text = " ".join(f"{key} {value}" for key, (value, _) in stored.items())
    for secret in secrets:
        assert secret not in text
    for word in ("satisfied", "basic", "poll", "ballot", f":{setup.id}:"):
        assert word not in text.lower()
