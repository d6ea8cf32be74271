"""Attendance (考勤, DOMAIN.md section 3): GPS check-ins against the village geofence, township
roll calls, and the monthly stationed-days and allowance sheet."""

from backend.services.attendance.allowance import AllowanceRow, AllowanceSheet, allowance_sheet
from backend.services.attendance.checkins import (
    CheckInResult,
    NewCheckIn,
    RollCallOutcome,
    check_in,
    flag_of,
    list_checkins,
    my_checkins,
)
from backend.services.attendance.common import Month, parse_month
from backend.services.attendance.roll_calls import (
    NewRollCall,
    RollCallView,
    TargetView,
    list_roll_calls,
    my_open_roll_calls,
    start_roll_call,
)

__all__ = [
    "AllowanceRow",
    "AllowanceSheet",
    "CheckInResult",
    "Month",
    "NewCheckIn",
    "NewRollCall",
    "RollCallOutcome",
    "RollCallView",
    "TargetView",
    "allowance_sheet",
    "check_in",
    "flag_of",
    "list_checkins",
    "list_roll_calls",
    "my_checkins",
    "my_open_roll_calls",
    "parse_month",
    "start_roll_call",
]
