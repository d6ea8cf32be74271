"""Stationed days without a punch clock (以事管人、无感考勤, issue 13 item 1): a secretary who never
checks in, but files work in the village, gets those workdays; outside positions are 待核实;
declared official days count; leave never counts (approved and pending shown); the township
confirms the month (frozen, audited), may correct with a note, and the allowance uses it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from tests.attendance.helpers import north_of_centre
from tests.conftest import GraphQLClient
from tests.permission_matrix import ROLES
from tests.world import World

SUBMIT = """mutation($input: FilingInput!) { submitFiling(input: $input) { filing { id } errors { code field } } }"""
MY_MONTH = """query($m: String!) { myAttendanceMonth(month: $m) {
  month derivedDays stationedDays confirmed statusLabel rateYuanPerDay allowanceYuan reviewDays leaveDays
  pendingLeaveDays bySource { source label days }
  days { day weekday workday state stateLabel counted sources declaration { reason status statusLabel } } } }"""
SUMMARY = """query($m: String!) { attendanceSummary(month: $m) { confirmedCount totalAllowanceYuan
  rows { villageName stationedDays derivedDays allowanceYuan confirmed statusLabel correctionNote reviewDays
    leaveDays pendingLeaveDays note } } }"""
DECLARE = """mutation($d: Date!, $r: DeclarationReason!, $n: String) {
  declareDay(input: {day: $d, reason: $r, note: $n}) {
    declaration { id day reason reasonLabel status statusLabel } errors { code field message } } }"""
WITHDRAW = """mutation($d: Date!) { withdrawDayDeclaration(day: $d) { declaration { id } errors { code field } } }"""
DECIDE = """mutation($id: ID!, $a: Boolean!, $n: String) { decideLeave(input: {declarationId: $id, approve: $a, note: $n}) {
  declaration { status statusLabel decisionNote } errors { code field message } } }"""
DECLARATIONS = """query($m: String!, $p: Boolean!) { dayDeclarations(month: $m, pendingOnly: $p) {
  id day reason status secretaryName } }"""
CONFIRM = """mutation($m: String!, $s: [ID!]) { confirmAttendanceMonth(input: {month: $m, secretaryIds: $s}) {
  confirmedCount alreadyConfirmedCount summary { confirmedCount } errors { code field message } } }"""
CORRECT = """mutation($m: String!, $s: ID!, $d: Int!, $n: String!) {
  correctAttendanceMonth(input: {month: $m, secretaryId: $s, stationedDays: $d, note: $n}) {
    row { stationedDays derivedDays allowanceYuan statusLabel correctionNote } errors { code field message } } }"""
SECRETARY_MONTH = """query($s: ID!, $m: String!) { attendanceMonth(secretaryId: $s, month: $m) {
  derivedDays days { day state sources } } }"""


async def file(
    gql: GraphQLClient, day: str, *, kind: str = "WORK_DIARY", metres: float = 100, user: str = "village"
) -> None:
    lat, lng = north_of_centre(metres)
    body: dict[str, Any] = {"content": "在村工作"}
    if kind == "COMMITTEE_MEETING":
        body = {"topic": "村工作例会", "attendees": 7, "minutes": "研究灌溉"}
    entry = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "occurredOn": day,
        "recordedAt": f"{day}T10:00:00+08:00",
        "title": "在村工作",
        "body": body,
        "lat": lat,
        "lng": lng,
        "accuracyM": 10.0,
    }
    result = (await gql.execute(SUBMIT, {"input": entry}, as_user=user))["data"]["submitFiling"]
    assert result["errors"] == [], result


async def declare(gql: GraphQLClient, day: str, reason: str, note: str | None = None) -> dict:
    result = await gql.execute(DECLARE, {"d": day, "r": reason, "n": note}, as_user="village")
    return result["data"]["declareDay"]


def days_by_date(month: dict) -> dict[str, dict]:
    return {d["day"]: d for d in month["days"]}


async def _november(gql: GraphQLClient) -> dict:
    """V11's November 2026: no check-in at all."""
    await file(gql, "2026-11-02", kind="COMMITTEE_MEETING")  # Monday, inside
    await file(gql, "2026-11-02")  # the same day again: one day
    await file(gql, "2026-11-03")  # Tuesday, inside
    await file(gql, "2026-11-04", metres=5000)  # Wednesday, outside only: 待核实
    await file(gql, "2026-11-07")  # Saturday: not a workday
    assert (await declare(gql, "2026-11-05", "TRAINING", "县委组织部培训"))["errors"] == []
    pending = await declare(gql, "2026-11-06", "LEAVE", "家中有事")
    assert pending["declaration"]["status"] == "PENDING" and pending["declaration"]["statusLabel"] == "待镇街审批"
    leave = await declare(gql, "2026-11-09", "LEAVE", "病假")
    decided = await gql.execute(DECIDE, {"id": leave["declaration"]["id"], "a": True, "n": ""}, as_user="township")
    assert decided["data"]["decideLeave"]["declaration"]["status"] == "APPROVED"
    return (await gql.execute(MY_MONTH, {"m": "2026-11"}, as_user="village"))["data"]["myAttendanceMonth"]


