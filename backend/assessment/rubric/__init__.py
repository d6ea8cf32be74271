"""The target-assessment rubric (DOMAIN.md section 5), one concept per module:

- `items`: the rubric as data — parts, items, evidence keys, their JSON form, a county's `Rubric`;
- `formula`: how an item scores (points for k occurrences, the range, the inverse) and the target;
- `default`: the default (Jiaozhou) rubric, as data;
- `validation`: checking a county's edited items;
- `versions`: the immutable versions a county saves per period; reading and editing them.

The names below are the package's public API.
"""

from backend.assessment.rubric.default import DEFAULT_ITEMS
from backend.assessment.rubric.formula import ItemKind, describe_formula, occurrences_for
from backend.assessment.rubric.items import PART_LABELS, EvidenceKey, Part, Rubric, RubricItem, digest, sums
from backend.assessment.rubric.validation import RubricItemDraft, validate_items
from backend.assessment.rubric.versions import (
    county_rubric,
    ensure_saved,
    rubric_for,
    rubric_versions,
    rubrics_by_id,
    update_rubric,
)

__all__ = [
    "DEFAULT_ITEMS",
    "PART_LABELS",
    "EvidenceKey",
    "ItemKind",
    "Part",
    "Rubric",
    "RubricItem",
    "RubricItemDraft",
    "county_rubric",
    "describe_formula",
    "digest",
    "ensure_saved",
    "occurrences_for",
    "rubric_for",
    "rubric_versions",
    "rubrics_by_id",
    "sums",
    "update_rubric",
    "validate_items",
]
