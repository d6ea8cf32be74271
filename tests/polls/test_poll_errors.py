"""Bad input: each case gets its own error code and changes nothing."""

from __future__ import annotations

import secrets

import httpx
import pytest
from sqlalchemy import func, select

from backend.core.db import SessionFactory
from backend.crypto import blind_rsa
from backend.polls.models import PaperCode, PollVoter, StagedBallot
from tests.conftest import GraphQLClient
from tests.polls.helpers import (
    CAST,
    CAST_PAPER,
    CLOSE,
    CREDENTIAL,
    IMPORT,
    OPEN,
    REMOVE_VOTER,
    SLIPS,
    START,
    UPDATE_VOTER,
    Credential,
    b64u,
    cast,
    error_code,
    make_message,
    obtain_credential,
    ok,
    setup_poll,
)
from tests.refusals import refusal
from tests.world import World


async def _state(session_factory: SessionFactory) -> tuple[int, int, int, int]:
    """Everything a refused request must leave alone."""
    async with session_factory() as session:
        staged = await session.scalar(select(func.count()).select_from(StagedBallot))
        creds = await session.scalar(select(func.count()).where(PollVoter.credential_issued.is_(True)))
        papers = await session.scalar(select(func.count()).where(PollVoter.paper_issued.is_(True)))
        codes = await session.scalar(select(func.count()).select_from(PaperCode))
    return int(staged or 0), int(creds or 0), int(papers or 0), int(codes or 0)


async def test_ballot_errors_are_specific_and_change_nothing(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    issued_codes: list[str],
    client: httpx.AsyncClient,
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=6, paper_people=5)
    pid = setup.id
    good = await obtain_credential(gql, setup.poll, setup.members[0])
    spare = await obtain_credential(gql, setup.poll, setup.members[1])
    ok(await gql.execute(SLIPS, {"id": pid, "v": setup.paper_voter_ids}, as_user="township"), "issuePaperSlips")

    # Before voting opens.
    before = await _state(session_factory)
    assert error_code(await cast(gql, pid, good, "SATISFIED"), "castBallot") == "POLL_NOT_OPEN"
    body = await gql.execute(CAST_PAPER, {"id": pid, "code": issued_codes[0], "c": "SATISFIED"})
    assert error_code(body, "castPaperBallot") == "POLL_NOT_OPEN"
    assert await _state(session_factory) == before

    # A second poll (V12, township T1 too) gives a credential with another key and poll id.
    other = await setup_poll(gql, world, session_factory, members=5, paper_people=0, village="V12")
    foreign = await obtain_credential(gql, other.poll, other.members[0])
    ok(await gql.execute(OPEN, {"id": pid}, as_user="township"), "openPollVoting")
    ok(await gql.execute(OPEN, {"id": other.id}, as_user="township"), "openPollVoting")
    before = await _state(session_factory)

    # Forged: a token never signed (signature of another token), and a random signature.
    forged = Credential(token=blind_rsa.prepare(make_message(pid)), signature=good.signature)
    assert error_code(await cast(gql, pid, forged, "SATISFIED"), "castBallot") == "INVALID_TOKEN"
    random_sig = Credential(token=good.token, signature=secrets.token_bytes(384))
    assert error_code(await cast(gql, pid, random_sig, "SATISFIED"), "castBallot") == "INVALID_TOKEN"
    garbage = await gql.execute(CAST, {"id": pid, "t": "!!not base64!!", "s": "xx", "c": "BASIC"})
    assert error_code(garbage, "castBallot") == "INVALID_TOKEN"
    # Wrong poll: a valid credential of the other poll, sent here.
    assert error_code(await cast(gql, pid, foreign, "SATISFIED"), "castBallot") == "WRONG_POLL"
    # Same token rewritten to claim this poll: the signature no longer matches.
    relabelled = Credential(
        token=foreign.token.replace(f":{other.id}:".encode(), f":{pid}:".encode()), signature=foreign.signature
    )
    if len(str(other.id)) == len(str(pid)):
        assert error_code(await cast(gql, pid, relabelled, "SATISFIED"), "castBallot") == "INVALID_TOKEN"
    # Invalid paper codes: wrong shape, and well-formed but never issued.
    for code in ("12345", "0" * 28):
        body = await gql.execute(CAST_PAPER, {"id": pid, "code": code, "c": "SATISFIED"})
        assert error_code(body, "castPaperBallot") == "INVALID_CODE"
    # Identity must not travel with a ballot.
    body = await gql.execute(
        CAST, {"id": pid, "t": b64u(good.token), "s": b64u(good.signature), "c": "SATISFIED"}, as_user="member"
    )
    assert error_code(body, "castBallot") == "ANONYMOUS_ONLY"
    for header in ({"cookie": "session=1"}, {"authorization": "Basic eDp5"}):
        graphql = await client.post(
            "/graphql",
            json={
                "query": CAST,
                "variables": {"id": pid, "t": b64u(good.token), "s": b64u(good.signature), "c": "SATISFIED"},
            },
            headers=header,
        )
        assert error_code(graphql.json(), "castBallot") == "ANONYMOUS_ONLY"
    for header in ({"authorization": "Bearer x"}, {"cookie": "session=1"}):
        response = await client.post(
            f"/polls/{pid}/ballots", json={"code": issued_codes[0], "choice": "satisfied"}, headers=header
        )
        assert (response.status_code, refusal(response)["code"]) == (400, "ANONYMOUS_ONLY")
    assert await _state(session_factory) == before

    # Reuse: the first cast counts, the second is ALREADY_VOTED (also across GraphQL and HTTP).
    assert ok(await cast(gql, pid, good, "SATISFIED"), "castBallot")["receipt"] == good.receipt
    assert error_code(await cast(gql, pid, good, "DISSATISFIED"), "castBallot") == "ALREADY_VOTED"
    response = await client.post(
        f"/polls/{pid}/ballots", json={"token": b64u(good.token), "signature": b64u(good.signature), "choice": "basic"}
    )
    assert (response.status_code, refusal(response)["code"]) == (409, "ALREADY_VOTED")
    ok(await gql.execute(CAST_PAPER, {"id": pid, "code": issued_codes[0], "c": "BASIC"}), "castPaperBallot")
    body = await gql.execute(CAST_PAPER, {"id": pid, "code": issued_codes[0].lower(), "c": "BASIC"})
    assert error_code(body, "castPaperBallot") == "ALREADY_VOTED"
    staged, *_ = await _state(session_factory)
    assert staged == 2

    # After close: codes and tokens of a closed poll.
    ok(await gql.execute(CLOSE, {"id": pid}, as_user="township"), "closePoll")
    before = await _state(session_factory)
    assert error_code(await cast(gql, pid, spare, "SATISFIED"), "castBallot") == "POLL_CLOSED"
    body = await gql.execute(CAST_PAPER, {"id": pid, "code": issued_codes[1], "c": "SATISFIED"})
    assert error_code(body, "castPaperBallot") == "POLL_CLOSED"
    assert error_code(await gql.execute(CLOSE, {"id": pid}, as_user="township"), "closePoll") == "POLL_CLOSED"
    assert await _state(session_factory) == before


