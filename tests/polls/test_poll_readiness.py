"""Each step's preconditions live in one place (backend/polls/readiness.py): what `Poll.readiness`
says before a step is exactly what the mutation does — it refuses with the same message, and it
succeeds when readiness says the step is allowed. Rosters of 1, 4, 5, 6 and 30 people are driven
from draft to closed without a dead end."""

from __future__ import annotations

from typing import Any

import pytest

from backend.core.db import SessionFactory
from backend.polls import readiness
from backend.polls.models import PollStatus
from backend.polls.readiness import Counts, Step
from tests.conftest import GraphQLClient
from tests.polls.helpers import (
    CAST_PAPER,
    CATEGORIES,
    CLOSE,
    IMPORT,
    OPEN,
    SLIPS,
    START,
    add_members,
    create_poll,
    obtain_credential,
    ok,
)
from tests.world import World

CHECK = "step allowed needsConfirmation missing warnings consequences"
READINESS = (
    "query($id: ID!, $n: Int! = 0) { poll(id: $id) { status readiness(paperBatch: $n) { rosterSize withAccount "
    "credentialsIssued paperSlipsIssued notIssued notIssuedWithAccount ballotsCast neededForValid "
    f"nextStep {{ {CHECK} }} paperSlips {{ {CHECK} }} }} }} }}"
)
PUBLIC_READINESS = "query($id: ID!) { publicPoll(id: $id) { readiness { rosterSize } } }"


async def _readiness(gql: GraphQLClient, poll_id: str, batch: int = 0, as_user: str = "township") -> dict[str, Any]:
    body = await gql.execute(READINESS, {"id": poll_id, "n": batch}, as_user=as_user)
    assert not body.get("errors"), body
    return body["data"]["poll"]["readiness"]


def _refusal(body: dict[str, Any], field: str) -> dict[str, Any]:
    assert not body.get("errors"), body
    errors = body["data"][field]["errors"]
    assert len(errors) == 1, body
    return errors[0]


async def _status(gql: GraphQLClient, poll_id: str) -> str:
    body = await gql.execute("query($id: ID!) { poll(id: $id) { status } }", {"id": poll_id}, as_user="township")
    return body["data"]["poll"]["status"]


async def _poll_of(gql: GraphQLClient, world: World, people: int, period: str) -> tuple[str, list[str]]:
    poll = await create_poll(gql, world, period=period)
    voters = [{"name": f"村民{i}", "category": CATEGORIES[i % 5]} for i in range(people)]
    rows = ok(
        await gql.execute(IMPORT, {"id": poll["id"], "v": voters, "r": False}, as_user="township"), "importPollRoster"
    )
    return poll["id"], [row["id"] for row in rows["voters"]]