async def test_work_in_the_village_counts_without_any_check_in(gql: GraphQLClient, world: World) -> None:
    month = await _november(gql)
    days = days_by_date(month)
    assert month["derivedDays"] == month["stationedDays"] == 3  # 11-02, 11-03 (filings), 11-05 (training)
    assert (month["confirmed"], month["statusLabel"], month["allowanceYuan"]) == (False, "待镇街确认", 120)
    assert days["2026-11-02"]["state"] == "COUNTED" and days["2026-11-02"]["sources"] == ["村工作例会", "工作日志"]
    assert days["2026-11-04"]["state"] == "REVIEW" and days["2026-11-04"]["sources"] == ["工作日志（村外）"]
    assert (days["2026-11-05"]["state"], days["2026-11-05"]["sources"]) == ("COUNTED", ["培训"])
    assert days["2026-11-06"]["state"] == "LEAVE_PENDING" and not days["2026-11-06"]["counted"]
    assert days["2026-11-09"]["state"] == "LEAVE" and days["2026-11-09"]["stateLabel"] == "请假（已批准）"
    assert (days["2026-11-07"]["workday"], days["2026-11-07"]["state"]) == (False, "NOT_WORKDAY")
    assert days["2026-11-10"]["state"] == "NONE"
    assert (month["reviewDays"], month["leaveDays"], month["pendingLeaveDays"]) == (1, 1, 1)
    assert {s["source"]: s["days"] for s in month["bySource"]} == {"filing": 2, "declared": 1}

    summary = (await gql.execute(SUMMARY, {"m": "2026-11"}, as_user="township"))["data"]["attendanceSummary"]
    row = next(r for r in summary["rows"] if r["villageName"] == "V11名")
    assert (row["stationedDays"], row["allowanceYuan"], row["confirmed"], row["reviewDays"]) == (3, 120, False, 1)
    assert row["note"].startswith("待镇街确认；依据：工作记录 2 天、申报公务 1 天；待核实 1 天")
    assert "请假 1 天" in row["note"] and "请假待批 1 天" in row["note"]

    # The township sees the same days.
    own = await gql.execute(
        SECRETARY_MONTH, {"s": str(world.secretaries["V11"].id), "m": "2026-11"}, as_user="township"
    )
    assert own["data"]["attendanceMonth"]["derivedDays"] == 3
    other = await gql.execute(
        SECRETARY_MONTH, {"s": str(world.secretaries["V11"].id), "m": "2026-11"}, as_user="township_t2"
    )
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_declarations_are_checked_and_leave_needs_the_township(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    assert (await declare(gql, "2026-11-07", "TRAINING"))["errors"][0]["code"] == "INVALID_INPUT"  # Saturday
    assert (await declare(gql, "2026-11-10", "LEAVE"))["errors"][0] == {
        "code": "INVALID_INPUT",
        "field": "note",
        "message": "请填写说明",
    }
    assert (await declare(gql, "2026-11-10", "OFFICIAL_TRIP", "字" * 201))["errors"][0]["field"] == "note"
    assert (await declare(gql, "2026-02-02", "TRAINING"))["errors"][0]["field"] == "day"  # before the term
    assert (await declare(gql, "2026-11-10", "OFFICIAL_TRIP", "赴县汇报"))["errors"] == []
    assert (await declare(gql, "2026-11-10", "TRAINING"))["errors"][0]["code"] == "DUPLICATE"
    leave = (await declare(gql, "2026-11-11", "LEAVE", "事假"))["declaration"]

    listed = await gql.execute(DECLARATIONS, {"m": "2026-11", "p": True}, as_user="township")
    assert [(d["day"], d["reason"], d["secretaryName"]) for d in listed["data"]["dayDeclarations"]] == [
        ("2026-11-11", "LEAVE", "V11书记")
    ]
    assert (await gql.execute(DECLARATIONS, {"m": "2026-11", "p": False}, as_user="township_t2"))["data"][
        "dayDeclarations"
    ] == []
    # Another township cannot decide it; the county cannot decide; rejecting needs a note.
    foreign = await gql.execute(DECIDE, {"id": leave["id"], "a": True}, as_user="township_t2")
    assert foreign["data"]["decideLeave"]["errors"][0]["code"] == "NOT_FOUND"
    county = await gql.execute(DECIDE, {"id": leave["id"], "a": True}, as_user="county")
    assert county["data"]["decideLeave"]["errors"][0]["code"] == "FORBIDDEN"
    bare = await gql.execute(DECIDE, {"id": leave["id"], "a": False}, as_user="township")
    assert bare["data"]["decideLeave"]["errors"][0]["field"] == "note"
    rejected = await gql.execute(DECIDE, {"id": leave["id"], "a": False, "n": "当日有督查"}, as_user="township")
    assert rejected["data"]["decideLeave"]["declaration"] == {
        "status": "REJECTED",
        "statusLabel": "未批准",
        "decisionNote": "当日有督查",
    }
    again = await gql.execute(DECIDE, {"id": leave["id"], "a": True}, as_user="township")
    assert again["data"]["decideLeave"]["errors"][0]["code"] == "INVALID_STATE"
    # A decided leave cannot be withdrawn; an official day can.
    assert (await gql.execute(WITHDRAW, {"d": "2026-11-11"}, as_user="village"))["data"]["withdrawDayDeclaration"][
        "errors"
    ][0]["code"] == "INVALID_STATE"
    assert (await gql.execute(WITHDRAW, {"d": "2026-11-10"}, as_user="village"))["data"]["withdrawDayDeclaration"][
        "errors"
    ] == []
    month = (await gql.execute(MY_MONTH, {"m": "2026-11"}, as_user="village"))["data"]["myAttendanceMonth"]
    assert days_by_date(month)["2026-11-11"]["state"] == "NONE"  # rejected leave: no record, nothing counted
    assert month["derivedDays"] == 0

    async with session_factory() as session:
        actions = (
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.entity == "day_declaration").order_by(AuditEvent.id)
            )
        ).all()
    assert actions == ["declare", "declare", "reject_leave", "withdraw"]


