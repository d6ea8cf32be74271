"""Filings of the eight duties and related records: phone-made ids, edits by version, review."""

from backend.services.filings.bodies import KIND_LABELS, validate_body
from backend.services.filings.queries import (
    access_filing,
    list_filings,
    my_filings,
    my_inbox,
    review_queue,
)
from backend.services.filings.review import ReviewDecision, review_filing
from backend.services.filings.submit import FilingDraft, edit_filing, submit_filing

__all__ = [
    "KIND_LABELS",
    "FilingDraft",
    "ReviewDecision",
    "access_filing",
    "edit_filing",
    "list_filings",
    "my_filings",
    "my_inbox",
    "review_filing",
    "review_queue",
    "submit_filing",
    "validate_body",
]
