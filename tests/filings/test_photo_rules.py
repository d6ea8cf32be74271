"""No photo is forced by default; a county may require one for a kind only with the reason it is
necessary (refused without it), the requirement holds on submit and edit, and the compliance
report shows it as a justified exception."""

from __future__ import annotations

from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.media.models import Media
from tests.conftest import GraphQLClient
from tests.filings.test_filings import EDIT, SUBMIT, diary
from tests.world import World

SET = """mutation($i: SetPhotoRequirementInput!) { setPhotoRequirement(input: $i) {
  requirements { kind kindLabel reason } errors { code field message } } }"""
LIST = "{ photoRequirements { kind reason } }"
FINDING = "{ complianceReport { findings { key status note } } }"


async def _uploaded(session_factory: SessionFactory, world: World, sha: str) -> None:
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


async def _uploads_note(gql: GraphQLClient) -> str:
    body = await gql.execute(FINDING, as_user="county")
    finding = next(f for f in body["data"]["complianceReport"]["findings"] if f["key"] == "no_forced_uploads")  # type: ignore[index]
    assert finding["status"] == "MET"
    return str(finding["note"])


async def test_nothing_is_forced_by_default(gql: GraphQLClient, world: World) -> None:
    assert (await gql.execute(LIST, as_user="village"))["data"]["photoRequirements"] == []  # type: ignore[index]
    entry = diary(photos=[], lat=None, lng=None, accuracyM=None)
    done = (await gql.execute(SUBMIT, {"input": entry}, as_user="village"))["data"]["submitFiling"]  # type: ignore[index]
    assert done["errors"] == [] and done["filing"]["status"] == "SUBMITTED"
    assert "默认所有履职记录都可以不带照片" in await _uploads_note(gql)


async def test_a_requirement_without_its_reason_is_refused(gql: GraphQLClient, world: World) -> None:
    for reason in (None, "", "需要照片"):  # missing, empty, too short to say why
        body = await gql.execute(
            SET, {"i": {"kind": "WORK_DIARY", "required": True, "reason": reason}}, as_user="county"
        )
        errors = body["data"]["setPhotoRequirement"]["errors"]  # type: ignore[index]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", "reason")], reason
    assert (await gql.execute(LIST, as_user="county"))["data"]["photoRequirements"] == []  # type: ignore[index]


async def test_a_justified_requirement_holds_on_submit_and_edit_and_is_reported(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    reason = "农技培训须留存现场照片，作为省级培训补助资金的拨付凭证"
    body = await gql.execute(SET, {"i": {"kind": "WORK_DIARY", "required": True, "reason": reason}}, as_user="county")
    payload = body["data"]["setPhotoRequirement"]  # type: ignore[index]
    assert payload["errors"] == [] and payload["requirements"] == [
        {"kind": "WORK_DIARY", "kindLabel": "工作日志", "reason": reason}
    ]
    assert (await gql.execute(LIST, as_user="village"))["data"]["photoRequirements"][0]["reason"] == reason  # type: ignore[index]

    refused = await gql.execute(SUBMIT, {"input": diary(photos=[])}, as_user="village")
    error = refused["data"]["submitFiling"]["errors"][0]  # type: ignore[index]
    assert error["code"] == "PHOTO_REQUIRED" and error["field"] == "photos" and reason in error["message"]

    sha = "cd" * 32
    await _uploaded(session_factory, world, sha)
    stored = (await gql.execute(SUBMIT, {"input": diary(photos=[sha])}, as_user="village"))["data"]["submitFiling"]  # type: ignore[index]
    assert stored["errors"] == []
    draft = diary(photos=[], submit=False)  # a draft may wait for its photo, its submission may not
    kept = (await gql.execute(SUBMIT, {"input": draft}, as_user="village"))["data"]["submitFiling"]  # type: ignore[index]
    assert kept["errors"] == [] and kept["filing"]["status"] == "DRAFT"
    edit = await gql.execute(EDIT, {"input": {**draft, "submit": True}, "base": 1}, as_user="village")
    assert edit["data"]["editFiling"]["errors"][0]["code"] == "PHOTO_REQUIRED"  # type: ignore[index]

    assert f"“工作日志”须附照片——理由：{reason}" in await _uploads_note(gql)
    async with session_factory() as session:
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.entity == "photo_requirement"))).all()
    assert [e.detail["reason"] for e in events] == [reason]

    lifted = await gql.execute(SET, {"i": {"kind": "WORK_DIARY", "required": False}}, as_user="county")
    assert lifted["data"]["setPhotoRequirement"]["requirements"] == []  # type: ignore[index]
    again = await gql.execute(SUBMIT, {"input": diary(photos=[])}, as_user="village")
    assert again["data"]["submitFiling"]["errors"] == []  # type: ignore[index]


async def test_only_the_county_decides(gql: GraphQLClient, world: World) -> None:
    for role in ("township", "village", "member"):
        body = await gql.execute(
            SET, {"i": {"kind": "WORK_DIARY", "required": True, "reason": "为了核实而需要的现场照片"}}, as_user=role
        )
        assert body["data"]["setPhotoRequirement"]["errors"][0]["code"] == "FORBIDDEN"  # type: ignore[index]
