"""Village organisation classes (recorded by the county, feeding the org-upgrade items) and
disqualifying events (recorded and withdrawn with reasons, audited, read by townships)."""

from __future__ import annotations

from sqlalchemy import select

from backend.assessment.models import Disqualification, OrgClass
from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from tests.assessment.helpers import ASSESSMENT, PERIOD, all_in_2025, record_class
from tests.conftest import GraphQLClient
from tests.world import World

RECORD_CLASS = """mutation($v: ID!, $p: String!, $c: OrgClass!, $n: String) {
  recordOrgClass(input: {villageId: $v, period: $p, orgClass: $c, note: $n}) {
    orgClass { village { code } period orgClass note previousPeriod previousClass change } errors { code field } } }"""
ORG_CLASSES = """query($p: String!, $t: ID) { orgClasses(period: $p, townshipId: $t) {
  village { code } orgClass previousClass change } }"""
RECORD = """mutation($s: ID!, $k: DisqualificationKind!, $r: String!) {
  recordDisqualification(input: {secretaryId: $s, period: "2025", kind: $k, reason: $r}) {
    disqualification { id kind kindLabel reason withdrawn recordedByName secretary { name } } errors { code field } } }"""
WITHDRAW = """mutation($id: ID!, $r: String!) { withdrawDisqualification(input: {id: $id, reason: $r}) {
  disqualification { id withdrawn withdrawnReason withdrawnByName withdrawnAt } errors { code field } } }"""
LIST = """query { disqualifications(period: "2025") { id withdrawn secretary { name } } }"""


async def _proposals(gql: GraphQLClient, world: World, village: str) -> dict[str, tuple]:
    body = await gql.execute(ASSESSMENT, {"s": str(world.secretaries[village].id), "p": PERIOD}, as_user="county")
    items = {i["key"]: i for i in body["data"]["assessment"]["items"]}  # type: ignore[index]
    return {
        k: (items[k]["proposedOccurrences"], items[k]["proposedPoints"])
        for k in ("org_upgrade.gained", "org_upgrade.lost")
    }


async def test_classes_gained_and_lost_are_proposed(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    await record_class(session_factory, world, "V11", "2023", OrgClass.D)  # an older record is not compared
    await record_class(session_factory, world, "V11", "2024", OrgClass.C)
    await record_class(session_factory, world, "V12", "2024", OrgClass.A)
    for village, org_class in (("V11", "A"), ("V12", "C")):
        body = await gql.execute(
            RECORD_CLASS, {"v": world.unit_id(village), "p": PERIOD, "c": org_class}, as_user="county"
        )
        assert body["data"]["recordOrgClass"]["errors"] == []
    assert await _proposals(gql, world, "V11") == {"org_upgrade.gained": (2, 20), "org_upgrade.lost": (0, 0)}
    assert await _proposals(gql, world, "V12") == {"org_upgrade.gained": (0, 0), "org_upgrade.lost": (2, -20)}
    # no earlier record to compare with: shown, nothing proposed
    body = await gql.execute(RECORD_CLASS, {"v": world.unit_id("V21"), "p": PERIOD, "c": "B"}, as_user="county")
    assert body["data"]["recordOrgClass"]["orgClass"]["change"] is None
    assert await _proposals(gql, world, "V21") == {"org_upgrade.gained": (None, None), "org_upgrade.lost": (None, None)}

    county = (await gql.execute(ORG_CLASSES, {"p": PERIOD}, as_user="county"))["data"]["orgClasses"]
    assert [(c["village"]["code"], c["orgClass"], c["previousClass"], c["change"]) for c in county] == [
        ("V11", "A", "C", 2),
        ("V12", "C", "A", -2),
        ("V21", "B", None, None),
    ]
    township = (await gql.execute(ORG_CLASSES, {"p": PERIOD}, as_user="township"))["data"]["orgClasses"]
    assert [c["village"]["code"] for c in township] == ["V11", "V12"]
    unrecorded = (await gql.execute(ORG_CLASSES, {"p": "2026"}, as_user="township"))["data"]["orgClasses"]
    assert [(c["orgClass"], c["previousClass"]) for c in unrecorded] == [(None, "A"), (None, "C")]


async def test_recording_a_class_again_replaces_it_and_is_audited(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    variables = {"v": world.unit_id("V11"), "p": PERIOD, "c": "B", "n": "年度评定"}
    first = (await gql.execute(RECORD_CLASS, variables, as_user="county"))["data"]["recordOrgClass"]
    assert first["orgClass"]["orgClass"] == "B" and first["orgClass"]["note"] == "年度评定"
    again = await gql.execute(RECORD_CLASS, {**variables, "c": "A", "n": "复核后调整"}, as_user="county")
    assert again["data"]["recordOrgClass"]["orgClass"]["orgClass"] == "A"
    same = await gql.execute(RECORD_CLASS, {**variables, "c": "A", "n": "复核后调整"}, as_user="county")
    assert same["data"]["recordOrgClass"]["errors"] == []
    for user, village, code in (
        ("township", "V11", "FORBIDDEN"),  # the county records classes
        ("county", "VB", "NOT_FOUND"),  # another county's village: as if there were none
        ("county_b", "V11", "NOT_FOUND"),
    ):
        refused = await gql.execute(RECORD_CLASS, {**variables, "v": world.unit_id(village)}, as_user=user)
        assert refused["data"]["recordOrgClass"]["errors"][0]["code"] == code, user
    bad = await gql.execute(RECORD_CLASS, {**variables, "p": "2025年"}, as_user="county")
    assert bad["data"]["recordOrgClass"]["errors"][0] == {"code": "INVALID_INPUT", "field": "period"}
    async with session_factory() as session:
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.entity == "org_class").order_by(AuditEvent.id))
        ).all()
    assert [(e.detail["from"], e.detail["to"]) for e in events] == [
        (None, "B"),
        ("B", "A"),
    ]  # the repeat changed nothing


