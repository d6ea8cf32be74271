"""Target assessment (组织工作目标考评, DOMAIN.md section 5; contract in docs/ASSESSMENT.md): the
county's rubric as data, proposals from filings, item-by-item scores, village organisation classes
and disqualifying events."""

from backend.services.assessment.disqualifications import (
    DisqualificationEntry,
    list_disqualifications,
    record_disqualification,
    withdraw_disqualification,
)
from backend.services.assessment.evidence import Proposal, proposals_for
from backend.services.assessment.org_classes import OrgClassEntry, list_org_classes, record_org_class
from backend.services.assessment.rubric import (
    DEFAULT_ITEMS,
    PART_LABELS,
    EvidenceKey,
    ItemKind,
    Part,
    Rubric,
    RubricItem,
    RubricItemDraft,
    rubric_for,
    rubric_versions,
    update_rubric,
)
from backend.services.assessment.scoring import (
    AssessmentView,
    ItemScoreInput,
    ItemView,
    Status,
    assessment_view,
    score_items,
)
from backend.services.assessment.summaries import AssessmentSummary, list_assessments

__all__ = [
    "DEFAULT_ITEMS",
    "PART_LABELS",
    "AssessmentSummary",
    "AssessmentView",
    "DisqualificationEntry",
    "EvidenceKey",
    "ItemKind",
    "ItemScoreInput",
    "ItemView",
    "OrgClassEntry",
    "Part",
    "Proposal",
    "Rubric",
    "RubricItem",
    "RubricItemDraft",
    "Status",
    "assessment_view",
    "list_assessments",
    "list_disqualifications",
    "list_org_classes",
    "proposals_for",
    "record_disqualification",
    "record_org_class",
    "rubric_for",
    "rubric_versions",
    "score_items",
    "update_rubric",
    "withdraw_disqualification",
]
