"""Voting credentials have one door, GraphQL `requestPollCredential` (the PWA's; the lean route
`POST /polls/{id}/credentials` that only the benchmark used is gone): who is answered what, and a
credential it gives is a valid ballot. Each refusal changes nothing."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from sqlalchemy import func, select

from backend.core.db import SessionFactory
from backend.crypto import blind_rsa
from backend.polls.models import PollVoter
from tests.conftest import GraphQLClient
from tests.polls.helpers import CREDENTIAL, OPEN, b64u, make_message, ok, setup_poll, unb64u
from tests.world import World


async def _ask(gql: GraphQLClient, poll_id: str, blinded: object, user: str | None, token: str | None = None) -> Any:
    """The blind signature (base64url), or the refusal as {"code", "message"}."""
    body = await gql.execute(CREDENTIAL, {"id": poll_id, "b": blinded}, as_user=user, token=token)
    if body.get("errors"):
        return {"code": body["errors"][0]["extensions"]["code"]}
    payload = body["data"]["requestPollCredential"]
    if payload["errors"]:
        [error] = payload["errors"]
        return {"code": error["code"], "message": error["message"]}
    return payload["blindSignature"]


async def _issued(session_factory: SessionFactory) -> int:
    async with session_factory() as session:
        return int(await session.scalar(select(func.count()).where(PollVoter.credential_issued.is_(True))) or 0)


async def test_credential_request_answers(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, client: httpx.AsyncClient
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=3, paper_people=0)
    public = blind_rsa.public_key_from_der(base64.b64decode(setup.poll["publicKeySpki"]))
    prepared = blind_rsa.prepare(make_message(setup.id))
    blinded, inv = blind_rsa.blind(public, prepared)
    message = b64u(blinded)
    member = setup.members[0]

    assert (await _ask(gql, setup.id, message, None))["code"] == "UNAUTHENTICATED"
    assert (await _ask(gql, setup.id, message, None, token="x"))["code"] == "UNAUTHENTICATED"
    assert (await _ask(gql, setup.id, message, "township"))["code"] == "FORBIDDEN"
    other_village = await _ask(gql, setup.id, message, "member_v12")
    assert other_village == {"code": "NOT_FOUND", "message": "测评不存在"}  # as for no such poll
    assert (await _ask(gql, setup.id, [1], member))["code"] == "GRAPHQL_VALIDATION_FAILED"  # not a string
    assert (await _ask(gql, setup.id, "!!", member))["code"] == "INVALID_INPUT"
    assert (await _ask(gql, setup.id, b64u(b"\x01" * 10), member))["code"] == "INVALID_INPUT"
    assert (await _ask(gql, "999999", message, member))["code"] == "NOT_FOUND"
    assert await _issued(session_factory) == 0

    answer = await _ask(gql, setup.id, message, member)
    signature = blind_rsa.finalize(public, prepared, unb64u(answer), inv)
    assert blind_rsa.verify(public, prepared, signature)
    assert await _issued(session_factory) == 1
    # The same blinded message again (the phone lost the answer): the same signature, still one credential.
    assert await _ask(gql, setup.id, message, member) == answer
    assert await _issued(session_factory) == 1
    other, _ = blind_rsa.blind(public, blind_rsa.prepare(prepared))
    assert await _ask(gql, setup.id, b64u(other), member) == {
        "code": "ALREADY_ISSUED",
        "message": "您已领取过本次测评的投票凭证或纸质票",
    }
    assert (await _ask(gql, setup.id, message, "member"))["code"] == "NOT_ELIGIBLE"  # V11's member, not on the roster

    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    assert (await _ask(gql, setup.id, message, setup.members[1]))["code"] == "POLL_CLOSED"
    assert await _issued(session_factory) == 1
    # The credential it gave is a valid ballot.
    cast = {"token": b64u(prepared), "signature": b64u(signature), "choice": "satisfied"}
    assert (await client.post(f"/polls/{setup.id}/ballots", json=cast)).status_code == 200