@pytest.mark.parametrize("people", [1, 4, 5, 6, 30])
async def test_readiness_leads_a_roster_from_draft_to_closed_and_the_server_agrees(
    gql: GraphQLClient, world: World, issued_codes: list[str], people: int
) -> None:
    needed = {1: 1, 4: 3, 5: 4, 6: 4, 30: 20}[people]
    pid, ids = await _poll_of(gql, world, people, period=f"R{people}")

    # Draft: starting is allowed; under 5 people only knowingly (the breakdown would never be published).
    r = await _readiness(gql, pid)
    assert (r["rosterSize"], r["neededForValid"], r["paperSlips"]) == (people, needed, None)
    start = r["nextStep"]
    assert (start["step"], start["allowed"], start["needsConfirmation"]) == ("START_ISSUING", True, people < 5)
    assert any("名单将锁定" in line for line in start["consequences"])
    assert any(f"不少于应参加 {people} 人的三分之二（{needed} 人）" in line for line in start["consequences"])
    if people < 5:
        assert "不到 5 人" in start["warnings"][0]
        refused = _refusal(
            await gql.execute(START, {"id": pid, "accept": False}, as_user="township"), "startPollIssuing"
        )
        assert (refused["code"], refused["field"], refused["message"]) == (
            "INVALID_STATE",
            "acceptWarnings",
            " ".join(start["warnings"]),
        )
        assert await _status(gql, pid) == "DRAFT"
    ok(await gql.execute(START, {"id": pid, "accept": people < 5}, as_user="township"), "startPollIssuing")

    # Issuing, nothing handed out: voting cannot open (nobody could vote), the server says the same.
    r = await _readiness(gql, pid)
    opening = r["nextStep"]
    assert (opening["step"], opening["allowed"]) == ("OPEN_VOTING", False)
    refused = _refusal(await gql.execute(OPEN, {"id": pid}, as_user="township"), "openPollVoting")
    assert refused["message"] == opening["missing"][0] and refused["code"] == "INVALID_STATE"
    assert await _status(gql, pid) == "ISSUING"

    # Paper batches: 5 or more, or everyone left. A refused size is refused with readiness's words.
    for size in sorted({1, 3, 4, 5, people}):
        if size > people:
            continue
        slips = (await _readiness(gql, pid, size))["paperSlips"]
        assert slips["step"] == "ISSUE_PAPER_SLIPS"
        assert slips["allowed"] == (size >= 5 or size == people), (size, slips)
        if not slips["allowed"]:
            body = await gql.execute(SLIPS, {"id": pid, "v": ids[:size]}, as_user="township")
            refused = _refusal(body, "issuePaperSlips")
            assert (refused["code"], refused["message"]) == ("INVALID_INPUT", slips["missing"][0])
    first = 5 if people > 5 else people
    ok(await gql.execute(SLIPS, {"id": pid, "v": ids[:first]}, as_user="township"), "issuePaperSlips")

    if people > 5:  # the rest is "everyone left": allowed whatever its size (6 = 5 + 1)
        r = await _readiness(gql, pid, people - 5)
        assert r["notIssued"] == people - 5 and r["paperSlips"]["allowed"]
        opening = r["nextStep"]
        if 5 < needed:  # 5 of 30 can vote: opening now makes an invalid poll — only knowingly
            assert opening["allowed"] and opening["needsConfirmation"]
            assert "必然无效" in opening["warnings"][0]
            refused = _refusal(
                await gql.execute(OPEN, {"id": pid, "accept": False}, as_user="township"), "openPollVoting"
            )
            assert (refused["field"], refused["message"]) == ("acceptWarnings", " ".join(opening["warnings"]))
        ok(await gql.execute(SLIPS, {"id": pid, "v": ids[5:]}, as_user="township"), "issuePaperSlips")

    # Everyone holds a slip: voting opens without any confirmation.
    r = await _readiness(gql, pid, 1)
    assert (r["paperSlipsIssued"], r["notIssued"]) == (people, 0)
    assert r["paperSlips"]["allowed"] is False  # nobody left to give a slip to
    opening = r["nextStep"]
    assert (opening["allowed"], opening["needsConfirmation"]) == (True, False)
    ok(await gql.execute(OPEN, {"id": pid, "accept": False}, as_user="township"), "openPollVoting")

    # Voting, nobody voted yet: closing now is an invalid poll — only knowingly.
    closing = (await _readiness(gql, pid))["nextStep"]
    assert (closing["step"], closing["allowed"], closing["needsConfirmation"]) == ("CLOSE_POLL", True, True)
    refused = _refusal(await gql.execute(CLOSE, {"id": pid, "accept": False}, as_user="township"), "closePoll")
    assert (refused["field"], refused["message"]) == ("acceptWarnings", " ".join(closing["warnings"]))
    for code in issued_codes[:needed]:
        ok(await gql.execute(CAST_PAPER, {"id": pid, "code": code, "c": "SATISFIED"}), "castPaperBallot")
    r = await _readiness(gql, pid)
    assert r["ballotsCast"] == needed
    closing = r["nextStep"]
    assert (closing["allowed"], closing["needsConfirmation"]) == (True, False)
    assert any("测评有效" in line for line in closing["consequences"])
    closed = ok(await gql.execute(CLOSE, {"id": pid, "accept": False}, as_user="township"), "closePoll")["poll"]
    assert (closed["status"], closed["result"]["valid"]) == ("CLOSED", True)
    assert (await _readiness(gql, pid))["nextStep"] is None


