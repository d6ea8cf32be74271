"""The problem ledger: reports from villagers, the lifecycle, notes that cannot be edited,
phone-made ids (retry / conflict), stale versions and the resolution rate."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.org.models import CountySettings
from backend.problems.models import Problem, ProblemNote, ProblemSource, ProblemStatus
from tests.conftest import GraphQLClient
from tests.duties.checklists import default_with, save_version
from tests.world import PROBLEM_IDS, World

REPORT = """mutation($id: ID!, $title: String!, $description: String!, $household: ID) {
  reportProblem(input: {id: $id, title: $title, description: $description, householdId: $household}) {
    problem { id title status source version village { code } notes { fromStatus toStatus note } }
    errors { code message field }
  }
}"""
FILE = """mutation($id: ID!, $title: String!) {
  fileProblem(input: {id: $id, title: $title, description: "入户走访发现"}) {
    problem { id status source version }
    errors { code message field }
  }
}"""
MOVE = """mutation($id: ID!, $to: ProblemStatus!, $note: String!, $base: Int!) {
  updateProblemStatus(input: {id: $id, toStatus: $to, note: $note, baseVersion: $base}) {
    problem { id status version resolvedAt notes { fromStatus toStatus note } }
    errors { code message field }
  }
}"""
LEDGER = """query($v: ID, $s: ProblemStatus, $first: Int, $after: String) {
  problems(villageId: $v, status: $s, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id title status source } }
  }
}"""
MINE = "{ myReportedProblems { totalCount edges { node { id title status notes { toStatus note } } } } }"
ONE = "query($id: ID!) { problem(id: $id) { id status notes { fromStatus toStatus note } } }"
SUMMARY = """query($v: ID) { ledgerSummary(villageId: $v) {
  total complete byStatus { status count }
  resolutionRate { numerator denominator percent ageDays }
} }"""


def _ok(body: dict[str, Any], field: str) -> dict[str, Any]:
    assert not body.get("errors"), body
    payload = body["data"][field]
    if isinstance(payload, dict) and "errors" in payload:
        assert payload["errors"] == [], payload
    return payload


def _code(body: dict[str, Any], field: str) -> str:
    if body.get("errors"):
        return body["errors"][0]["extensions"]["code"]
    return body["data"][field]["errors"][0]["code"]


async def _report(gql: GraphQLClient, as_user: str = "member", **overrides: Any) -> dict[str, Any]:
    variables = {"id": str(uuid.uuid4()), "title": "三组路灯不亮", "description": "晚上出行不便", "household": None}
    variables.update(overrides)
    return await gql.execute(REPORT, variables, as_user=as_user)


async def _move(gql: GraphQLClient, problem_id: str, to: str, base: int, note: str = "", as_user: str = "village"):
    return await gql.execute(MOVE, {"id": problem_id, "to": to, "note": note, "base": base}, as_user=as_user)


# --- reporting --------------------------------------------------------------------------------


async def test_member_report_lands_in_the_secretarys_ledger(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    problem = _ok(await _report(gql), "reportProblem")["problem"]
    assert problem["status"] == "OPEN"
    assert problem["source"] == "VILLAGER"
    assert problem["version"] == 1
    assert problem["village"]["code"] == "V11"
    assert problem["notes"] == [{"fromStatus": None, "toStatus": "OPEN", "note": "村民反映"}]

    ledger = _ok(await gql.execute(LEDGER, {"s": "OPEN"}, as_user="village"), "problems")
    assert problem["id"] in {e["node"]["id"] for e in ledger["edges"]}
    # The neighbouring secretary's ledger does not show it.
    other = _ok(await gql.execute(LEDGER, {}, as_user="village_v12"), "problems")
    assert problem["id"] not in {e["node"]["id"] for e in other["edges"]}
    # Township and county see it in their jurisdiction.
    for staff in ("township", "county"):
        seen = _ok(await gql.execute(LEDGER, {"v": world.unit_id("V11"), "first": 100}, as_user=staff), "problems")
        assert problem["id"] in {e["node"]["id"] for e in seen["edges"]}

    async with session_factory() as session:
        row = await session.get(Problem, problem["id"])
        assert row is not None
        assert row.secretary_id == world.secretaries["V11"].id
        assert row.reporter_user_id == world.users["member"].id
        assert row.source is ProblemSource.VILLAGER
        audit = (await session.scalars(select(AuditEvent).where(AuditEvent.entity_id == problem["id"]))).all()
        assert [a.action for a in audit] == ["report"]


async def test_member_sees_own_reports_with_status_and_notes_but_never_others(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    mine = _ok(await _report(gql, title="村口积水"), "reportProblem")["problem"]
    # Another villager of the same village reports too (a second member account in V11).
    neighbour = _ok(
        await gql.execute(
            REPORT,
            {"id": str(uuid.uuid4()), "title": "邻居的问题", "description": "", "household": None},
            token=await _token_for_new_member(gql, world, session_factory),
        ),
        "reportProblem",
    )["problem"]
    _ok(await _move(gql, mine["id"], "IN_PROGRESS", 1, "已联系电工"), "updateProblemStatus")

    listed = _ok(await gql.execute(MINE, as_user="member"), "myReportedProblems")
    by_id = {e["node"]["id"]: e["node"] for e in listed["edges"]}
    assert mine["id"] in by_id and neighbour["id"] not in by_id
    assert set(by_id) == {mine["id"], PROBLEM_IDS["V11"]}  # the world's seeded report is theirs too
    assert by_id[mine["id"]]["status"] == "IN_PROGRESS"
    assert by_id[mine["id"]]["notes"][-1] == {"toStatus": "IN_PROGRESS", "note": "已联系电工"}

    detail = _ok(await gql.execute(ONE, {"id": mine["id"]}, as_user="member"), "problem")
    assert [n["toStatus"] for n in detail["notes"]] == ["OPEN", "IN_PROGRESS"]
    assert _code(await gql.execute(ONE, {"id": neighbour["id"]}, as_user="member"), "problem") == "NOT_FOUND"
    # A member cannot read the ledger itself.
    assert _code(await gql.execute(LEDGER, {}, as_user="member"), "problems") == "FORBIDDEN"


async def _token_for_new_member(gql: GraphQLClient, world: World, session_factory: SessionFactory) -> str:
    from backend.auth.actor import Actor
    from backend.auth.tokens import issue_access_token
    from backend.org.models import Role, User
    from tests.world import password_hash

    async with session_factory.begin() as session:
        user = User(
            phone="13911112222",
            name="邻居",
            password_hash=password_hash(),
            role=Role.MEMBER,
            org_unit_id=world.units["V11"].id,
        )
        session.add(user)
        await session.flush()
        actor = Actor(
            user_id=user.id,
            role=Role.MEMBER,
            org_unit_id=world.units["V11"].id,
            county_id=world.units["A"].id,
            township_id=world.units["T1"].id,
            village_id=world.units["V11"].id,
        )
    return issue_access_token(gql.settings, actor)


async def test_secretary_files_a_problem(gql: GraphQLClient, world: World) -> None:
    problem = _ok(
        await gql.execute(FILE, {"id": str(uuid.uuid4()), "title": "水渠堵塞"}, as_user="village"), "fileProblem"
    )
    assert problem["problem"]["source"] == "SECRETARY"
    assert problem["problem"]["status"] == "OPEN"


async def test_household_must_be_on_the_villages_roster(gql: GraphQLClient, world: World, session_factory) -> None:
    from backend.org.models import Household

    async with session_factory() as session:
        households = {h.code: h.id for h in await session.scalars(select(Household))}
    ok = _ok(await _report(gql, household=str(households["V11-000"])), "reportProblem")
    assert ok["problem"]["id"]
    refused = await _report(gql, household=str(households["V12-000"]))
    assert _code(refused, "reportProblem") == "INVALID_INPUT"
    assert refused["data"]["reportProblem"]["errors"][0]["field"] == "householdId"


async def test_input_is_validated(gql: GraphQLClient, world: World) -> None:
    assert _code(await _report(gql, id="not-a-uuid"), "reportProblem") == "INVALID_INPUT"
    assert _code(await _report(gql, title="   "), "reportProblem") == "INVALID_INPUT"
    assert _code(await _report(gql, title="长" * 201), "reportProblem") == "INVALID_INPUT"


# --- phone-made ids -----------------------------------------------------------------------------


async def test_same_id_same_content_is_a_safe_retry(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    problem_id = str(uuid.uuid4())
    first = _ok(await _report(gql, id=problem_id), "reportProblem")["problem"]
    # The secretary starts work before the phone's resend arrives: the retry returns the stored record.
    _ok(await _move(gql, problem_id, "IN_PROGRESS", 1), "updateProblemStatus")
    again = _ok(await _report(gql, id=problem_id), "reportProblem")["problem"]
    assert again["id"] == first["id"]
    assert again["status"] == "IN_PROGRESS"
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Problem).where(Problem.id == problem_id)) == 1
        notes = await session.scalar(
            select(func.count()).select_from(ProblemNote).where(ProblemNote.problem_id == problem_id)
        )
        assert notes == 2  # the created note and the status change, none for the retry


async def test_same_id_different_content_is_a_conflict(gql: GraphQLClient, world: World) -> None:
    problem_id = str(uuid.uuid4())
    _ok(await _report(gql, id=problem_id), "reportProblem")
    changed = await _report(gql, id=problem_id, description="内容不同")
    assert _code(changed, "reportProblem") == "CONFLICT"
    # The same id from someone else is a conflict too, never a way to read another's report.
    other = await gql.execute(FILE, {"id": problem_id, "title": "三组路灯不亮"}, as_user="village")
    assert _code(other, "fileProblem") == "CONFLICT"
    assert other["data"]["fileProblem"]["problem"] is None


async def test_concurrent_resends_store_one_problem(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    problem_id = str(uuid.uuid4())
    bodies = await asyncio.gather(*(_report(gql, id=problem_id) for _ in range(3)))
    for body in bodies:
        assert _ok(body, "reportProblem")["problem"]["id"] == problem_id
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Problem).where(Problem.id == problem_id)) == 1
        notes = await session.scalar(
            select(func.count()).select_from(ProblemNote).where(ProblemNote.problem_id == problem_id)
        )
        assert notes == 1


# --- lifecycle --------------------------------------------------------------------------------


async def test_open_in_progress_resolved_with_notes_and_audit(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    problem_id = _ok(await _report(gql), "reportProblem")["problem"]["id"]
    step = _ok(await _move(gql, problem_id, "IN_PROGRESS", 1, "已联系供电所"), "updateProblemStatus")["problem"]
    assert (step["status"], step["version"], step["resolvedAt"]) == ("IN_PROGRESS", 2, None)
    done = _ok(await _move(gql, problem_id, "RESOLVED", 2, "路灯已修复"), "updateProblemStatus")["problem"]
    assert (done["status"], done["version"]) == ("RESOLVED", 3)
    assert done["resolvedAt"] is not None
    assert done["notes"] == [
        {"fromStatus": None, "toStatus": "OPEN", "note": "村民反映"},
        {"fromStatus": "OPEN", "toStatus": "IN_PROGRESS", "note": "已联系供电所"},
        {"fromStatus": "IN_PROGRESS", "toStatus": "RESOLVED", "note": "路灯已修复"},
    ]
    async with session_factory() as session:
        actions = (
            await session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity == "problem", AuditEvent.entity_id == problem_id)
                .order_by(AuditEvent.id)
            )
        ).all()
    assert actions == ["report", "status:in_progress", "status:resolved"]
    # Resolved is final.
    for to in ("OPEN", "IN_PROGRESS", "CLOSED", "RESOLVED"):
        assert _code(await _move(gql, problem_id, to, 3, "再改"), "updateProblemStatus") == "INVALID_STATE"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["RESOLVED"], False),  # open → resolved skips "in progress"
        (["OPEN"], False),
        (["CLOSED"], True),
        (["IN_PROGRESS", "OPEN"], False),
        (["IN_PROGRESS", "IN_PROGRESS"], False),
        (["IN_PROGRESS", "CLOSED"], True),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, list) else str(v),
)
async def test_transitions(gql: GraphQLClient, world: World, path: list[str], allowed: bool) -> None:
    problem_id = _ok(await _report(gql), "reportProblem")["problem"]["id"]
    for version, to in enumerate(path[:-1], start=1):
        _ok(await _move(gql, problem_id, to, version, "处理中"), "updateProblemStatus")
    last = await _move(gql, problem_id, path[-1], len(path), "说明")
    if allowed:
        assert _ok(last, "updateProblemStatus")["problem"]["status"] == path[-1]
    else:
        assert _code(last, "updateProblemStatus") == "INVALID_STATE"


async def test_closed_needs_a_reason_and_is_final(gql: GraphQLClient, world: World) -> None:
    problem_id = _ok(await _report(gql), "reportProblem")["problem"]["id"]
    missing = await _move(gql, problem_id, "CLOSED", 1, "   ")
    assert _code(missing, "updateProblemStatus") == "INVALID_INPUT"
    assert missing["data"]["updateProblemStatus"]["errors"][0]["field"] == "note"
    closed = _ok(await _move(gql, problem_id, "CLOSED", 1, "属县级事权，已告知村民"), "updateProblemStatus")
    assert closed["problem"]["status"] == "CLOSED"
    assert closed["problem"]["resolvedAt"] is None
    assert _code(await _move(gql, problem_id, "IN_PROGRESS", 2), "updateProblemStatus") == "INVALID_STATE"


async def test_stale_version_returns_the_current_problem(gql: GraphQLClient, world: World) -> None:
    problem_id = _ok(await _report(gql), "reportProblem")["problem"]["id"]
    _ok(await _move(gql, problem_id, "IN_PROGRESS", 1, "手机甲"), "updateProblemStatus")
    stale = await _move(gql, problem_id, "CLOSED", 1, "手机乙：不办了")
    payload = stale["data"]["updateProblemStatus"]
    assert payload["errors"][0]["code"] == "STALE_VERSION"
    assert payload["errors"][0]["field"] == "baseVersion"
    assert "当前版本 2" in payload["errors"][0]["message"]
    assert payload["problem"]["status"] == "IN_PROGRESS"
    assert payload["problem"]["version"] == 2
    assert len(payload["problem"]["notes"]) == 2  # nothing was written


async def test_only_the_villages_secretary_moves_its_problems(gql: GraphQLClient, world: World) -> None:
    problem_id = _ok(await _report(gql), "reportProblem")["problem"]["id"]
    # Another village's secretary finds nothing (as for an unknown id); other roles never move one.
    assert _code(await _move(gql, problem_id, "IN_PROGRESS", 1, as_user="village_v12"), "updateProblemStatus") == (
        "NOT_FOUND"
    )
    for user in ("township", "county", "member"):
        assert _code(await _move(gql, problem_id, "IN_PROGRESS", 1, as_user=user), "updateProblemStatus") in {
            "FORBIDDEN"
        }
    missing = await _move(gql, str(uuid.uuid4()), "IN_PROGRESS", 1)
    assert _code(missing, "updateProblemStatus") == "NOT_FOUND"


async def test_notes_and_audit_are_append_only_in_the_database(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    problem_id = _ok(await _report(gql), "reportProblem")["problem"]["id"]
    _ok(await _move(gql, problem_id, "IN_PROGRESS", 1, "原始说明"), "updateProblemStatus")
    for statement in (
        "UPDATE problem_notes SET note = '篡改'",
        "DELETE FROM problem_notes",
        "UPDATE audit_events SET action = 'x'",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with session_factory.begin() as session:
                await session.execute(text(statement))
    detail = _ok(await gql.execute(ONE, {"id": problem_id}, as_user="village"), "problem")
    assert [n["note"] for n in detail["notes"]] == ["村民反映", "原始说明"]


# --- reading ----------------------------------------------------------------------------------


async def test_ledger_pages_newest_first(gql: GraphQLClient, world: World, session_factory: SessionFactory) -> None:
    base = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    ids = [f"00000000-0000-4000-a000-{n:012d}" for n in range(5)]
    async with session_factory.begin() as session:
        for n, problem_id in enumerate(ids):
            # Two share a timestamp: the id breaks the tie.
            at = base + timedelta(hours=min(n, 3))
            session.add(_problem(world, problem_id, ProblemStatus.OPEN, at))
    seen: list[str] = []
    after = None
    while True:
        page = _ok(await gql.execute(LEDGER, {"first": 2, "after": after}, as_user="village"), "problems")
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert page["totalCount"] == 6
    assert seen == [PROBLEM_IDS["V11"], ids[4], ids[3], ids[2], ids[1], ids[0]]
    bad = await gql.execute(LEDGER, {"after": "bm9wZQ=="}, as_user="village")
    assert _code(bad, "problems") == "INVALID_INPUT"


def _problem(world: World, problem_id: str, status: ProblemStatus, created_at: datetime, village: str = "V11"):
    unit = world.units[village]
    return Problem(
        id=problem_id,
        village_id=unit.id,
        township_id=unit.township_id,
        county_id=unit.county_id,
        secretary_id=world.secretaries[village].id,
        source=ProblemSource.SECRETARY,
        reporter_user_id=world.users["village"].id,
        title="台账问题",
        description="",
        status=status,
        content_hash="0" * 64,
        version=1,
        created_at=created_at,
        updated_at=created_at,
    )


async def test_ledger_summary_resolution_rate_by_hand(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    # The rule: resolved ÷ all problems created before midnight (UTC) of today − 30 days.
    midnight = datetime.combine(date.today(), time.min, tzinfo=UTC)
    cutoff = midnight - timedelta(days=30)
    rows = [
        ("a", ProblemStatus.RESOLVED, midnight - timedelta(days=40)),  # old, resolved → 1/1
        ("b", ProblemStatus.IN_PROGRESS, cutoff - timedelta(seconds=1)),  # just old enough → denominator
        ("c", ProblemStatus.CLOSED, midnight - timedelta(days=35)),  # closed counts as not resolved
        ("d", ProblemStatus.RESOLVED, midnight - timedelta(days=10)),  # too new for the rate
        ("e", ProblemStatus.OPEN, cutoff),  # exactly 30 days: not older than 30 days
    ]
    async with session_factory.begin() as session:
        for suffix, status, created in rows:
            session.add(_problem(world, f"00000000-0000-4000-b000-00000000000{suffix}", status, created))
        # Another village's problems never count.
        session.add(_problem(world, str(uuid.uuid4()), ProblemStatus.OPEN, midnight - timedelta(days=90), "V12"))

    summary = _ok(await gql.execute(SUMMARY, {}, as_user="village"), "ledgerSummary")
    assert summary["total"] == 6  # five above and the world's open report
    assert summary["complete"] is True
    assert {s["status"]: s["count"] for s in summary["byStatus"]} == {
        "OPEN": 2,
        "IN_PROGRESS": 1,
        "RESOLVED": 2,
        "CLOSED": 1,
    }
    assert summary["resolutionRate"] == {"numerator": 1, "denominator": 3, "percent": 33.3, "ageDays": 30}

    # The county sets 7 days: "d" (10 days old) now counts, resolved.
    async with session_factory.begin() as session:
        session.add(CountySettings(county_id=world.units["A"].id, values={"problem_resolution_age_days": 7}))
    as_township = _ok(await gql.execute(SUMMARY, {"v": world.unit_id("V11")}, as_user="township"), "ledgerSummary")
    assert as_township["resolutionRate"] == {"numerator": 2, "denominator": 5, "percent": 40.0, "ageDays": 7}


async def test_ledger_summary_of_an_empty_ledger(gql: GraphQLClient, world: World, session_factory) -> None:
    async with session_factory.begin() as session:
        await save_version(session, world.units["A"].id, 1, default_with(problem_ledger=2))
    summary = _ok(await gql.execute(SUMMARY, {"v": world.unit_id("V12")}, as_user="county"), "ledgerSummary")
    assert summary["total"] == 1
    assert summary["complete"] is False  # the county asks for two
    assert summary["resolutionRate"] == {"numerator": 0, "denominator": 0, "percent": None, "ageDays": 30}


LEDGER_SCREEN = """{ problems(first: 50) { totalCount edges { node {
  id title status village { name } notes { toStatus note at } } } } }"""


async def test_ledger_screen_query_count_does_not_grow_with_rows(
    app, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    from tests.test_query_counts import count_queries

    async def count() -> int:
        with count_queries(app) as statements:
            body = await gql.execute(LEDGER_SCREEN, as_user="township")
        assert "errors" not in body, body
        return len(statements)

    few = await count()
    async with session_factory.begin() as session:
        for n in range(12):
            problem = _problem(
                world, str(uuid.uuid4()), ProblemStatus.OPEN, datetime.now(UTC), "V12" if n % 2 else "V11"
            )
            session.add(problem)
            await session.flush()
            session.add(ProblemNote(problem_id=problem.id, author_user_id=world.users["village"].id, to_status="open"))
    assert await count() == few
