"""Mutations over assessments."""

from __future__ import annotations

import strawberry


@strawberry.type
class AssessmentMutations:
    pass