async def test_a_roster_of_six_with_three_accounts_is_never_stuck(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    """The issue's dead end: 3 people with an account, 3 without. Three slips alone are refused —
    and readiness says so first, with the two ways out; both work."""
    members = await add_members(session_factory, world, "V11", 3)
    poll = await create_poll(gql, world, period="six")
    voters = [{"name": world.users[k].name, "category": "PARTY_MEMBER", "phone": world.users[k].phone} for k in members]
    voters += [{"name": f"无账号{i}", "category": "REPRESENTATIVE"} for i in range(3)]
    rows = ok(
        await gql.execute(IMPORT, {"id": poll["id"], "v": voters, "r": False}, as_user="township"), "importPollRoster"
    )
    paper = [row["id"] for row in rows["voters"]][3:]
    ok(await gql.execute(START, {"id": poll["id"], "accept": False}, as_user="township"), "startPollIssuing")

    slips = (await _readiness(gql, poll["id"], 3))["paperSlips"]
    assert not slips["allowed"]
    message = slips["missing"][0]
    assert "不到 5 张" in message and "请再选 2 人凑满 5 张" in message
    assert "等有账号的 3 人用手机领取电子凭证后" in message
    refused = _refusal(await gql.execute(SLIPS, {"id": poll["id"], "v": paper}, as_user="township"), "issuePaperSlips")
    assert refused["message"] == message

    # Way out 1: the members take their credentials — then the three are everyone left.
    await obtain_credential(gql, poll, members[0])
    await obtain_credential(gql, poll, members[1])
    assert not (await _readiness(gql, poll["id"], 3))["paperSlips"]["allowed"]  # one member still to come
    await obtain_credential(gql, poll, members[2])
    r = await _readiness(gql, poll["id"], 3)
    assert r["paperSlips"]["allowed"] and r["notIssued"] == 3
    assert any("剩下的全部人员" in line for line in r["paperSlips"]["consequences"])
    ok(await gql.execute(SLIPS, {"id": poll["id"], "v": paper}, as_user="township"), "issuePaperSlips")
    opening = (await _readiness(gql, poll["id"]))["nextStep"]
    assert (opening["allowed"], opening["needsConfirmation"]) == (True, False)
    ok(await gql.execute(OPEN, {"id": poll["id"], "accept": False}, as_user="township"), "openPollVoting")
    # (way out 2, five slips then the last one, is the 6-people case above)


async def test_readiness_is_for_the_township_and_county_only(gql: GraphQLClient, world: World) -> None:
    pid, _ = await _poll_of(gql, world, 6, period="who")
    ok(await gql.execute(START, {"id": pid, "accept": False}, as_user="township"), "startPollIssuing")
    assert (await _readiness(gql, pid, as_user="county"))["rosterSize"] == 6
    assert await _readiness(gql, pid, as_user="member") is None  # a member of the village sees the poll, not its counts
    body = await gql.execute(PUBLIC_READINESS, {"id": pid})
    assert not body.get("errors") and body["data"]["publicPoll"]["readiness"] is None
    body = await gql.execute(PUBLIC_READINESS, {"id": pid}, as_user="township_t2")
    assert body["data"]["publicPoll"]["readiness"] is None  # another township's poll


def _counts(status: PollStatus, **kw: int) -> Counts:
    base = dict(roster=6, with_account=0, credentials=0, paper=0, unissued=6, unissued_with_account=0, ballots=0)
    return Counts(status=status, **(base | kw))


def test_the_rules_in_one_table() -> None:
    """The rules as pure functions (what both the screen and the mutations read)."""
    issuing = PollStatus.ISSUING
    assert [readiness.needed_for_valid(n) for n in (1, 2, 3, 4, 5, 6, 30, 45)] == [1, 2, 2, 3, 4, 4, 20, 30]
    # paper batch: ≥ 5, or everyone left; 0 or more than are left is refused
    c = _counts(issuing)
    assert [readiness.check_paper_batch(c, n).allowed for n in range(8)] == [False] * 5 + [True, True, False]
    c = _counts(issuing, paper=5, unissued=1)
    assert readiness.check_paper_batch(c, 1).allowed
    assert not readiness.check_paper_batch(_counts(issuing, paper=6, unissued=0), 1).allowed
    # open voting: someone must be able to vote; under 2/3 only with confirmation
    assert not readiness.check_open_voting(_counts(issuing)).allowed
    low = readiness.check_open_voting(_counts(issuing, credentials=1, paper=2, unissued=3))
    assert low.allowed and low.warnings
    enough = readiness.check_open_voting(_counts(issuing, credentials=1, paper=3, unissued=2))
    assert enough.allowed and not enough.warnings
    assert any("还有 2 人" in line for line in enough.consequences)
    # close: more ballots than issued is a stop; under 2/3 only with confirmation
    voting = PollStatus.VOTING
    assert not readiness.check_close(_counts(voting, paper=4, unissued=2, ballots=5)).allowed
    assert readiness.check_close(_counts(voting, paper=6, unissued=0, ballots=3)).warnings
    assert not readiness.check_close(_counts(voting, paper=6, unissued=0, ballots=4)).warnings
    assert readiness.readiness(_counts(PollStatus.CLOSED)).next_step is None
    # every refusal is the check's own first words
    with pytest.raises(Exception) as refused:
        readiness.require(readiness.check_paper_batch(_counts(issuing), 3))
    assert str(refused.value) == readiness.check_paper_batch(_counts(issuing), 3).blockers[0].message
    # the next step follows the phase; the paper batch is checked only while issuing
    steps = {s: readiness.readiness(_counts(s), 5) for s in PollStatus}
    assert {s: r.next_step.step if r.next_step else None for s, r in steps.items()} == {
        PollStatus.DRAFT: Step.START_ISSUING,
        PollStatus.ISSUING: Step.OPEN_VOTING,
        PollStatus.VOTING: Step.CLOSE_POLL,
        PollStatus.CLOSED: None,
    }
    assert [s for s, r in steps.items() if r.paper_slips is not None] == [PollStatus.ISSUING]
