"""GraphQL documents and a small voting client for the poll tests (what the PWA will do)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from backend.core.db import SessionFactory
from backend.crypto import b64url, blind_rsa
from backend.org.models import OrgUnit, Role, User
from tests.conftest import GraphQLClient
from tests.world import World, password_hash

ERR = "errors { code field message }"
POLL_FIELDS = "id title period status keyFingerprint keyFingerprintShort publicKeySpki publicKeyJwk tokenPrefix"
CREATE = (
    "mutation($s: ID!, $p: String!) { createPoll(input: {secretaryId: $s, period: $p}) "
    f"{{ poll {{ {POLL_FIELDS} }} {ERR} }} }}"
)
IMPORT = (
    "mutation($id: ID!, $v: [PollVoterInput!]!, $r: Boolean!) { importPollRoster(pollId: $id, voters: $v, replace: $r)"
    f" {{ voters {{ id name category hasAccount hasPhone credentialIssued paperIssued }} {ERR} }} }}"
)
UPDATE_VOTER = (
    "mutation($id: ID!, $v: PollVoterInput!) { updatePollVoter(id: $id, input: $v) "
    f"{{ voter {{ id name hasAccount }} {ERR} }} }}"
)
REMOVE_VOTER = f"mutation($id: ID!) {{ removePollVoter(id: $id) {{ poll {{ id }} {ERR} }} }}"
# The phase changes confirm the step's warnings by default (`$accept`), as a township does after
# reading them: the tests of other things run small polls with low turnout. The rules themselves
# (and their refusals without confirmation) are tests/polls/test_poll_readiness.py's.
START = (
    "mutation($id: ID!, $accept: Boolean = true) { startPollIssuing(pollId: $id, acceptWarnings: $accept) "
    f"{{ poll {{ status }} {ERR} }} }}"
)
SLIPS = (
    "mutation($id: ID!, $v: [ID!]!) { issuePaperSlips(pollId: $id, voterIds: $v) "
    f"{{ batch count pdfBase64 filename {ERR} }} }}"
)
OPEN = (
    "mutation($id: ID!, $accept: Boolean = true) { openPollVoting(pollId: $id, acceptWarnings: $accept) "
    f"{{ poll {{ status }} {ERR} }} }}"
)
CLOSE = (
    "mutation($id: ID!, $accept: Boolean = true) { closePoll(pollId: $id, acceptWarnings: $accept) "
    "{ poll { status result { ballots eligible valid suppressed "
    "counts { verySatisfied satisfied basic dissatisfied } satisfaction { numerator denominator percent } tier } } "
    f"{ERR} }} }}"
)
CREDENTIAL = (
    "mutation($id: ID!, $b: String!) { requestPollCredential(pollId: $id, blindedMessage: $b) "
    f"{{ blindSignature {ERR} }} }}"
)
CAST = (
    "mutation($id: ID!, $t: String!, $s: String!, $c: BallotChoice!) { castBallot(pollId: $id, token: $t, "
    f"signature: $s, choice: $c) {{ receipt receiptShort {ERR} }} }}"
)
CAST_PAPER = (
    "mutation($id: ID!, $code: String!, $c: BallotChoice!) { castPaperBallot(pollId: $id, code: $code, choice: $c) "
    f"{{ receipt receiptShort {ERR} }} }}"
)
PROGRESS = (
    "query($id: ID!) { pollProgress(pollId: $id) { status rosterSize rosterWithAccount credentialsIssued "
    "paperSlipsIssued ballotsCast } }"
)
BOARD = (
    "query($id: ID!, $r: String!) { pollBoard(pollId: $id) { pollId headHash document containsReceipt(receipt: $r) "
    "entries { seq type payload prevHash hash } } }"
)
VERIFY = (
    "query($b: String, $id: ID) { verifyPollBoard(board: $b, pollId: $id) { ok stage headHash keyFingerprint "
    "checks { name ok detail } result { ballots valid satisfaction { numerator denominator percent } tier } } }"
)
CATEGORIES = ["COMMITTEE", "PARTY_MEMBER", "REPRESENTATIVE", "RETIRED_CADRE", "PARTY_APPLICANT"]


b64u = b64url.encode
unb64u = b64url.decode


def ok(body: dict[str, Any], field: str) -> dict[str, Any]:
    assert not body.get("errors"), body
    payload = body["data"][field]
    if isinstance(payload, dict) and "errors" in payload:
        assert payload["errors"] == [], payload
    return payload


def error_code(body: dict[str, Any], field: str) -> str | None:
    if body.get("errors"):
        return body["errors"][0]["extensions"]["code"]
    payload = body["data"][field]
    return payload["errors"][0]["code"] if payload.get("errors") else None


@dataclass
class Credential:
    token: bytes  # the prepared message (RFC 9474), what is spent
    signature: bytes
    request: str = ""  # hex SHA-256 of the blinded message, as the roster keeps it while issuing

    @property
    def receipt(self) -> str:
        return hashlib.sha256(self.token).hexdigest()


def make_message(poll_id: int | str) -> bytes:
    return f"zct-ballot-v1:{poll_id}:".encode() + secrets.token_bytes(32)


async def obtain_credential(gql: GraphQLClient, poll: dict[str, Any], user: str) -> Credential:
    """What the phone does: make a token, blind it, have it signed, unblind and check it."""
    public_key = blind_rsa.public_key_from_der(base64.b64decode(poll["publicKeySpki"]))
    assert blind_rsa.public_key_fingerprint(public_key) == poll["keyFingerprint"]
    prepared = blind_rsa.prepare(make_message(poll["id"]))
    blinded, inv = blind_rsa.blind(public_key, prepared)
    body = await gql.execute(CREDENTIAL, {"id": poll["id"], "b": b64u(blinded)}, as_user=user)
    blind_sig = unb64u(ok(body, "requestPollCredential")["blindSignature"])
    signature = blind_rsa.finalize(public_key, prepared, blind_sig, inv)
    return Credential(token=prepared, signature=signature, request=hashlib.sha256(blinded).hexdigest())


async def cast(gql: GraphQLClient, poll_id: str, credential: Credential, choice: str) -> dict[str, Any]:
    variables = {"id": poll_id, "t": b64u(credential.token), "s": b64u(credential.signature), "c": choice}
    return await gql.execute(CAST, variables)


async def add_members(session_factory: SessionFactory, world: World, village: str, count: int) -> list[str]:
    """Extra member accounts in a village (keys m{village}_{i}), usable with as_user=..."""
    keys: list[str] = []
    async with session_factory.begin() as session:
        unit = (await session.scalars(select(OrgUnit).where(OrgUnit.code == village))).one()
        for i in range(count):
            key = f"m{village}_{i}"
            user = User(
                phone=f"1370{world.units[village].id:03d}{i:04d}"[:11],
                name=f"{village}村民{i}",
                password_hash=password_hash(),
                role=Role.MEMBER,
                org_unit_id=unit.id,
            )
            session.add(user)
            await session.flush()
            world.users[key] = user
            keys.append(key)
    return keys


@dataclass
class PollSetup:
    poll: dict[str, Any]
    members: list[str]  # member keys on the roster, with accounts
    voter_ids: dict[str, str]  # roster name → voter id
    paper_voter_ids: list[str]  # roster entries without an account

    @property
    def id(self) -> str:
        return self.poll["id"]


async def create_poll(
    gql: GraphQLClient, world: World, village: str = "V11", period: str = "2026", as_user: str = "township"
) -> dict[str, Any]:
    body = await gql.execute(CREATE, {"s": str(world.secretaries[village].id), "p": period}, as_user=as_user)
    return ok(body, "createPoll")["poll"]


async def setup_poll(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    *,
    members: int = 6,
    paper_people: int = 6,
    village: str = "V11",
    township: str = "township",
    start: bool = True,
) -> PollSetup:
    """A poll with `members` account holders and `paper_people` without, issuing by default."""
    member_keys = await add_members(session_factory, world, village, members)
    poll = await create_poll(gql, world, village, as_user=township)
    voters = [
        {"name": world.users[k].name, "category": CATEGORIES[i % 5], "phone": world.users[k].phone}
        for i, k in enumerate(member_keys)
    ]
    voters += [{"name": f"纸票村民{i}", "category": CATEGORIES[i % 5]} for i in range(paper_people)]
    rows = ok(
        await gql.execute(IMPORT, {"id": poll["id"], "v": voters, "r": False}, as_user=township), "importPollRoster"
    )
    voter_ids = {row["name"]: row["id"] for row in rows["voters"]}
    if start:
        ok(await gql.execute(START, {"id": poll["id"]}, as_user=township), "startPollIssuing")
    return PollSetup(
        poll=poll,
        members=member_keys,
        voter_ids=voter_ids,
        paper_voter_ids=[voter_ids[f"纸票村民{i}"] for i in range(paper_people)],
    )