async def test_disqualifications_are_recorded_withdrawn_and_kept(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    secretary = str(world.secretaries["V11"].id)
    missing = await gql.execute(RECORD, {"s": secretary, "k": "PETITION", "r": "  "}, as_user="county")
    assert missing["data"]["recordDisqualification"]["errors"] == [{"code": "INVALID_INPUT", "field": "reason"}]
    made = await gql.execute(
        RECORD, {"s": secretary, "k": "PETITION", "r": "因工作方法简单粗暴引发群众集体上访"}, as_user="county"
    )
    record = made["data"]["recordDisqualification"]["disqualification"]
    assert (record["kind"], record["withdrawn"], record["recordedByName"]) == ("PETITION", False, "county用户")
    assert record["kindLabel"] == "因工作方法不当引发群体上访"

    assert [d["id"] for d in (await gql.execute(LIST, as_user="township"))["data"]["disqualifications"]] == [
        record["id"]
    ]
    assert (await gql.execute(LIST, as_user="township_t2"))["data"]["disqualifications"] == []
    assert (await gql.execute(LIST, as_user="county_b"))["data"]["disqualifications"] == []
    for user in ("village", "member"):
        assert (await gql.execute(LIST, as_user=user))["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    for user, code in (("township", "FORBIDDEN"), ("county_b", "NOT_FOUND")):
        refused = await gql.execute(WITHDRAW, {"id": record["id"], "r": "查无实据"}, as_user=user)
        assert refused["data"]["withdrawDisqualification"]["errors"][0]["code"] == code, user
    no_reason = await gql.execute(WITHDRAW, {"id": record["id"], "r": ""}, as_user="county")
    assert no_reason["data"]["withdrawDisqualification"]["errors"] == [{"code": "INVALID_INPUT", "field": "reason"}]
    withdrawn = await gql.execute(WITHDRAW, {"id": record["id"], "r": "经复查，上访与其工作方法无关"}, as_user="county")
    result = withdrawn["data"]["withdrawDisqualification"]["disqualification"]
    assert (result["withdrawn"], result["withdrawnByName"]) == (True, "county用户") and result["withdrawnAt"]
    twice = await gql.execute(WITHDRAW, {"id": record["id"], "r": "再次撤销"}, as_user="county")
    assert twice["data"]["withdrawDisqualification"]["errors"][0]["code"] == "INVALID_STATE"
    unknown = await gql.execute(WITHDRAW, {"id": "999999", "r": "撤销"}, as_user="county")
    assert unknown["data"]["withdrawDisqualification"]["errors"][0]["code"] == "NOT_FOUND"

    listed = (await gql.execute(LIST, as_user="county"))["data"]["disqualifications"]
    assert [(d["id"], d["withdrawn"]) for d in listed] == [(record["id"], True)]  # kept, marked withdrawn
    other = await gql.execute(
        RECORD, {"s": str(world.secretaries["VB"].id), "k": "INCIDENT", "r": "x"}, as_user="county"
    )
    assert other["data"]["recordDisqualification"]["errors"][0]["code"] == "NOT_FOUND"
    async with session_factory() as session:
        row = await session.get(Disqualification, int(record["id"]))
        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.entity == "disqualification").order_by(AuditEvent.id)
            )
        ).all()
    assert row is not None and row.reason == "因工作方法简单粗暴引发群众集体上访"
    assert row.withdrawn_reason == "经复查，上访与其工作方法无关" and row.withdrawn_by == world.users["county"].id
    assert [e.action for e in events] == ["recorded", "withdrawn"]
