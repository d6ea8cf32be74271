"""Queries over attendance: roll calls, check-ins and the monthly allowance summary."""

from __future__ import annotations

import strawberry

from backend.attendance.allowance import allowance_sheet
from backend.attendance.api.types import (
    AttendanceMonth,
    AttendanceSummary,
    CheckIn,
    DayDeclaration,
    RollCall,
    RollCallAllowance,
)
from backend.attendance.checkins import list_checkins, my_checkins
from backend.attendance.common import parse_month
from backend.attendance.declarations import list_declarations, my_month, secretary_month
from backend.attendance.roll_calls import list_roll_calls, my_open_roll_calls, roll_call_allowance
from backend.audit.security_log import record_bulk_read
from backend.graphql.context import Info
from backend.graphql.pagination import Connection, connection_from_page, parse_id, parse_optional_id


@strawberry.type
class AttendanceQueries:
    @strawberry.field(description="Township: its own roll calls; county: all in the county. Newest first.")
    async def roll_calls(self, info: Info, first: int | None = 20, after: str | None = None) -> Connection[RollCall]:
        async with info.context.session() as session:
            page = await list_roll_calls(session, info.context.actor, first=first, after=after)
        return connection_from_page(page, RollCall.from_view)

    @strawberry.field(description="Township: how many more roll calls may name each of its secretaries this month.")
    async def roll_call_allowance(self, info: Info) -> list[RollCallAllowance]:
        async with info.context.session() as session:
            uses = await roll_call_allowance(session, info.context.actor)
        return [RollCallAllowance.from_use(u) for u in uses]

    @strawberry.field(description="The logged-in secretary's roll calls whose deadline has not passed.")
    async def my_open_roll_calls(self, info: Info) -> list[RollCall]:
        async with info.context.session() as session:
            views = await my_open_roll_calls(session, info.context.actor)
        return [RollCall.from_view(v) for v in views]

    @strawberry.field(description="A secretary's check-ins (staff in jurisdiction), newest first; month: YYYY-MM.")
    async def check_ins(
        self,
        info: Info,
        secretary_id: strawberry.ID,
        month: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[CheckIn]:
        async with info.context.session() as session:
            page = await list_checkins(
                session,
                info.context.actor,
                secretary_id=parse_id(secretary_id, "secretaryId"),
                month=parse_month(month) if month is not None else None,
                first=first,
                after=after,
            )
        return connection_from_page(page, CheckIn.from_model)

    @strawberry.field(description="The logged-in secretary's own check-ins, newest first; month: YYYY-MM.")
    async def my_check_ins(
        self, info: Info, month: str | None = None, first: int | None = 20, after: str | None = None
    ) -> Connection[CheckIn]:
        async with info.context.session() as session:
            page = await my_checkins(
                session,
                info.context.actor,
                month=parse_month(month) if month is not None else None,
                first=first,
                after=after,
            )
        return connection_from_page(page, CheckIn.from_model)

    @strawberry.field(
        description="Monthly stationed days and allowance (county: county or one township; township: own)."
    )
    async def attendance_summary(
        self, info: Info, month: str, township_id: strawberry.ID | None = None
    ) -> AttendanceSummary:
        chosen = parse_optional_id(township_id, "townshipId")
        async with info.context.session() as session:
            sheet = await allowance_sheet(session, info.context.actor, month=parse_month(month), township_id=chosen)
            scope = {"month": sheet.month.key, "townshipId": chosen}
            await record_bulk_read(
                info.context.session_factory,
                info.context.actor,
                listing="attendance_summary",
                scope=scope,
                rows=len(sheet.rows),
            )
        return AttendanceSummary.from_sheet(sheet, chosen)

    @strawberry.field(
        description="我的考勤: the logged-in secretary's month (YYYY-MM), each day with its state and sources."
    )
    async def my_attendance_month(self, info: Info, month: str) -> AttendanceMonth:
        async with info.context.session() as session:
            view = await my_month(session, info.context.actor, parse_month(month))
        return AttendanceMonth.from_month(view)

    @strawberry.field(description="Township (its secretaries) or county: one secretary's month, day by day.")
    async def attendance_month(self, info: Info, secretary_id: strawberry.ID, month: str) -> AttendanceMonth:
        async with info.context.session() as session:
            view = await secretary_month(
                session, info.context.actor, parse_id(secretary_id, "secretaryId"), parse_month(month)
            )
        return AttendanceMonth.from_month(view)

    @strawberry.field(description="Township: its secretaries' declared days in the month; county: read only.")
    async def day_declarations(self, info: Info, month: str, pending_only: bool = False) -> list[DayDeclaration]:
        async with info.context.session() as session:
            found = await list_declarations(session, info.context.actor, parse_month(month), pending_only=pending_only)
            scope = {"month": month, "pendingOnly": pending_only or None}
            await record_bulk_read(
                info.context.session_factory,
                info.context.actor,
                listing="day_declarations",
                scope=scope,
                rows=len(found),
            )
        return [DayDeclaration.from_model(d, s) for d, s in found]
