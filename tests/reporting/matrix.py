"""The one table's provenance list in the permission matrix: the county only."""

from __future__ import annotations

from tests.permission_matrix import Operation


def reporting_ops() -> list[Operation]:
    return [
        Operation(
            "oneTableColumns",
            "{ oneTableColumns { key header record } }",
            lambda w, r, p: {},
            frozenset({"county"}),
            scoped=False,
        ),
    ]
