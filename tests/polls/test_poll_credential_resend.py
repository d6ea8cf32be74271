"""A member whose phone never got the answer to a credential request (connection cut, server
killed after the commit) sends the SAME blinded message again and gets the same blind signature:
still one credential, now usable. Any other blinded message is refused, and once voting opens
nothing of the request is left on the roster."""

from __future__ import annotations

import base64

from sqlalchemy import func, select

from backend.core.db import SessionFactory
from backend.crypto import blind_rsa
from backend.polls.models import PollVoter
from tests.conftest import GraphQLClient
from tests.polls.helpers import CAST, CREDENTIAL, OPEN, SLIPS, b64u, error_code, make_message, ok, setup_poll, unb64u
from tests.world import World


async def test_the_same_blinded_message_again_gets_the_same_signature_and_still_one_credential(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=5, paper_people=5)
    public_key = blind_rsa.public_key_from_der(base64.b64decode(setup.poll["publicKeySpki"]))
    prepared = blind_rsa.prepare(make_message(setup.id))
    blinded, inv = blind_rsa.blind(public_key, prepared)
    member = setup.members[0]

    first = ok(
        await gql.execute(CREDENTIAL, {"id": setup.id, "b": b64u(blinded)}, as_user=member), "requestPollCredential"
    )
    again = ok(
        await gql.execute(CREDENTIAL, {"id": setup.id, "b": b64u(blinded)}, as_user=member), "requestPollCredential"
    )
    assert again["blindSignature"] == first["blindSignature"]

    other, _ = blind_rsa.blind(public_key, blind_rsa.prepare(make_message(setup.id)))
    body = await gql.execute(CREDENTIAL, {"id": setup.id, "b": b64u(other)}, as_user=member)
    assert error_code(body, "requestPollCredential") == "ALREADY_ISSUED"
    # Someone else cannot fetch this member's signature with the member's blinded message.
    ok(
        await gql.execute(CREDENTIAL, {"id": setup.id, "b": b64u(other)}, as_user=setup.members[1]),
        "requestPollCredential",
    )
    body = await gql.execute(CREDENTIAL, {"id": setup.id, "b": b64u(blinded)}, as_user=setup.members[1])
    assert error_code(body, "requestPollCredential") == "ALREADY_ISSUED"

    async with session_factory() as session:
        issued = await session.scalar(
            select(func.count()).where(PollVoter.poll_id == int(setup.id), PollVoter.credential_issued.is_(True))
        )
    assert issued == 2

    ok(await gql.execute(SLIPS, {"id": setup.id, "v": setup.paper_voter_ids}, as_user="township"), "issuePaperSlips")
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    async with session_factory() as session:
        kept = await session.scalar(
            select(func.count()).where(PollVoter.poll_id == int(setup.id), PollVoter.credential_request.is_not(None))
        )
    assert kept == 0
    body = await gql.execute(CREDENTIAL, {"id": setup.id, "b": b64u(blinded)}, as_user=member)
    assert error_code(body, "requestPollCredential") == "POLL_CLOSED"

    signature = blind_rsa.finalize(public_key, prepared, unb64u(again["blindSignature"]), inv)
    variables = {"id": setup.id, "t": b64u(prepared), "s": b64u(signature), "c": "SATISFIED"}
    ok(await gql.execute(CAST, variables), "castBallot")
    assert error_code(await gql.execute(CAST, variables), "castBallot") == "ALREADY_VOTED"
