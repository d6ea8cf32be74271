"""The lean credential route (`POST /polls/{id}/credentials`): a member's bearer token, the same
service and answers as GraphQL `requestPollCredential`, as HTTP statuses."""

from __future__ import annotations

import base64

import httpx
from sqlalchemy import func, select

from backend.core.db import SessionFactory
from backend.crypto import blind_rsa
from backend.polls.models import PollVoter
from tests.conftest import GraphQLClient
from tests.polls.helpers import OPEN, b64u, make_message, ok, setup_poll
from tests.refusals import refusal
from tests.world import World


async def _post(
    client: httpx.AsyncClient, gql: GraphQLClient, poll_id: str, body: object, user: str | None
) -> tuple[int, dict]:
    headers = {"authorization": f"Bearer {await gql.token_for(user)}"} if user else {}
    response = await client.post(f"/polls/{poll_id}/credentials", json=body, headers=headers)
    return response.status_code, response.json() if response.status_code == 200 else refusal(response)


async def _issued(session_factory: SessionFactory) -> int:
    async with session_factory() as session:
        return int(await session.scalar(select(func.count()).where(PollVoter.credential_issued.is_(True))) or 0)


async def test_lean_credential_route(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, client: httpx.AsyncClient
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=3, paper_people=0)
    public = blind_rsa.public_key_from_der(base64.b64decode(setup.poll["publicKeySpki"]))
    prepared = blind_rsa.prepare(make_message(setup.id))
    blinded, inv = blind_rsa.blind(public, prepared)
    body = {"blindedMessage": b64u(blinded)}
    member = setup.members[0]

    status, answer = await _post(client, gql, setup.id, body, None)
    assert (status, answer["code"]) == (401, "UNAUTHENTICATED")
    response = await client.post(f"/polls/{setup.id}/credentials", json=body, headers={"authorization": "Bearer x"})
    assert (response.status_code, refusal(response)["code"]) == (401, "UNAUTHENTICATED")
    assert (await _post(client, gql, setup.id, body, "township"))[0] == 403
    other_village = await _post(client, gql, setup.id, body, "member_v12")
    assert other_village == (404, {"code": "NOT_FOUND", "message": "测评不存在"})  # as for no such poll
    assert (await _post(client, gql, setup.id, [1], member))[1]["code"] == "INVALID_INPUT"
    assert (await _post(client, gql, setup.id, {"blindedMessage": "!!"}, member))[1]["code"] == "INVALID_INPUT"
    short = {"blindedMessage": b64u(b"\x01" * 10)}
    assert (await _post(client, gql, setup.id, short, member))[1]["code"] == "INVALID_INPUT"
    assert (await _post(client, gql, "999999", body, member))[0] == 404
    assert await _issued(session_factory) == 0

    status, answer = await _post(client, gql, setup.id, body, member)
    assert status == 200
    blind_sig = base64.urlsafe_b64decode(answer["blindSignature"] + "=" * (-len(answer["blindSignature"]) % 4))
    signature = blind_rsa.finalize(public, prepared, blind_sig, inv)
    assert blind_rsa.verify(public, prepared, signature)
    assert await _issued(session_factory) == 1
    # The same blinded message again (the phone lost the answer): the same signature, still one credential.
    assert await _post(client, gql, setup.id, body, member) == (200, answer)
    assert await _issued(session_factory) == 1
    other, _ = blind_rsa.blind(public, blind_rsa.prepare(prepared))
    assert await _post(client, gql, setup.id, {"blindedMessage": b64u(other)}, member) == (
        409,
        {"code": "ALREADY_ISSUED", "message": "您已领取过本次测评的投票凭证或纸质票"},
    )
    status, answer = await _post(client, gql, setup.id, body, "member")  # V11's member, not on the roster
    assert (status, answer["code"]) == (403, "NOT_ELIGIBLE")

    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    status, answer = await _post(client, gql, setup.id, body, setup.members[1])
    assert (status, answer["code"]) == (409, "POLL_CLOSED")
    assert await _issued(session_factory) == 1
    # The credential it gave is a valid ballot.
    cast = {"token": b64u(prepared), "signature": b64u(signature), "choice": "satisfied"}
    assert (await client.post(f"/polls/{setup.id}/ballots", json=cast)).status_code == 200