async def test_issuing_errors(gql: GraphQLClient, world: World, session_factory: SessionFactory) -> None:
    setup = await setup_poll(gql, world, session_factory, members=6, paper_people=6, start=False)
    pid = setup.id
    public_key = blind_rsa.public_key_from_der(__import__("base64").b64decode(setup.poll["publicKeySpki"]))
    blinded, _ = blind_rsa.blind(public_key, blind_rsa.prepare(make_message(pid)))
    # Draft: no credentials, no slips yet; the member's poll is not visible yet.
    body = await gql.execute(CREDENTIAL, {"id": pid, "b": b64u(blinded)}, as_user=setup.members[0])
    assert error_code(body, "requestPollCredential") == "POLL_NOT_OPEN"
    body = await gql.execute(SLIPS, {"id": pid, "v": setup.paper_voter_ids}, as_user="township")
    assert error_code(body, "issuePaperSlips") == "POLL_NOT_OPEN"
    ok(await gql.execute(START, {"id": pid}, as_user="township"), "startPollIssuing")

    # The roster is locked once issuing starts.
    before = await _state(session_factory)
    body = await gql.execute(
        IMPORT, {"id": pid, "v": [{"name": "迟到者", "category": "COMMITTEE"}], "r": False}, as_user="township"
    )
    assert error_code(body, "importPollRoster") == "ROSTER_LOCKED"
    voter_id = setup.paper_voter_ids[0]
    body = await gql.execute(
        UPDATE_VOTER, {"id": voter_id, "v": {"name": "改名", "category": "COMMITTEE"}}, as_user="township"
    )
    assert error_code(body, "updatePollVoter") == "ROSTER_LOCKED"
    assert (
        error_code(await gql.execute(REMOVE_VOTER, {"id": voter_id}, as_user="township"), "removePollVoter")
        == "ROSTER_LOCKED"
    )
    assert error_code(await gql.execute(START, {"id": pid}, as_user="township"), "startPollIssuing") == "ROSTER_LOCKED"
    # Voting cannot be closed before it opens.
    assert error_code(await gql.execute(CLOSE, {"id": pid}, as_user="township"), "closePoll") == "POLL_NOT_OPEN"
    # Not on the roster (a V11 member account without a roster row), and bad blinded input.
    body = await gql.execute(CREDENTIAL, {"id": pid, "b": b64u(blinded)}, as_user="member")
    assert error_code(body, "requestPollCredential") == "NOT_ELIGIBLE"
    body = await gql.execute(CREDENTIAL, {"id": pid, "b": b64u(b"\xff" * 384)}, as_user=setup.members[0])
    assert error_code(body, "requestPollCredential") == "INVALID_INPUT"
    body = await gql.execute(CREDENTIAL, {"id": pid, "b": b64u(blinded)}, as_user="member_v12")
    assert error_code(body, "requestPollCredential") == "NOT_FOUND"  # another village's poll
    # Small paper batches would tie codes to too few people.
    body = await gql.execute(SLIPS, {"id": pid, "v": setup.paper_voter_ids[:2]}, as_user="township")
    assert error_code(body, "issuePaperSlips") == "INVALID_INPUT"
    assert await _state(session_factory) == before

    # One credential or one slip per person, never both, never twice.
    await obtain_credential(gql, setup.poll, setup.members[0])
    body = await gql.execute(CREDENTIAL, {"id": pid, "b": b64u(blinded)}, as_user=setup.members[0])
    assert error_code(body, "requestPollCredential") == "ALREADY_ISSUED"
    account_row = setup.voter_ids[world.users[setup.members[0]].name]
    before = await _state(session_factory)
    body = await gql.execute(SLIPS, {"id": pid, "v": [account_row, *setup.paper_voter_ids[:5]]}, as_user="township")
    assert error_code(body, "issuePaperSlips") == "ALREADY_ISSUED"
    assert await _state(session_factory) == before
    ok(await gql.execute(SLIPS, {"id": pid, "v": setup.paper_voter_ids[:5]}, as_user="township"), "issuePaperSlips")
    body = await gql.execute(SLIPS, {"id": pid, "v": setup.paper_voter_ids[:5]}, as_user="township")
    assert error_code(body, "issuePaperSlips") == "ALREADY_ISSUED"
    # The last one alone is fine: it is everyone left without a credential or slip... once the
    # members have theirs.
    for member in setup.members[1:]:
        await obtain_credential(gql, setup.poll, member)
    ok(await gql.execute(SLIPS, {"id": pid, "v": setup.paper_voter_ids[5:]}, as_user="township"), "issuePaperSlips")
    # A member who was given a paper slip cannot also get a credential: covered by the flag check.
    ok(await gql.execute(OPEN, {"id": pid}, as_user="township"), "openPollVoting")
    body = await gql.execute(CREDENTIAL, {"id": pid, "b": b64u(blinded)}, as_user=setup.members[0])
    assert error_code(body, "requestPollCredential") == "POLL_CLOSED"