async def test_the_township_confirms_and_corrects_and_the_allowance_uses_it(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await _november(gql)
    v11 = str(world.secretaries["V11"].id)
    assert (await gql.execute(CONFIRM, {"m": "2026-11"}, as_user="county"))["data"]["confirmAttendanceMonth"]["errors"][
        0
    ]["code"] == "FORBIDDEN"
    foreign = await gql.execute(CONFIRM, {"m": "2026-11", "s": [v11]}, as_user="township_t2")
    assert foreign["data"]["confirmAttendanceMonth"]["errors"][0]["code"] == "NOT_FOUND"
    future = await gql.execute(CONFIRM, {"m": "2099-01"}, as_user="township")
    assert future["data"]["confirmAttendanceMonth"]["errors"][0]["field"] == "month"

    done = (await gql.execute(CONFIRM, {"m": "2026-11", "s": [v11]}, as_user="township"))["data"]
    assert done["confirmAttendanceMonth"] | {"summary": None} == {
        "confirmedCount": 1,
        "alreadyConfirmedCount": 0,
        "summary": None,
        "errors": [],
    }
    # Frozen: later work in the month no longer changes the confirmed numbers.
    await file(gql, "2026-11-12")
    summary = (await gql.execute(SUMMARY, {"m": "2026-11"}, as_user="county"))["data"]["attendanceSummary"]
    row = next(r for r in summary["rows"] if r["villageName"] == "V11名")
    assert (row["stationedDays"], row["derivedDays"], row["allowanceYuan"]) == (3, 4, 120)
    assert (row["confirmed"], row["statusLabel"]) == (True, "镇街已确认")
    assert (await declare(gql, "2026-11-13", "TRAINING"))["errors"][0]["code"] == "INVALID_STATE"

    # All at once: the rest of the township; V11 is already confirmed.
    rest = (await gql.execute(CONFIRM, {"m": "2026-11"}, as_user="township"))["data"]["confirmAttendanceMonth"]
    assert (rest["confirmedCount"], rest["alreadyConfirmedCount"], rest["summary"]["confirmedCount"]) == (1, 1, 2)

    missing_note = await gql.execute(CORRECT, {"m": "2026-11", "s": v11, "d": 5, "n": " "}, as_user="township")
    assert missing_note["data"]["correctAttendanceMonth"]["errors"][0]["field"] == "note"
    too_many = await gql.execute(CORRECT, {"m": "2026-11", "s": v11, "d": 22, "n": "x"}, as_user="township")
    assert too_many["data"]["correctAttendanceMonth"]["errors"][0]["field"] == "stationedDays"
    corrected = await gql.execute(
        CORRECT, {"m": "2026-11", "s": v11, "d": 5, "n": "11-12、11-13 在村开展防汛，手机无信号"}, as_user="township"
    )
    assert corrected["data"]["correctAttendanceMonth"]["row"] == {
        "stationedDays": 5,
        "derivedDays": 4,
        "allowanceYuan": 200,
        "statusLabel": "镇街已确认（已更正）",
        "correctionNote": "11-12、11-13 在村开展防汛，手机无信号",
    }
    summary = (await gql.execute(SUMMARY, {"m": "2026-11"}, as_user="township"))["data"]["attendanceSummary"]
    row = next(r for r in summary["rows"] if r["villageName"] == "V11名")
    assert (row["stationedDays"], row["allowanceYuan"]) == (5, 200)
    assert "由 3 天更正为 5 天" in row["note"]
    mine = (await gql.execute(MY_MONTH, {"m": "2026-11"}, as_user="village"))["data"]["myAttendanceMonth"]
    assert (mine["stationedDays"], mine["allowanceYuan"], mine["confirmed"]) == (5, 200, True)

    async with session_factory() as session:
        events = (
            await session.execute(
                select(AuditEvent.action, AuditEvent.detail)
                .where(AuditEvent.entity == "attendance_month")
                .order_by(AuditEvent.id)
            )
        ).all()
    assert [a for a, _ in events] == ["confirm", "confirm", "correct"]
    assert events[2][1]["before"] == 3 and events[2][1]["days"] == 5 and events[2][1]["note"]


@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
@pytest.mark.parametrize("role", [*ROLES, None])
async def test_only_the_secretarys_township_decides_leave(
    gql: GraphQLClient, world: World, role: str | None, own: bool
) -> None:
    secretary = "village" if own else "village_v21"
    declared = await gql.execute(DECLARE, {"d": "2026-11-10", "r": "LEAVE", "n": "事假"}, as_user=secretary)
    declaration_id = declared["data"]["declareDay"]["declaration"]["id"]
    decided = await gql.execute(DECIDE, {"id": declaration_id, "a": True}, as_user=role)
    errors = decided["data"]["decideLeave"]["errors"] if decided.get("data") else []
    expected = {
        None: "UNAUTHENTICATED",
        "county": "FORBIDDEN",
        "village": "FORBIDDEN",
        "member": "FORBIDDEN",
        "township": None if own else "NOT_FOUND",
    }[role]
    assert (errors[0]["code"] if errors else None) == expected
    # Withdrawing names only the caller's own day: a secretary withdraws their own, nobody else can.
    withdrawn = await gql.execute(WITHDRAW, {"d": "2026-11-10"}, as_user=role)
    w_errors = withdrawn["data"]["withdrawDayDeclaration"]["errors"]
    if role == "village" and own:
        assert w_errors == []  # still pending: only the township decides
    elif role == "village":
        assert [e["code"] for e in w_errors] == ["INVALID_INPUT"]  # nothing of their own that day
    else:
        assert w_errors[0]["code"] == ("UNAUTHENTICATED" if role is None else "FORBIDDEN")


def test_the_no_forced_check_in_finding_asks_the_rule_itself() -> None:
    from backend.compliance.obligations import Status, assess
    from backend.core.settings import Settings
    from backend.org.county_settings import DEFAULT_RULES
    from backend.tables import metadata

    finding = next(f for f in assess(Settings(), DEFAULT_RULES, metadata) if f.key == "no_forced_checkin")
    assert finding.status is Status.MET, finding
    assert "以事管人" in finding.note


async def test_two_confirmations_at_once_confirm_once(gql: GraphQLClient, world: World) -> None:
    v11 = str(world.secretaries["V11"].id)
    results = await asyncio.gather(
        *[gql.execute(CONFIRM, {"m": "2026-11", "s": [v11]}, as_user="township") for _ in range(2)]
    )
    payloads = [r["data"]["confirmAttendanceMonth"] for r in results]
    assert sorted(p["confirmedCount"] for p in payloads) == [0, 1], payloads
    assert [e["code"] for p in payloads for e in p["errors"]] in ([], ["CONFLICT"])
    assert sum(1 for p in payloads if p["errors"] == [] and p["confirmedCount"] == 1) == 1
