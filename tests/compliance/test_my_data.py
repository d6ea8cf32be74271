"""我的个人信息: each signed-in user sees what the system holds about them, and only about them."""

from __future__ import annotations

from backend.core.db import SessionFactory
from backend.polls.models import Poll, PollStatus, PollVoter, VoterCategory
from tests.conftest import GraphQLClient
from tests.world import PROBLEM_REPORTERS, World

MY_DATA = """{ myPersonalData { name phone role unitName problems { id title status } complaints { trackingNumber
  text state } rosters { pollTitle name category credentialIssued } secretaryRecords { name phone filings
  filingsWithPosition checkIns } notHeld } }"""


async def test_a_member_sees_their_account_reports_and_complaints_only(gql: GraphQLClient, world: World) -> None:
    body = await gql.execute(MY_DATA, as_user="member")
    data = body["data"]["myPersonalData"]
    member = world.users["member"]
    assert data["name"] == member.name and data["phone"] == member.phone and data["role"] == "MEMBER"
    assert data["unitName"] == world.units["V11"].name
    reported = {village for village, key in PROBLEM_REPORTERS.items() if key == "member"}
    assert {p["title"] for p in data["problems"]} == {f"{v}路灯不亮" for v in reported}
    assert [c["text"] for c in data["complaints"]] == ["member：同一数据要求重复填报"]
    assert data["secretaryRecords"] == []
    assert any("选票" in line for line in data["notHeld"])


async def test_a_secretary_sees_their_record_and_counts(gql: GraphQLClient, world: World) -> None:
    body = await gql.execute(MY_DATA, as_user="village")
    data = body["data"]["myPersonalData"]
    [record] = data["secretaryRecords"]
    assert record["name"] == world.secretaries["V11"].name and record["phone"] == world.secretaries["V11"].phone
    assert record["filings"] >= 1 and 0 <= record["filingsWithPosition"] <= record["filings"]
    assert data["complaints"] == [
        {
            "trackingNumber": data["complaints"][0]["trackingNumber"],
            "text": "village：同一数据要求重复填报",
            "state": "RECEIVED".lower(),
        }
    ]


async def test_poll_rosters_are_listed_but_never_ballots(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    village = world.units["V11"]
    async with session_factory() as session, session.begin():
        poll = Poll(
            county_id=village.county_id,
            township_id=village.township_id,
            village_id=village.id,
            secretary_id=world.secretaries["V11"].id,
            period="2026",
            title="2026年度满意度测评",
            status=PollStatus.ISSUING,
            key_fingerprint="0" * 64,
            public_key_der=b"key",
        )
        session.add(poll)
        await session.flush()
        session.add(
            PollVoter(
                poll_id=poll.id,
                name="党员甲",
                category=VoterCategory.PARTY_MEMBER,
                phone=world.users["member"].phone,
                user_id=world.users["member"].id,
                credential_issued=True,
            )
        )
    body = await gql.execute(MY_DATA, as_user="member")
    assert body["data"]["myPersonalData"]["rosters"] == [
        {"pollTitle": "2026年度满意度测评", "name": "党员甲", "category": "party_member", "credentialIssued": True}
    ]
    other = await gql.execute(MY_DATA, as_user="member_v12")
    assert other["data"]["myPersonalData"]["rosters"] == []
