"""Every GraphQL input written to a length-limited column, sent one character over its limit, is
refused INVALID_INPUT naming the field — on SQLite (which would store it silently) and on
PostgreSQL (which would fail the write as INTERNAL) — and nothing is written.

`CASES` covers each such input; `test_every_limited_column_is_covered` fails when a model gains a
length-limited column that is neither covered here nor listed in `NOT_FROM_INPUT` with the reason
no caller can put text into it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import String, func, select

from backend.audit.models import AuditEvent
from backend.auth.models import LoginFailure
from backend.core.db import SessionFactory
from backend.tables import metadata
from tests.conftest import GraphQLClient
from tests.world import World

ERR = "errors { code field message }"


@dataclass(frozen=True)
class Case:
    column: str  # table.column the input is written to
    role: str | None  # the world's user, or None for anonymous
    document: str
    variables: Callable[[World, str], dict[str, Any]]  # given the over-long text
    field: str  # the field the refusal names
    limit: int
    alphabet: str = "字"  # what the over-long value is made of

    def value(self) -> str:
        return self.alphabet * (self.limit + 1)


def _uuid_like(n: int) -> str:
    return (str(uuid.uuid4()) + "0" * n)[:n]


FILING = (
    "mutation($input: FilingInput!) { submitFiling(input: $input) { " + ERR + " } }",
    "mutation($input: FilingInput!) { editFiling(input: $input, baseVersion: 1) { " + ERR + " } }",
)


def _filing(world: World, **overrides: Any) -> dict[str, Any]:
    base = {
        "id": str(uuid.uuid4()),
        "kind": "WORK_DIARY",
        "occurredOn": "2026-11-20",
        "recordedAt": "2026-11-20T18:30:00+08:00",
        "title": "民情日记",
        "body": {"content": "走访三组"},
    }
    return {"input": {**base, **overrides}}


CASES = [
    Case(
        "external_identities.subject",
        "county",
        "mutation($u: ID!, $s: String!) { bindExternalIdentity(userId: $u, subject: $s) { " + ERR + " } }",
        lambda w, v: {"u": w.user_id("township"), "s": v},
        "subject",
        255,
        "a",
    ),
    Case(
        "login_failures.phone",
        None,
        'mutation($p: String!) { login(phone: $p, password: "x1234567") { ' + ERR + " } }",
        lambda w, v: {"p": v},
        "phone",
        20,
        "1",
    ),
    Case(
        "org_units.name",
        "county",
        "mutation($i: CreateOrgUnitInput!) { createOrgUnit(input: $i) { " + ERR + " } }",
        lambda w, v: {"i": {"parentId": w.unit_id("T1"), "kind": "VILLAGE", "name": v, "code": "V19"}},
        "name",
        100,
    ),
    Case(
        "org_units.code",
        "county",
        "mutation($i: CreateOrgUnitInput!) { createOrgUnit(input: $i) { " + ERR + " } }",
        lambda w, v: {"i": {"parentId": w.unit_id("T1"), "kind": "VILLAGE", "name": "新村", "code": v}},
        "code",
        40,
        "C",
    ),
    Case(
        "users.phone",
        "county",
        "mutation($i: CreateUserInput!) { createUser(input: $i) { " + ERR + " } }",
        lambda w, v: {
            "i": {"phone": v, "name": "王五", "password": "Passw0rd!", "role": "TOWNSHIP", "orgUnitId": w.unit_id("T1")}
        },
        "phone",
        20,
        "1",
    ),
    Case(
        "users.name",
        "county",
        "mutation($i: CreateUserInput!) { createUser(input: $i) { " + ERR + " } }",
        lambda w, v: {
            "i": {
                "phone": "13912340000",
                "name": v,
                "password": "Passw0rd!",
                "role": "TOWNSHIP",
                "orgUnitId": w.unit_id("T1"),
            }
        },
        "name",
        50,
    ),
    *[
        Case(
            f"secretary_profiles.{column}",
            "county",
            "mutation($i: CreateSecretaryInput!) { createSecretary(input: $i) { " + ERR + " } }",
            lambda w, v, field=field: {
                "i": {
                    "name": "赵六",
                    "gender": "MALE",
                    "phone": "13912340001",
                    "dispatchUnit": "县财政局",
                    "unitType": "MUNICIPAL",
                    "mode": "RESIDENT",
                    "cadreClass": "SECTION_CHIEF",
                    "villageId": w.unit_id("V12"),
                    "termStart": "2026-03-01",
                    "termEnd": "2027-02-28",
                    field: v,
                }
            },
            field,
            limit,
            alphabet,
        )
        for column, field, limit, alphabet in (
            ("name", "name", 50, "字"),
            ("phone", "phone", 20, "1"),
            ("dispatch_unit", "dispatchUnit", 100, "字"),
        )
    ],
    *[
        Case(column, "village", document, lambda w, v, field=field: _filing(w, **{field: v}), field, limit, alphabet)
        for document in FILING
        for column, field, limit, alphabet in (("filings.id", "id", 36, "a"), ("filings.title", "title", 200, "字"))
    ],
    Case(
        "filing_photos.media_sha256",
        "village",
        FILING[0],
        lambda w, v: _filing(w, photos=[v]),
        "photos",
        64,
        "a",
    ),
    Case(
        "checkins.id",
        "village",
        "mutation($i: CheckInInput!) { checkIn(input: $i) { " + ERR + " } }",
        lambda w, v: {"i": {"id": v, "at": "2026-11-20T09:00:00+08:00", "lat": 36.3, "lng": 120.0}},
        "id",
        36,
        "a",
    ),
    Case(
        "roll_calls.id",
        "township",
        "mutation($i: StartRollCallInput!) { startRollCall(input: $i) { " + ERR + " } }",
        lambda w, v: {"i": {"id": v, "secretaryIds": [str(w.secretaries["V11"].id)]}},
        "id",
        36,
        "a",
    ),
    Case(
        "photo_requirements.reason",
        "county",
        "mutation($i: SetPhotoRequirementInput!) { setPhotoRequirement(input: $i) { " + ERR + " } }",
        lambda w, v: {"i": {"kind": "WORK_DIARY", "required": True, "reason": v}},
        "reason",
        500,
    ),
    Case(
        "roll_call_targets.verified_note",
        "township",
        "mutation($i: VerifyRollCallTargetInput!) { verifyRollCallTarget(input: $i) { " + ERR + " } }",
        lambda w, v: {
            "i": {
                "rollCallId": str(uuid.uuid4()),
                "secretaryId": str(w.secretaries["V11"].id),
                "mode": "PHONE",
                "note": v,
            }
        },
        "note",
        200,
    ),
    Case(
        "day_declarations.note",
        "village",
        "mutation($i: DeclareDayInput!) { declareDay(input: $i) { " + ERR + " } }",
        lambda w, v: {"i": {"day": "2026-11-10", "reason": "OFFICIAL_TRIP", "note": v}},
        "note",
        200,
    ),
    Case(
        "day_declarations.decision_note",
        "township",
        "mutation($i: DecideLeaveInput!) { decideLeave(input: $i) { " + ERR + " } }",
        lambda w, v: {"i": {"declarationId": "1", "approve": False, "note": v}},
        "note",
        200,
    ),
    Case(
        "attendance_confirmations.month",
        "township",
        "mutation($i: ConfirmAttendanceMonthInput!) { confirmAttendanceMonth(input: $i) { " + ERR + " } }",
        lambda w, v: {"i": {"month": v}},
        "month",
        7,
        alphabet="2",
    ),
    *[
        Case(
            column,
            role,
            f"mutation($i: {kind}!) {{ {mutation}(input: $i) {{ {ERR} }} }}",
            lambda w, v, field=field: {"i": {"id": str(uuid.uuid4()), "title": "路灯坏了", field: v}},
            field,
            limit,
            alphabet,
        )
        for role, kind, mutation in (
            ("member", "ReportProblemInput", "reportProblem"),
            ("village", "FileProblemInput", "fileProblem"),
        )
        for column, field, limit, alphabet in (("problems.id", "id", 36, "a"), ("problems.title", "title", 200, "字"))
    ],
    *[
        Case(
            column,
            role,
            f"mutation($i: {kind}!) {{ {mutation}(input: $i) {{ {ERR} }} }}",
            lambda w, v: {"i": {"id": str(uuid.uuid4()), "title": "路灯坏了", "photos": [v]}},
            "photos",
            64,
            "a",
        )
        for role, kind, mutation in (
            ("member", "ReportProblemInput", "reportProblem"),
            ("village", "FileProblemInput", "fileProblem"),
        )
        for column in ("problem_photos.media_sha256",)
    ],
    *[
        Case(
            column,
            None,
            "mutation($i: PublicProblemInput!) { reportPublicProblem(input: $i) { " + ERR + " } }",
            lambda w, v, field=field: {
                "i": {"id": str(uuid.uuid4()), "villageId": w.unit_id("V11"), "title": "路灯坏了", field: v}
            },
            field,
            limit,
            alphabet,
        )
        for column, field, limit, alphabet in (
            ("problems.title", "title", 200, "字"),
            ("problems.contact_phone", "contactPhone", 20, "1"),
        )
    ],
    Case(
        "complaints.contact_phone",
        None,
        "mutation($i: PublicComplaintInput!) { sendPublicComplaint(input: $i) { " + ERR + " } }",
        lambda w, v: {
            "i": {
                "villageId": w.unit_id("V11"),
                "kind": "COMPLAINT",
                "topic": "OTHER",
                "text": "太多",
                "contactPhone": v,
            }
        },
        "contactPhone",
        20,
        "1",
    ),
    Case(
        "problem_notes.problem_id",
        "village",
        "mutation($i: UpdateProblemStatusInput!) { updateProblemStatus(input: $i) { " + ERR + " } }",
        lambda w, v: {"i": {"id": v, "toStatus": "IN_PROGRESS", "baseVersion": 1}},
        "id",
        36,
        "a",
    ),
    Case(
        "service_cards.photo_sha256",
        "village",
        "mutation($i: GenerateServiceCardInput) { generateServiceCard(input: $i) { " + ERR + " } }",
        lambda w, v: {"i": {"photoSha256": v}},
        "photoSha256",
        64,
        "a",
    ),
    Case(
        "polls.title",
        "township",
        "mutation($i: CreatePollInput!) { createPoll(input: $i) { " + ERR + " } }",
        lambda w, v: {"i": {"secretaryId": str(w.secretaries["V11"].id), "period": "2026", "title": v}},
        "title",
        100,
    ),
    *[
        Case(
            f"{table}.period",
            role,
            document,
            variables,
            "period",
            20,
            "2",
        )
        for table, role, document, variables in (
            (
                "polls",
                "township",
                "mutation($i: CreatePollInput!) { createPoll(input: $i) { " + ERR + " } }",
                lambda w, v: {"i": {"secretaryId": str(w.secretaries["V11"].id), "period": v}},
            ),
            (
                "assessments",
                "county",
                "mutation($i: ScoreAssessmentInput!) { scoreAssessment(input: $i) { " + ERR + " } }",
                lambda w, v: {
                    "i": {
                        "secretaryId": str(w.secretaries["V11"].id),
                        "period": v,
                        "version": 0,
                        "items": [{"key": "research.diary"}],
                    }
                },
            ),
            (
                "rubric_versions",
                "county",
                "mutation($i: UpdateRubricInput!) { updateRubric(input: $i) { " + ERR + " } }",
                lambda w, v: {"i": {"period": v, "basedOnVersion": 1, "items": []}},
            ),
            (
                "org_class_records",
                "county",
                "mutation($i: RecordOrgClassInput!) { recordOrgClass(input: $i) { " + ERR + " } }",
                lambda w, v: {"i": {"villageId": w.unit_id("V11"), "period": v, "orgClass": "A"}},
            ),
            (
                "disqualifications",
                "county",
                "mutation($i: RecordDisqualificationInput!) { recordDisqualification(input: $i) { " + ERR + " } }",
                lambda w, v: {
                    "i": {
                        "secretaryId": str(w.secretaries["V11"].id),
                        "period": v,
                        "kind": "DISCIPLINE",
                        "reason": "严重违纪",
                    }
                },
            ),
            (
                "ranking_snapshots",
                "county",
                "mutation($i: PublishRankingInput!) { publishRanking(input: $i) { " + ERR + " } }",
                lambda w, v: {"i": {"period": v}},
            ),
        )
    ],
    Case(
        "assessment_item_scores.item_key",
        "county",
        "mutation($i: ScoreAssessmentInput!) { scoreAssessment(input: $i) { " + ERR + " } }",
        lambda w, v: {
            "i": {"secretaryId": str(w.secretaries["V11"].id), "period": "2026", "version": 0, "items": [{"key": v}]}
        },
        "key",
        64,
        "k",
    ),
    Case(
        "duty_checklists.name",
        "county",
        "mutation($i: SaveDutyChecklistInput!) { saveDutyChecklist(input: $i) { " + ERR + " } }",
        lambda w, v: {
            "i": {
                "basedOnVersion": 1,
                "name": v,
                "effectiveFrom": "2027-03-01",
                "items": [{"label": "走访", "kinds": ["household_visit"], "rule": "ROSTER_COVERAGE", "threshold": 90}],
            }
        },
        "name",
        12,
    ),
]

# Length-limited columns no caller can write text into, and why.
NOT_FROM_INPUT = {
    "org_units.kind": "an enum value",
    "poll_ballot_staging.receipt": "a hash the server computes",
    "poll_ballot_staging.choice": "an enum value",
    "households.code": "written by the Excel import, which checks its own cells (tests/services/test_importer*)",
    "households.head_name": "written by the Excel import",
    "households.phone": "written by the Excel import",
    "households.address": "written by the Excel import",
    "users.password_hash": "an argon2 hash",
    "users.role": "an enum value",
    "audit_events.entity": "set by the server",
    "audit_events.entity_id": "ids the server has validated",
    "audit_events.action": "set by the server",
    "audit_events.prev_hash": "a hash the server computes",
    "audit_events.hash": "a hash the server computes",
    "audit_events.chain": "set by the server (from the entity)",
    "audit_anchors.chain": "set by the server",
    "audit_anchors.hash": "a hash the server computes",
    "media.sha256": "computed from the uploaded bytes",
    "partial_uploads.sha256": "a resumable upload's name: 64 hex digits checked before any write (tests/media/test_resumable.py)",
    "partial_upload_parts.sha256": "the name of the upload the part belongs to, as above",
    "media.stored_key": "made by the server",
    "media.thumb_key": "made by the server",
    "media.mime": "sniffed from the bytes",
    "org_class_records.org_class": "an enum value",
    "ranking_snapshots.sha256": "a hash the server computes",
    "rubric_versions.sha256": "a hash the server computes",
    "duty_checklists.sha256": "a hash the server computes",
    "refresh_tokens.token_hash": "a hash the server computes",
    "external_identities.issuer": "the configured OIDC_ISSUER",
    "external_identities.method": "an enum value",
    "oidc_login_attempts.state_hash": "a hash the server computes",
    "oidc_login_attempts.browser_hash": "a hash the server computes",
    "oidc_login_attempts.nonce": "a random value the server makes",
    "oidc_login_attempts.code_verifier": "a random value the server makes",
    "oidc_login_attempts.next_path": "the start's ?next= kept only when a local path of at most 200 characters",
    "login_tickets.ticket_hash": "a hash the server computes",
    "refresh_tokens.family_id": "a UUID the server makes",
    "login_challenges.token_hash": "a hash the server computes",
    "login_challenges.purpose": "a constant of the server (verify, enrol)",
    "recovery_codes.salt": "random hex the server makes",
    "recovery_codes.code_hash": "a keyed hash the server computes",
    "secretary_profiles.gender": "an enum value",
    "secretary_profiles.unit_type": "an enum value",
    "secretary_profiles.mode": "an enum value",
    "secretary_profiles.cadre_class": "an enum value",
    "checkins.content_hash": "a hash the server computes",
    "disqualifications.kind": "an enum value",
    "filings.kind": "an enum value",
    "day_declarations.reason": "an enum value",
    "day_declarations.status": "an enum value",
    "attendance_confirmations.source": "an enum value",
    "filings.status": "an enum value",
    "filings.content_hash": "a hash the server computes",
    "polls.status": "an enum value",
    "polls.key_fingerprint": "a hash the server computes",
    "polls.tier": "computed at close",
    "problems.source": "set by the server",
    "problems.status": "an enum value",
    "problems.content_hash": "a hash the server computes",
    "ranking_snapshot_rows.group_key": "copied from checked rows at publishing",
    "ranking_snapshot_rows.name": "copied from checked rows at publishing",
    "ranking_snapshot_rows.township_name": "copied from checked rows at publishing",
    "ranking_snapshot_rows.village_name": "copied from checked rows at publishing",
    "ranking_snapshot_rows.grade": "computed",
    "ranking_snapshot_rows.reason_code": "computed",
    "filing_photos.filing_id": "the filing's checked id",
    "poll_ballots.receipt": "a hash the server computes",
    "poll_ballots.choice": "an enum value",
    "poll_board_entries.type": "set by the server",
    "poll_board_entries.prev_hash": "a hash the server computes",
    "poll_board_entries.hash": "a hash the server computes",
    "poll_paper_codes.code_hash": "a hash the server computes",
    "poll_voters.category": "an enum value",
    "poll_voters.credential_request": "a hash the server computes",
    "problem_notes.from_status": "an enum value",
    "problem_photos.problem_id": "the problem's checked id",
    "problem_notes.to_status": "an enum value",
    "roll_call_targets.roll_call_id": "the roll call's checked id",
    "roll_call_targets.checkin_id": "the check-in's checked id",
    "roll_call_targets.verified_mode": "an enum value",
    "roll_calls.reason": "an enum value",
    "photo_requirements.kind": "an enum value",
    "complaints.tracking_number": "drawn by the server (secrets)",
    "complaints.kind": "an enum value",
    "complaints.topic": "an enum value",
    "complaints.state": "an enum value",
}

# Written through the poll roster mutations: covered by test_poll_voter_inputs_over_the_limit.
POLL_VOTER_COLUMNS = {"poll_voters.name": ("name", 50, "字"), "poll_voters.phone": ("phone", 20, "1")}


def _limited_columns() -> dict[str, int]:
    return {
        f"{table.name}.{column.name}": column.type.length
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String) and column.type.length
    }


def test_every_limited_column_is_covered() -> None:
    limited = _limited_columns()
    covered = {case.column for case in CASES} | set(NOT_FROM_INPUT) | set(POLL_VOTER_COLUMNS)
    assert sorted(limited.keys() - covered) == [], "a length-limited column with no input-length case"
    assert sorted(covered - limited.keys()) == [], "a case names a column that no longer exists"
    for case in CASES:
        assert case.limit == limited[case.column], case.column
    for column, (_field, limit, _alphabet) in POLL_VOTER_COLUMNS.items():
        assert limit == limited[column], column


def _refusal(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    assert payload["errors"], body
    return payload["errors"][0]


async def _writes(session_factory: SessionFactory) -> tuple[int, int]:
    async with session_factory() as session:
        events = await session.scalar(select(func.count()).select_from(AuditEvent))
        failures = await session.scalar(select(func.count()).select_from(LoginFailure))
        return int(events or 0), int(failures or 0)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.column}:{c.document.split('(')[1].split()[-1]}" for c in CASES])
async def test_an_input_over_its_column_limit_is_invalid_input(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, case: Case
) -> None:
    before = await _writes(session_factory)
    body = await gql.execute(case.document, case.variables(world, case.value()), as_user=case.role)
    error = _refusal(body)
    assert error["code"] == "INVALID_INPUT" and error["field"].split(".")[-1] == case.field, error
    assert await _writes(session_factory) == before


async def test_poll_voter_inputs_over_the_limit(gql: GraphQLClient, world: World) -> None:
    from tests.polls.helpers import CREATE, IMPORT, UPDATE_VOTER

    poll = await gql.execute(CREATE, {"s": str(world.secretaries["V11"].id), "p": "2026"}, as_user="township")
    poll_id = poll["data"]["createPoll"]["poll"]["id"]
    voter = {"name": "李四", "category": "PARTY_MEMBER"}
    roster = await gql.execute(IMPORT, {"id": poll_id, "v": [voter], "r": False}, as_user="township")
    voter_id = roster["data"]["importPollRoster"]["voters"][0]["id"]
    for field, limit, alphabet in POLL_VOTER_COLUMNS.values():
        over = {**voter, field: alphabet * (limit + 1)}
        imported = await gql.execute(IMPORT, {"id": poll_id, "v": [over], "r": False}, as_user="township")
        updated = await gql.execute(UPDATE_VOTER, {"id": voter_id, "v": over}, as_user="township")
        for body in (imported, updated):
            error = _refusal(body)
            assert error["code"] == "INVALID_INPUT" and error["field"].split(".")[-1] == field, error
