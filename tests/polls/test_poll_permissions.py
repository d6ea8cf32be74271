"""The role × own/other-place matrix for operations addressed by poll (or roster row) id.

tests/test_permissions.py covers the poll operations addressed by a place (polls, createPoll);
these need a poll in a given state to exist, so each case seeds one in the role's own village
(V11) and one in the role's other place, then runs the operation on either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from backend.auth.actor import Actor
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.crypto import blind_rsa
from backend.org.models import Role
from backend.polls import lifecycle, paper, roster
from backend.polls.models import PollStatus, VoterCategory
from tests.conftest import GraphQLClient
from tests.polls.helpers import b64u, error_code, make_message
from tests.world import World

ROLES = ("county", "township", "village", "member")
OTHER_VILLAGE = {"county": "VB", "township": "V21", "village": "V12", "member": "V12"}
MEMBER_OF = {"V11": "member", "V12": "member_v12", "V21": "member_v21", "VB": "member_vb"}
TOWNSHIP_USER = {"T1": "township", "T2": "township_t2", "TB": "county_b"}  # TB has no township account
STAGES = [PollStatus.DRAFT, PollStatus.ISSUING, PollStatus.VOTING, PollStatus.CLOSED]


@dataclass
class Seeded:
    poll_id: int
    voter_ids: list[int]
    public_key: rsa.RSAPublicKey


async def seed_poll(
    session_factory: SessionFactory,
    settings: Settings,
    world: World,
    village: str,
    state: PollStatus,
    key: rsa.RSAPrivateKey,
    *,
    slips: bool = False,
) -> Seeded:
    unit = world.units[village]
    township = next(k for k, u in world.units.items() if u.id == unit.township_id)
    actor = Actor(
        user_id=world.users[TOWNSHIP_USER[township]].id,
        role=Role.TOWNSHIP,
        org_unit_id=unit.township_id,
        county_id=unit.county_id,
        township_id=unit.township_id,
    )
    member = world.users[MEMBER_OF[village]]
    async with session_factory.begin() as session:
        poll = await lifecycle.create_poll(
            session,
            actor,
            settings,
            secretary_id=world.secretaries[village].id,
            period="2026",
            title=None,
            signing_key=key,
        )
        people = [roster.VoterInput(name=member.name, category=VoterCategory.PARTY_MEMBER, phone=member.phone)]
        people += [roster.VoterInput(name=f"村民{i}", category=VoterCategory.REPRESENTATIVE) for i in range(6)]
        rows = await roster.import_roster(session, actor, poll.id, people, replace=False)
    reached = STAGES.index(state)
    if reached >= STAGES.index(PollStatus.ISSUING):
        async with session_factory.begin() as session:
            await lifecycle.start_issuing(session, actor, poll.id)
    if slips or reached >= STAGES.index(PollStatus.VOTING):
        async with session_factory.begin() as session:  # voting needs someone able to vote: the six villagers
            await paper.issue_paper_codes(session, actor, settings, poll.id, [r.id for r in rows[1:]])
    if reached >= STAGES.index(PollStatus.VOTING):
        async with session_factory.begin() as session:
            await lifecycle.open_voting(session, actor, poll.id)
    if reached >= STAGES.index(PollStatus.CLOSED):
        async with session_factory.begin() as session:  # nobody voted: an invalid poll, knowingly closed
            await lifecycle.close_poll(session, actor, poll.id, accept_warnings=True)
    return Seeded(poll.id, [r.id for r in rows], key.public_key())


def _blinded(seeded: Seeded) -> str:
    blinded, _ = blind_rsa.blind(seeded.public_key, blind_rsa.prepare(make_message(seeded.poll_id)))
    return b64u(blinded)


@dataclass(frozen=True)
class Op:
    field: str
    document: str
    state: PollStatus
    allowed: frozenset[str]
    variables: Callable[[Seeded], dict[str, object]]
    slips: bool = False  # the villagers hold paper slips (so that voting may open)


ERR = "errors { code }"
OPS = [
    Op(
        "poll",
        "query($id: ID!) { poll(id: $id) { id result { ballots } } }",
        PollStatus.CLOSED,
        frozenset(ROLES),
        lambda s: {"id": s.poll_id},
    ),
    Op(
        "pollProgress",
        "query($id: ID!) { pollProgress(pollId: $id) { ballotsCast } }",
        PollStatus.VOTING,
        frozenset({"county", "township"}),
        lambda s: {"id": s.poll_id},
    ),
    Op(
        "pollRoster",
        "query($id: ID!) { pollRoster(pollId: $id) { totalCount } }",
        PollStatus.ISSUING,
        frozenset({"county", "township"}),
        lambda s: {"id": s.poll_id},
    ),
    Op(
        "pollRecount",
        "query($id: ID!) { pollRecount(pollId: $id) { ballots { receipt } } }",
        PollStatus.CLOSED,
        frozenset({"county"}),
        lambda s: {"id": s.poll_id},
    ),
    Op(
        "importPollRoster",
        'mutation($id: ID!) { importPollRoster(pollId: $id, voters: [{name: "新人", category: COMMITTEE}]) '
        f"{{ voters {{ id }} {ERR} }} }}",
        PollStatus.DRAFT,
        frozenset({"township"}),
        lambda s: {"id": s.poll_id},
    ),
    Op(
        "updatePollVoter",
        'mutation($id: ID!) { updatePollVoter(id: $id, input: {name: "改名", category: COMMITTEE}) '
        f"{{ voter {{ id }} {ERR} }} }}",
        PollStatus.DRAFT,
        frozenset({"township"}),
        lambda s: {"id": s.voter_ids[1]},
    ),
    Op(
        "removePollVoter",
        f"mutation($id: ID!) {{ removePollVoter(id: $id) {{ poll {{ id }} {ERR} }} }}",
        PollStatus.DRAFT,
        frozenset({"township"}),
        lambda s: {"id": s.voter_ids[1]},
    ),
    Op(
        "startPollIssuing",
        f"mutation($id: ID!) {{ startPollIssuing(pollId: $id) {{ poll {{ id }} {ERR} }} }}",
        PollStatus.DRAFT,
        frozenset({"township"}),
        lambda s: {"id": s.poll_id},
    ),
    Op(
        "issuePaperSlips",
        f"mutation($id: ID!, $v: [ID!]!) {{ issuePaperSlips(pollId: $id, voterIds: $v) {{ count {ERR} }} }}",
        PollStatus.ISSUING,
        frozenset({"township"}),
        lambda s: {"id": s.poll_id, "v": s.voter_ids[1:]},
    ),
    Op(
        "openPollVoting",
        f"mutation($id: ID!) {{ openPollVoting(pollId: $id) {{ poll {{ id }} {ERR} }} }}",
        PollStatus.ISSUING,
        frozenset({"township"}),
        lambda s: {"id": s.poll_id},
        slips=True,
    ),
    Op(
        "closePoll",
        f"mutation($id: ID!) {{ closePoll(pollId: $id, acceptWarnings: true) {{ poll {{ id }} {ERR} }} }}",
        PollStatus.VOTING,
        frozenset({"township"}),
        lambda s: {"id": s.poll_id},
    ),
    Op(
        "requestPollCredential",
        f"mutation($id: ID!, $b: String!) {{ requestPollCredential(pollId: $id, blindedMessage: $b) "
        f"{{ blindSignature {ERR} }} }}",
        PollStatus.ISSUING,
        frozenset({"member"}),
        lambda s: {"id": s.poll_id, "b": _blinded(s)},
    ),
]
POLL_MATRIX_FIELDS = {op.field for op in OPS}


@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("op", OPS, ids=lambda op: op.field)
async def test_poll_permission_matrix(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    settings: Settings,
    key_pool: list[rsa.RSAPrivateKey],
    op: Op,
    role: str,
    own: bool,
) -> None:
    village = "V11" if own else OTHER_VILLAGE[role]
    seeded = await seed_poll(session_factory, settings, world, village, op.state, key_pool[0], slips=op.slips)
    outcome = error_code(await gql.execute(op.document, op.variables(seeded), as_user=role), op.field)
    if own and role in op.allowed:
        assert outcome is None, f"{role} should be allowed {op.field}: {outcome}"
    elif role in op.allowed:  # another place's poll: the same answer as a poll that does not exist
        assert outcome == "NOT_FOUND", f"{role} must find nothing of {village} in {op.field}: {outcome}"
    else:
        assert outcome in {"FORBIDDEN", "NOT_FOUND"}, f"{role} must be refused {op.field} ({village}): {outcome}"


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.field)
async def test_anonymous_is_refused(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    settings: Settings,
    key_pool: list[rsa.RSAPrivateKey],
    op: Op,
) -> None:
    seeded = await seed_poll(session_factory, settings, world, "V11", op.state, key_pool[0], slips=op.slips)
    assert error_code(await gql.execute(op.document, op.variables(seeded)), op.field) == "UNAUTHENTICATED"


PUBLIC = {
    "publicPoll": "query($id: ID!) { publicPoll(id: $id) { title status result { valid } } }",
    "pollBoard": "query($id: ID!) { pollBoard(pollId: $id) { headHash } }",
    "verifyPollBoard": "query($id: ID) { verifyPollBoard(pollId: $id) { ok } }",
}


@pytest.mark.parametrize("field", sorted(PUBLIC))
@pytest.mark.parametrize("as_user", [None, "member_vb", "village"])
async def test_public_reads_need_no_login_but_hide_drafts(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    settings: Settings,
    key_pool: list[rsa.RSAPrivateKey],
    field: str,
    as_user: str | None,
) -> None:
    draft = await seed_poll(session_factory, settings, world, "V11", PollStatus.DRAFT, key_pool[0])
    closed = await seed_poll(session_factory, settings, world, "V12", PollStatus.CLOSED, key_pool[1])
    body = await gql.execute(PUBLIC[field], {"id": closed.poll_id}, as_user=as_user)
    assert error_code(body, field) is None, body
    assert error_code(await gql.execute(PUBLIC[field], {"id": draft.poll_id}, as_user=as_user), field) == "NOT_FOUND"
