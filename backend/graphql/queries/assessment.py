"""Queries over assessments."""

from __future__ import annotations

import strawberry


@strawberry.type
class AssessmentQueries:
    pass
