"""The county's duty checklist (履职清单, "N个一", DOMAIN.md section 2), one concept per module:

- `items`: the checklist as data — items, completion rules, evidence kinds, a county's `Checklist`;
- `default`: the built-in 八个一, as data;
- `validation`: checking a county's edited items;
- `versions`: the immutable versions a county saves, which one a term uses, explicit moves, and the
  one-query configuration progress reads.

How an item is counted is backend/duties/progress.py. The names below are the package's public API.
"""

from backend.duties.checklist.default import DEFAULT_ITEMS, DEFAULT_KEYS, DEFAULT_NAME, default_items
from backend.duties.checklist.items import (
    EVIDENCE_KINDS,
    PROBLEM,
    RULES,
    Checklist,
    ChecklistItem,
    ChecklistRule,
    kind_label,
    rules_for_kind,
)
from backend.duties.checklist.validation import ChecklistItemDraft, validate_checklist
from backend.duties.checklist.versions import (
    ChecklistConfiguration,
    checklist_for,
    checklist_versions,
    county_checklist,
    default_checklist,
    ensure_saved,
    evidence_kind_options,
    load_configuration,
    move_terms,
    save_checklist,
    terms_using,
)

__all__ = [
    "DEFAULT_ITEMS",
    "DEFAULT_KEYS",
    "DEFAULT_NAME",
    "EVIDENCE_KINDS",
    "PROBLEM",
    "RULES",
    "Checklist",
    "ChecklistConfiguration",
    "ChecklistItem",
    "ChecklistItemDraft",
    "ChecklistRule",
    "checklist_for",
    "checklist_versions",
    "county_checklist",
    "default_checklist",
    "default_items",
    "ensure_saved",
    "evidence_kind_options",
    "kind_label",
    "load_configuration",
    "move_terms",
    "rules_for_kind",
    "save_checklist",
    "terms_using",
    "validate_checklist",
]
