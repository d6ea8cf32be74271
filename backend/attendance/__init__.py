"""Attendance: check-ins, roll calls, stationed days and the allowance sheet."""
