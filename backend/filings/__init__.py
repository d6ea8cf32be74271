"""Filings of the eight duties and related records: phone-made ids, edits by version, review."""
