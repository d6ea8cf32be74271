"""Spreadsheets and documents generated for leaders (.xlsx exports)."""
