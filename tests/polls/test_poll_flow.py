"""A whole poll through the API: roster, credentials and paper slips, voting, closing, results,
the public board and its verification (GraphQL query and CLI), the county's recount list."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx

from backend.cli import main as cli_main
from backend.core.db import SessionFactory
from tests.conftest import GraphQLClient
from tests.polls.helpers import (
    BOARD,
    CAST_PAPER,
    CLOSE,
    OPEN,
    PROGRESS,
    SLIPS,
    VERIFY,
    cast,
    error_code,
    obtain_credential,
    ok,
    setup_poll,
)
from tests.world import World

RESULT = (
    "query($id: ID!) { publicPoll(id: $id) { status secretaryName villageName boardHeadHash result { ballots eligible "
    "valid suppressed counts { verySatisfied satisfied basic dissatisfied } satisfaction { numerator denominator "
    "percent } tier thresholds { incompetentBelowPct basicBelowPct } } } }"
)


async def test_a_poll_from_roster_to_verified_result(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    client: httpx.AsyncClient,
    issued_codes: list[str],
    tmp_path: Path,
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=6, paper_people=6)
    pid = setup.id
    # Roster: matched accounts by phone; the phone itself never leaves the server.
    progress = ok(await gql.execute(PROGRESS, {"id": pid}, as_user="township"), "pollProgress")
    assert progress == {
        "status": "ISSUING",
        "rosterSize": 12,
        "rosterWithAccount": 6,
        "credentialsIssued": 0,
        "paperSlipsIssued": 0,
        "ballotsCast": 0,
    }

    credentials = [await obtain_credential(gql, setup.poll, m) for m in setup.members]
    slips = ok(await gql.execute(SLIPS, {"id": pid, "v": setup.paper_voter_ids}, as_user="township"), "issuePaperSlips")
    assert slips["count"] == 6 and slips["batch"] == 1
    pdf = base64.b64decode(slips["pdfBase64"])
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1
    assert len(issued_codes) == 6
    progress = ok(await gql.execute(PROGRESS, {"id": pid}, as_user="county"), "pollProgress")
    assert (progress["credentialsIssued"], progress["paperSlipsIssued"]) == (6, 6)

    ok(await gql.execute(OPEN, {"id": pid}, as_user="township"), "openPollVoting")
    choices = ["VERY_SATISFIED", "VERY_SATISFIED", "SATISFIED", "SATISFIED", "BASIC", "DISSATISFIED"]
    receipts = []
    for credential, choice in zip(credentials, choices, strict=True):
        cast_result = ok(await cast(gql, pid, credential, choice), "castBallot")
        assert cast_result["receipt"] == credential.receipt  # the phone can compute its own receipt
        receipts.append(cast_result["receipt"])
    # Paper: 4 of 6 slips are used, one typed sloppily (lower case, spaces, O for 0).
    paper_choices = ["VERY_SATISFIED", "SATISFIED", "SATISFIED", "DISSATISFIED"]
    for i, (code, choice) in enumerate(zip(issued_codes[:4], paper_choices, strict=True)):
        typed = code.lower() if i == 0 else " ".join(code[j : j + 4] for j in range(0, len(code), 4))
        paid = ok(await gql.execute(CAST_PAPER, {"id": pid, "code": typed, "c": choice}), "castPaperBallot")
        receipts.append(paid["receipt"])
    # The lean HTTP route shares the service: the 5th slip.
    response = await client.post(f"/polls/{pid}/ballots", json={"code": issued_codes[4], "choice": "basic"})
    assert response.status_code == 200, response.text
    receipts.append(response.json()["receipt"])

    progress = ok(await gql.execute(PROGRESS, {"id": pid}, as_user="township"), "pollProgress")
    assert progress["ballotsCast"] == 11

    closed = ok(await gql.execute(CLOSE, {"id": pid}, as_user="township"), "closePoll")["poll"]
    assert closed["status"] == "CLOSED"
    # 11 ballots of 12 eligible: valid (33 ≥ 24). Very satisfied 3, satisfied 4, basic 2, dissatisfied 2.
    # Satisfaction 7/11 = 63.64 % → below 70 → 基本称职.
    assert closed["result"] == {
        "ballots": 11,
        "eligible": 12,
        "valid": True,
        "suppressed": False,
        "counts": {"verySatisfied": 3, "satisfied": 4, "basic": 2, "dissatisfied": 2},
        "satisfaction": {"numerator": 7, "denominator": 11, "percent": "63.64"},
        "tier": "BASIC_COMPETENT",
    }

    public = ok(await gql.execute(RESULT, {"id": pid}), "publicPoll")  # no login
    assert public["result"]["satisfaction"]["percent"] == "63.64"
    assert public["result"]["thresholds"] == {"incompetentBelowPct": 60, "basicBelowPct": 70}
    assert public["secretaryName"] == "V11书记"

    board = ok(await gql.execute(BOARD, {"id": pid, "r": receipts[0].upper()}), "pollBoard")
    assert board["containsReceipt"] is True
    assert [e["type"] for e in board["entries"]] == [
        "opened",
        "paper_codes",
        "issuing_closed",
        "voting_closed",
        "receipts",
        "tally",
    ]
    assert board["headHash"] == public["boardHeadHash"] == board["entries"][-1]["hash"]
    document = json.loads(board["document"])
    published = document["entries"][4]["payload"]["receipts"]
    assert published == sorted(receipts)
    # Receipts and totals only, never receipt → choice.
    assert set(document["entries"][4]["payload"]) == {"count", "receipts"}
    assert not any(r in json.dumps(document["entries"][5]) for r in receipts)

    verified = ok(await gql.execute(VERIFY, {"b": board["document"]}), "verifyPollBoard")
    assert verified["ok"] is True, verified["checks"]
    assert verified["stage"] == "closed"
    assert verified["result"]["satisfaction"] == {"numerator": 7, "denominator": 11, "percent": "63.64"}
    by_id = ok(await gql.execute(VERIFY, {"id": pid}), "verifyPollBoard")
    assert by_id["ok"] is True and by_id["headHash"] == board["headHash"]

    # The downloadable board and the CLI verifier.
    download = await client.get(f"/polls/{pid}/board.json")
    assert download.status_code == 200
    path = tmp_path / "board.json"
    path.write_bytes(download.content)
    assert cli_main(["verify-poll", str(path)]) == 0
    tampered = json.loads(download.content)
    tampered["entries"][-1]["payload"]["counts"]["dissatisfied"] = 0
    path.write_text(json.dumps(tampered), encoding="utf-8")
    assert cli_main(["verify-poll", str(path)]) == 1

    # The supervising committee (county) gets receipt → choice; nobody else does.
    recount_doc = "query($id: ID!) { pollRecount(pollId: $id) { ballots { receipt choice } result { ballots } } }"
    recount = ok(await gql.execute(recount_doc, {"id": pid}, as_user="county"), "pollRecount")
    assert [b["receipt"] for b in recount["ballots"]] == sorted(receipts)
    assert sorted(b["choice"] for b in recount["ballots"]).count("SATISFIED") == 4
    for role in ("township", "village", "member"):
        assert error_code(await gql.execute(recount_doc, {"id": pid}, as_user=role), "pollRecount") == "FORBIDDEN"

    # The secretary being rated sees the result now, like the members of the village.
    mine = "query($id: ID!) { poll(id: $id) { status result { ballots } } }"
    assert ok(await gql.execute(mine, {"id": pid}, as_user="village"), "poll")["result"]["ballots"] == 11
    assert ok(await gql.execute(mine, {"id": pid}, as_user=setup.members[0]), "poll")["result"]["ballots"] == 11


async def test_members_see_their_own_status_and_the_secretary_nothing_before_close(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=5, paper_people=0)
    doc = "query($id: ID!) { poll(id: $id) { status result { ballots } myStatus { onRoster credentialIssued paperIssued } } }"
    await obtain_credential(gql, setup.poll, setup.members[0])
    mine = ok(await gql.execute(doc, {"id": setup.id}, as_user=setup.members[0]), "poll")
    assert mine == {
        "status": "ISSUING",
        "result": None,
        "myStatus": {"onRoster": True, "credentialIssued": True, "paperIssued": False},
    }
    other = ok(await gql.execute(doc, {"id": setup.id}, as_user="member"), "poll")  # V11 member, not on roster
    assert other["myStatus"] == {"onRoster": False, "credentialIssued": False, "paperIssued": False}
    assert error_code(await gql.execute(doc, {"id": setup.id}, as_user="village"), "poll") == "FORBIDDEN"
    assert error_code(await gql.execute(PROGRESS, {"id": setup.id}, as_user="village"), "pollProgress") == "FORBIDDEN"
    assert (
        error_code(await gql.execute(PROGRESS, {"id": setup.id}, as_user=setup.members[1]), "pollProgress")
        == "FORBIDDEN"
    )
    listed = "{ polls { totalCount edges { node { id status } } } }"
    assert ok(await gql.execute(listed, as_user="village"), "polls")["totalCount"] == 0
    assert ok(await gql.execute(listed, as_user="member"), "polls")["totalCount"] == 1
    assert ok(await gql.execute(listed, as_user="member_v12"), "polls")["totalCount"] == 0
