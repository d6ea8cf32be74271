"""Filing from the outbox: safe retries, conflicts, stale edits, review, audit trail, progress."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select, text

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.filings.models import Filing
from backend.media.models import Media
from backend.org.models import Household
from tests.conftest import GraphQLClient
from tests.world import FILING_IDS, World

SUBMIT = """mutation($input: FilingInput!) { submitFiling(input: $input) {
  filing { id status version kind title household { code } photos { sha256 thumbUrl } history { action actorName } }
  currentVersion errors { code field message } } }"""
EDIT = """mutation($input: FilingInput!, $base: Int!) { editFiling(input: $input, baseVersion: $base) {
  filing { id status version history { action comment } } currentVersion errors { code field } } }"""
REVIEW = """mutation($id: ID!, $d: ReviewDecision!, $c: String) { reviewFiling(id: $id, decision: $d, comment: $c) {
  filing { status reviewComment version } errors { code field } } }"""


def diary(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "kind": "WORK_DIARY",
        "occurredOn": "2026-11-20",
        "recordedAt": "2026-11-20T18:30:00+08:00",
        "title": "入户走访记录",
        "body": {"content": "今天走访了三组的农户，了解灌溉用水问题。"},
        "lat": 36.3,
        "lng": 120.0,
        "accuracyM": 12.5,
    }
    return {**base, **overrides}


async def _count_filings(session_factory: SessionFactory, filing_id: str) -> int:
    async with session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(Filing).where(Filing.id == filing_id)) or 0)


async def test_submit_then_retry_returns_the_same_record(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    entry = diary()
    first = (await gql.execute(SUBMIT, {"input": entry}, as_user="village"))["data"]["submitFiling"]
    assert first["errors"] == [] and first["filing"]["status"] == "SUBMITTED"
    again = (await gql.execute(SUBMIT, {"input": entry}, as_user="village"))["data"]["submitFiling"]
    assert again["errors"] == [] and again["filing"]["id"] == first["filing"]["id"]
    assert [h["action"] for h in again["filing"]["history"]] == ["submitted"]
    assert await _count_filings(session_factory, entry["id"]) == 1


async def test_same_id_with_other_content_is_a_conflict(gql: GraphQLClient, world: World) -> None:
    entry = diary()
    await gql.execute(SUBMIT, {"input": entry}, as_user="village")
    changed = {**entry, "title": "另一条"}
    result = (await gql.execute(SUBMIT, {"input": changed}, as_user="village"))["data"]["submitFiling"]
    assert result["errors"][0]["code"] == "CONFLICT" and result["filing"] is None


async def test_concurrent_duplicates_store_one_record(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    entry = diary()
    results = await asyncio.gather(*[gql.execute(SUBMIT, {"input": entry}, as_user="village") for _ in range(8)])
    assert all(r["data"]["submitFiling"]["errors"] == [] for r in results)
    assert await _count_filings(session_factory, entry["id"]) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id": "not-a-uuid"}, "id"),
        ({"body": {"content": ""}}, "content"),
        ({"kind": "HOUSEHOLD_VISIT", "body": {"notes": "x"}}, "householdId"),
        (
            {"kind": "PARTY_LECTURE", "body": {"topic": "党史", "place": "村部", "attendeeCount": "many"}},
            "attendeeCount",
        ),
        ({"recordedAt": "2099-01-01T00:00:00+08:00"}, "recordedAt"),
        ({"lat": 95.0}, "centerLat"),
    ],
)
async def test_bad_input_is_refused_with_the_field(
    gql: GraphQLClient, world: World, overrides: dict, field: str
) -> None:
    result = (await gql.execute(SUBMIT, {"input": diary(**overrides)}, as_user="village"))["data"]["submitFiling"]
    assert result["errors"][0]["code"] == "INVALID_INPUT"
    assert result["errors"][0]["field"] == field


async def test_household_must_be_on_the_own_roster(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    async with session_factory() as session:
        own = await session.scalar(select(Household.id).where(Household.village_id == world.units["V11"].id).limit(1))
        other = await session.scalar(select(Household.id).where(Household.village_id == world.units["V12"].id).limit(1))
    visit = {"kind": "HOUSEHOLD_VISIT", "body": {"notes": "了解就业情况"}}
    ok = await gql.execute(SUBMIT, {"input": diary(**visit, householdId=str(own))}, as_user="village")
    assert ok["data"]["submitFiling"]["filing"]["household"]["code"].startswith("V11-")
    bad = await gql.execute(SUBMIT, {"input": diary(**visit, householdId=str(other))}, as_user="village")
    assert bad["data"]["submitFiling"]["errors"][0]["field"] == "householdId"
    pairing = {"kind": "PAIRING", "body": {"reason": "因病致贫"}, "householdId": str(own)}
    not_hardship = await gql.execute(SUBMIT, {"input": diary(**pairing)}, as_user="village")
    assert "困难户" in not_hardship["data"]["submitFiling"]["errors"][0]["message"]


async def test_photos_must_be_uploaded_first(gql: GraphQLClient, world: World, session_factory: SessionFactory) -> None:
    sha = "ab" * 32
    missing = await gql.execute(SUBMIT, {"input": diary(photos=[sha])}, as_user="village")
    assert missing["data"]["submitFiling"]["errors"][0]["code"] == "MEDIA_MISSING"
    async with session_factory.begin() as session:
        session.add(
            Media(
                sha256=sha,
                stored_key="k",
                thumb_key="t",
                mime="image/jpeg",
                size_bytes=1,
                width=1,
                height=1,
                uploaded_by=world.users["village"].id,
                county_id=world.units["A"].id,
            )
        )
    stored = await gql.execute(SUBMIT, {"input": diary(photos=[sha])}, as_user="village")
    assert stored["data"]["submitFiling"]["filing"]["photos"] == [{"sha256": sha, "thumbUrl": f"/media/{sha}/thumb"}]


async def test_return_edit_resubmit_approve(gql: GraphQLClient, world: World) -> None:
    entry = diary()
    created = (await gql.execute(SUBMIT, {"input": entry}, as_user="village"))["data"]["submitFiling"]["filing"]
    no_comment = await gql.execute(REVIEW, {"id": entry["id"], "d": "RETURN"}, as_user="township")
    assert no_comment["data"]["reviewFiling"]["errors"] == [{"code": "INVALID_INPUT", "field": "comment"}]
    returned = await gql.execute(REVIEW, {"id": entry["id"], "d": "RETURN", "c": "照片不清晰"}, as_user="township")
    assert returned["data"]["reviewFiling"]["filing"]["status"] == "RETURNED"
    inbox = await gql.execute("{ myInbox { edges { node { id reviewComment version } } } }", as_user="village")
    item = next(e["node"] for e in inbox["data"]["myInbox"]["edges"] if e["node"]["id"] == entry["id"])
    assert item["reviewComment"] == "照片不清晰"

    fixed = diary(id=entry["id"], body={"content": "补充：三组灌溉渠已联系水利站。"})
    stale = (await gql.execute(EDIT, {"input": fixed, "base": created["version"]}, as_user="village"))["data"][
        "editFiling"
    ]
    assert stale["errors"] == [{"code": "STALE_VERSION", "field": "baseVersion"}]
    assert stale["currentVersion"] == item["version"]
    resubmitted = (await gql.execute(EDIT, {"input": fixed, "base": item["version"]}, as_user="village"))["data"][
        "editFiling"
    ]
    assert resubmitted["errors"] == [] and resubmitted["filing"]["status"] == "SUBMITTED"
    retry = (await gql.execute(EDIT, {"input": fixed, "base": item["version"]}, as_user="village"))["data"][
        "editFiling"
    ]
    assert retry["errors"] == [] and retry["filing"]["version"] == resubmitted["filing"]["version"]

    approved = await gql.execute(REVIEW, {"id": entry["id"], "d": "APPROVE"}, as_user="township")
    assert approved["data"]["reviewFiling"]["filing"]["status"] == "APPROVED"
    twice = await gql.execute(REVIEW, {"id": entry["id"], "d": "APPROVE"}, as_user="township")
    assert twice["data"]["reviewFiling"]["errors"][0]["code"] == "INVALID_STATE"
    history = await gql.execute(
        "query($id: ID!) { filing(id: $id) { history { action comment actorName } } }",
        {"id": entry["id"]},
        as_user="county",
    )
    steps = [(h["action"], h["comment"]) for h in history["data"]["filing"]["history"]]
    assert steps == [("submitted", None), ("returned", "照片不清晰"), ("resubmitted", None), ("approved", None)]


async def test_approved_filings_cannot_be_edited(gql: GraphQLClient, world: World) -> None:
    entry = diary()
    await gql.execute(SUBMIT, {"input": entry}, as_user="village")
    approved = await gql.execute(REVIEW, {"id": entry["id"], "d": "APPROVE"}, as_user="township")
    version = approved["data"]["reviewFiling"]["filing"]["version"]
    edit = await gql.execute(EDIT, {"input": diary(id=entry["id"]), "base": version}, as_user="village")
    assert edit["data"]["editFiling"]["errors"][0]["code"] == "INVALID_STATE"


async def test_review_queue_lists_submitted_filings_of_own_villages_oldest_first(
    gql: GraphQLClient, world: World
) -> None:
    entries = [diary(), diary()]
    for entry in entries:
        await gql.execute(SUBMIT, {"input": entry}, as_user="village")
    queue = await gql.execute(
        "{ reviewQueue(first: 50) { edges { node { id secretary { name } } } } }", as_user="township"
    )
    ids = [e["node"]["id"] for e in queue["data"]["reviewQueue"]["edges"]]
    assert FILING_IDS["V21"] not in ids and FILING_IDS["VB"] not in ids
    assert ids[-2:] == [entries[0]["id"], entries[1]["id"]]


async def test_audit_trail_cannot_be_edited_or_deleted(
    session_factory: SessionFactory, world: World, gql: GraphQLClient
) -> None:
    await gql.execute(SUBMIT, {"input": diary()}, as_user="village")
    for statement in ("UPDATE audit_events SET action = 'approved'", "DELETE FROM audit_events"):
        async with session_factory() as session:
            with pytest.raises(Exception, match="append-only"):
                await session.execute(text(statement))
                await session.commit()
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 1


async def test_progress_counts_visits_diaries_and_approvals(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    async with session_factory() as session:
        households = list(
            await session.scalars(select(Household.id).where(Household.village_id == world.units["V11"].id))
        )
    for household_id in households[:2]:
        await gql.execute(
            SUBMIT,
            {"input": diary(kind="HOUSEHOLD_VISIT", body={"notes": "走访"}, householdId=str(household_id))},
            as_user="village",
        )
    lecture = diary(kind="PARTY_LECTURE", body={"topic": "学习二十大精神", "place": "村委会", "attendeeCount": 35})
    await gql.execute(SUBMIT, {"input": lecture}, as_user="village")
    await gql.execute(REVIEW, {"id": lecture["id"], "d": "APPROVE"}, as_user="township")
    result = await gql.execute(
        "{ dutyProgress { completedCount totalCount duties { key complete numerator denominator percent } } }",
        as_user="village",
    )
    duties = {d["key"]: d for d in result["data"]["dutyProgress"]["duties"]}
    assert result["data"]["dutyProgress"]["totalCount"] == 8
    assert duties["household_visits"] == {
        "key": "household_visits",
        "complete": False,
        "numerator": 2,
        "denominator": 3,
        "percent": 66.7,
    }
    assert duties["party_lecture"]["complete"] and duties["party_lecture"]["numerator"] == 1
    assert not duties["research_report"]["complete"]
    township = await gql.execute(
        "{ townshipProgress { secretaries { secretary { name } completedCount } } }", as_user="township"
    )
    names = {s["secretary"]["name"] for s in township["data"]["townshipProgress"]["secretaries"]}
    assert names == {"V11书记", "V12书记"}
