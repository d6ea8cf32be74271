"""Ranking operations for the permission matrix (rankings, snapshots, township comparison)."""

from __future__ import annotations

from tests.permission_matrix import Operation


def ranking_ops() -> list[Operation]:
    return []
