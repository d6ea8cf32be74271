"""Checking in and starting roll calls."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from backend.attendance.allowance import allowance_sheet
from backend.attendance.api.types import (
    AttendanceRow,
    AttendanceSummary,
    CheckIn,
    DayDeclaration,
    DeclarationReason,
    RollCall,
    RollCallAnswer,
    RollCallReason,
    VerificationMode,
)
from backend.attendance.checkins import CheckInResult, NewCheckIn, check_in, flag_of
from backend.attendance.common import parse_month
from backend.attendance.confirmations import confirm_month, correct_month
from backend.attendance.declarations import decide_leave, declare_day, withdraw_day
from backend.attendance.roll_calls import NewRollCall, Verification, start_roll_call, verify_roll_call_target
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.pagination import parse_id


@strawberry.input
class CheckInInput:
    id: strawberry.ID = strawberry.field(description="UUID made on the phone; resending it is a safe retry.")
    at: datetime = strawberry.field(description="The phone's clock, with its offset.")
    lat: float
    lng: float
    accuracy_m: float | None = None


@strawberry.input
class StartRollCallInput:
    id: strawberry.ID = strawberry.field(description="UUID made by the client; resending it is a safe retry.")
    secretary_ids: list[strawberry.ID]
    reason: RollCallReason | None = strawberry.field(
        default=None, description="Required (国办函〔2026〕12号): a roll call without a reason is refused."
    )
    note: str | None = strawberry.field(default=None, description="The reason's explanation; required for OTHER.")


@strawberry.input
class VerifyRollCallTargetInput:
    roll_call_id: strawberry.ID
    secretary_id: strawberry.ID
    mode: VerificationMode
    note: str = strawberry.field(description="What the call showed, e.g. 视频中看到其在村委会.")


@strawberry.type
class CheckInPayload:
    check_in: CheckIn | None = None
    roll_calls: list[RollCallAnswer] = strawberry.field(
        default_factory=list,
        description="Open roll calls naming the secretary: answered by this check-in, or why not.",
    )
    notice: str | None = strawberry.field(default=None, description="A message for the secretary (Chinese).")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RollCallPayload:
    roll_call: RollCall | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _notice(result: CheckInResult) -> str:
    checkin = result.checkin
    flag = flag_of(checkin)
    parts = ["签到成功" if flag is None else f"签到已记录，但已标记：{flag}"]
    answered = sum(1 for o in result.roll_calls if o.answered)
    unanswered = [o for o in result.roll_calls if not o.answered]
    if answered:
        parts.append(f"已应答点名 {answered} 次")
    if unanswered:
        parts.append(f"尚有 {len(unanswered)} 次点名未应答：{unanswered[0].reason}")
    return "；".join(parts)


@strawberry.input
class DeclareDayInput:
    day: date
    reason: DeclarationReason = strawberry.field(
        description="镇街会议/培训/公务外出 count; 请假 (LEAVE) needs approval."
    )
    note: str | None = strawberry.field(default=None, description="Up to 200 characters; required for LEAVE.")


@strawberry.input
class DecideLeaveInput:
    declaration_id: strawberry.ID
    approve: bool
    note: str | None = strawberry.field(default=None, description="Up to 200 characters; required to reject.")


@strawberry.input
class ConfirmAttendanceMonthInput:
    month: str = strawberry.field(description="YYYY-MM")
    secretary_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The secretaries to confirm; null: every secretary of the township."
    )


@strawberry.input
class CorrectAttendanceMonthInput:
    month: str = strawberry.field(description="YYYY-MM")
    secretary_id: strawberry.ID
    stationed_days: int
    note: str = strawberry.field(description="Why the count is corrected (required, up to 200 characters).")


@strawberry.type
class DayDeclarationPayload:
    declaration: DayDeclaration | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ConfirmAttendancePayload:
    summary: AttendanceSummary | None = strawberry.field(default=None, description="The township's sheet after.")
    confirmed_count: int = 0
    already_confirmed_count: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CorrectAttendancePayload:
    row: AttendanceRow | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AttendanceMutations:
    @strawberry.mutation(description="First secretary: check in with GPS (recorded and flagged when outside).")
    @returns_payload_errors(CheckInPayload)
    async def check_in(self, info: Info, input: CheckInInput) -> CheckInPayload:
        new = NewCheckIn(id=str(input.id), at=input.at, lat=input.lat, lng=input.lng, accuracy_m=input.accuracy_m)
        async with info.context.transaction() as session:
            result = await check_in(session, info.context.actor, new)
        return CheckInPayload(
            check_in=CheckIn.from_model(result.checkin),
            roll_calls=[RollCallAnswer.from_outcome(o) for o in result.roll_calls],
            notice=_notice(result),
        )

    @strawberry.mutation(description="Township: start a roll call of secretaries in its villages.")
    @returns_payload_errors(RollCallPayload)
    async def start_roll_call(self, info: Info, input: StartRollCallInput) -> RollCallPayload:
        new = NewRollCall(
            id=str(input.id),
            secretary_ids=[parse_id(s, "secretaryIds") for s in input.secretary_ids],
            reason=input.reason,
            note=input.note or "",
        )
        async with info.context.transaction() as session:
            view = await start_roll_call(session, info.context.actor, new)
        return RollCallPayload(roll_call=RollCall.from_view(view))

    @strawberry.mutation(
        description="Township: record a phone or video verification of a named secretary (counts as answered)."
    )
    @returns_payload_errors(RollCallPayload)
    async def verify_roll_call_target(self, info: Info, input: VerifyRollCallTargetInput) -> RollCallPayload:
        verification = Verification(
            roll_call_id=str(input.roll_call_id),
            secretary_id=parse_id(input.secretary_id, "secretaryId"),
            mode=input.mode,
            note=input.note,
        )
        async with info.context.transaction() as session:
            view = await verify_roll_call_target(session, info.context.actor, verification)
        return RollCallPayload(roll_call=RollCall.from_view(view))

    @strawberry.mutation(
        description="First secretary: declare a workday (镇街会议/培训/公务外出 count; LEAVE is a leave request)."
    )
    @returns_payload_errors(DayDeclarationPayload)
    async def declare_day(self, info: Info, input: DeclareDayInput) -> DayDeclarationPayload:
        async with info.context.transaction() as session:
            declaration = await declare_day(
                session, info.context.actor, day=input.day, reason=input.reason, note=input.note
            )
        return DayDeclarationPayload(declaration=DayDeclaration.from_model(declaration))

    @strawberry.mutation(
        description="First secretary: withdraw a declaration (not a decided leave, not once confirmed)."
    )
    @returns_payload_errors(DayDeclarationPayload)
    async def withdraw_day_declaration(self, info: Info, day: date) -> DayDeclarationPayload:
        async with info.context.transaction() as session:
            declaration = await withdraw_day(session, info.context.actor, day=day)
        return DayDeclarationPayload(declaration=DayDeclaration.from_model(declaration))

    @strawberry.mutation(description="Township: approve or reject a pending leave request (a note to reject).")
    @returns_payload_errors(DayDeclarationPayload)
    async def decide_leave(self, info: Info, input: DecideLeaveInput) -> DayDeclarationPayload:
        async with info.context.transaction() as session:
            declaration = await decide_leave(
                session,
                info.context.actor,
                parse_id(input.declaration_id, "declarationId"),
                approve=input.approve,
                note=input.note,
            )
        return DayDeclarationPayload(declaration=DayDeclaration.from_model(declaration))

    @strawberry.mutation(
        description="Township: confirm the month's sheet for some or all of its secretaries (frozen numbers)."
    )
    @returns_payload_errors(ConfirmAttendancePayload)
    async def confirm_attendance_month(
        self, info: Info, input: ConfirmAttendanceMonthInput
    ) -> ConfirmAttendancePayload:
        month = parse_month(input.month)
        ids = [parse_id(s, "secretaryIds") for s in input.secretary_ids] if input.secretary_ids is not None else None
        async with info.context.transaction() as session:
            done = await confirm_month(session, info.context.actor, month, ids)
            sheet = await allowance_sheet(session, info.context.actor, month=month)
        return ConfirmAttendancePayload(
            summary=AttendanceSummary.from_sheet(sheet, None),
            confirmed_count=len(done.confirmed),
            already_confirmed_count=done.already,
        )

    @strawberry.mutation(description="Township: confirm a secretary's month with a corrected day count and a note.")
    @returns_payload_errors(CorrectAttendancePayload)
    async def correct_attendance_month(
        self, info: Info, input: CorrectAttendanceMonthInput
    ) -> CorrectAttendancePayload:
        month = parse_month(input.month)
        secretary_id = parse_id(input.secretary_id, "secretaryId")
        async with info.context.transaction() as session:
            await correct_month(session, info.context.actor, month, secretary_id, input.stationed_days, input.note)
            sheet = await allowance_sheet(session, info.context.actor, month=month)
        row = next(r for r in sheet.rows if r.secretary_id == secretary_id)
        return CorrectAttendancePayload(row=AttendanceRow.from_row(row))
