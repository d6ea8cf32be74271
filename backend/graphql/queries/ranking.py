"""Queries over rankings."""

from __future__ import annotations

import strawberry


@strawberry.type
class RankingQueries:
    pass
