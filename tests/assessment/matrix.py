"""Assessment operations for the permission matrix (rubric, scores, org classes, disqualifications)."""

from __future__ import annotations

from tests.permission_matrix import Operation


def assessment_ops() -> list[Operation]:
    return []
