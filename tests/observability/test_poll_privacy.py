"""Poll casts are counted (accepted / refused by code) with nothing per poll or per voter in
/metrics, and the casting routes log nothing at all."""

from __future__ import annotations

import logging

import httpx
import pytest

from backend.core.db import SessionFactory
from tests.conftest import GraphQLClient
from tests.observability.helpers import label_values, scrape, value
from tests.polls.helpers import OPEN, b64u, cast, obtain_credential, ok, setup_poll
from tests.refusals import refusal
from tests.world import World

CASTS = "zhucuntong_poll_casts_total"


async def test_casts_are_counted_without_poll_ids_receipts_or_logs(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=3, paper_people=0)
    first, second, third = [await obtain_credential(gql, setup.poll, member) for member in setup.members]
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    body = {"token": b64u(first.token), "signature": b64u(first.signature), "choice": "satisfied"}

    caplog.set_level(logging.INFO)
    caplog.clear()
    lean = await client.post(f"/polls/{setup.id}/ballots", json=body)
    again = await client.post(f"/polls/{setup.id}/ballots", json=body)
    via_graphql = ok(await cast(gql, setup.id, second, "BASIC"), "castBallot")
    refused = await client.post(f"/polls/{setup.id}/ballots", json={**body, "choice": "maybe"})
    assert _server_records(caplog) == [], [record.getMessage() for record in _server_records(caplog)]

    assert lean.status_code == 200 and refusal(again)["code"] == "ALREADY_VOTED" and refused.status_code == 400
    receipts = [lean.json()["receipt"], via_graphql["receipt"]]
    text, samples = await scrape(client)
    assert value(samples, CASTS, outcome="accepted", reason="") == 2
    assert value(samples, CASTS, outcome="refused", reason="ALREADY_VOTED") == 1
    assert value(samples, CASTS, outcome="refused", reason="INVALID_INPUT") == 1
    for secret in [*receipts, b64u(first.token), b64u(third.token)]:
        assert secret not in text and secret[:16] not in text
    assert f"/polls/{setup.id}/" not in text
    assert "/polls/{poll_id}/ballots" in label_values(samples, "zhucuntong_http_requests_total", "route")
    assert label_values(samples, CASTS, "reason") <= {"", "ALREADY_VOTED", "INVALID_INPUT"}

    caplog.clear()
    await client.get("/healthz")  # the same capture does see ordinary requests
    assert [record.name for record in _server_records(caplog)] == ["zhucuntong.access"]


def _server_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the app logged; the test's own HTTP client (httpx, httpcore) logs each request too."""
    return [record for record in caplog.records if not record.name.startswith(("httpx", "httpcore"))]
