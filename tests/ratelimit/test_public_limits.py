"""What villagers send without an account is limited per client address and per village (all
addresses together), before any database work or before a photo's body is read; the counters
are shared across processes like every other limit (Redis, backend/ratelimit)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from backend.core.db import SessionFactory
from backend.media.models import Media
from backend.problems.models import Problem, ProblemSource
from tests.ratelimit.conftest import NEIGHBOUR, VILLAGE_NAT, ClientAt
from tests.ratelimit.test_refusals import TOO_OFTEN, first_error, graphql
from tests.refusals import refusal
from tests.world import World

REPORT = """mutation($input: PublicProblemInput!) {
  reportPublicProblem(input: $input) { reference retryAfter errors { code message } } }"""
THIRD_ADDRESS = "192.0.2.33"


def _report(world: World, village: str = "V11") -> dict[str, object]:
    return {"input": {"id": str(uuid.uuid4()), "villageId": world.unit_id(village), "title": "路灯不亮"}}


async def _public_reports(session_factory: SessionFactory) -> int:
    async with session_factory() as session:
        count = await session.scalar(
            select(func.count()).select_from(Problem).where(Problem.source == ProblemSource.PUBLIC)
        )
    return int(count or 0)


async def test_reports_are_limited_per_address(
    client_at: ClientAt, world: World, session_factory: SessionFactory
) -> None:
    http = client_at(VILLAGE_NAT)
    for _ in range(2):  # RATE_LIMIT_PUBLIC_REPORTS_PER_ADDRESS = 2
        assert first_error(await graphql(http, REPORT, _report(world))) is None
    refused = await graphql(http, REPORT, _report(world, "V12"))  # another village: the same address
    assert refused == {"reference": None, "retryAfter": 60, "errors": [{"code": "RATE_LIMITED", "message": TOO_OFTEN}]}
    assert await _public_reports(session_factory) == 2  # the refused one wrote nothing
    assert first_error(await graphql(client_at(NEIGHBOUR), REPORT, _report(world, "V12"))) is None


async def test_reports_are_limited_per_village_from_all_addresses(
    client_at: ClientAt, world: World, session_factory: SessionFactory
) -> None:
    for address in (VILLAGE_NAT, VILLAGE_NAT, NEIGHBOUR):  # RATE_LIMIT_PUBLIC_REPORTS_PER_VILLAGE = 3
        assert first_error(await graphql(client_at(address), REPORT, _report(world))) is None
    refused = await graphql(client_at(THIRD_ADDRESS), REPORT, _report(world))
    assert first_error(refused)["code"] == "RATE_LIMITED"
    assert first_error(await graphql(client_at(THIRD_ADDRESS), REPORT, _report(world, "V21"))) is None
    assert await _public_reports(session_factory) == 4


@pytest.mark.parametrize("size", [10, 5 * 1024 * 1024])
async def test_photo_uploads_are_limited_per_address_before_the_body_is_read(
    client_at: ClientAt, world: World, session_factory: SessionFactory, size: int
) -> None:
    http = client_at(VILLAGE_NAT)
    url = f"/public/villages/{world.unit_id('V11')}/photos"
    for _ in range(2):  # RATE_LIMIT_PUBLIC_PHOTOS_PER_ADDRESS = 2: refused for what they are, but counted
        assert (await http.post(url, content=b"x" * 10)).status_code == 415
    refused = await http.post(url, content=b"x" * size)
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "60")
    assert refusal(refused)["code"] == "RATE_LIMITED"
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Media)) == 0
    assert (await client_at(NEIGHBOUR).post(url, content=b"x" * 10)).status_code == 415