async def test_paper_then_credential_is_refused(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=5, paper_people=0)
    member_rows = [setup.voter_ids[world.users[m].name] for m in setup.members]
    ok(await gql.execute(SLIPS, {"id": setup.id, "v": member_rows}, as_user="township"), "issuePaperSlips")
    with pytest.raises(AssertionError):
        await obtain_credential(gql, setup.poll, setup.members[0])
    public_key = blind_rsa.public_key_from_der(__import__("base64").b64decode(setup.poll["publicKeySpki"]))
    blinded, _ = blind_rsa.blind(public_key, blind_rsa.prepare(make_message(setup.id)))
    body = await gql.execute(CREDENTIAL, {"id": setup.id, "b": b64u(blinded)}, as_user=setup.members[0])
    assert error_code(body, "requestPollCredential") == "ALREADY_ISSUED"


async def test_closing_refuses_more_ballots_than_were_issued(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    """Ballots minted outside the protocol (a stolen key, a copied code list) cannot exceed what
    was issued without the close refusing — and the poll stays open for the county to look into."""
    import os

    from backend.polls.models import BallotChoice

    setup = await setup_poll(gql, world, session_factory, members=5, paper_people=0)
    credential = await obtain_credential(gql, setup.poll, setup.members[0])
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    ok(await cast(gql, setup.id, credential, "SATISFIED"), "castBallot")
    async with session_factory.begin() as session:  # one credential issued, a second ballot appears
        session.add(StagedBallot(poll_id=int(setup.id), receipt=os.urandom(32).hex(), choice=BallotChoice.BASIC))
    body = await gql.execute(CLOSE, {"id": setup.id}, as_user="township")
    assert error_code(body, "closePoll") == "INVALID_STATE"
    assert await _state(session_factory) == (2, 1, 0, 0)
