"""The compliance report in the permission matrix: the county only."""

from __future__ import annotations

from tests.permission_matrix import Operation


def compliance_ops() -> list[Operation]:
    return [
        Operation(
            "complianceReport",
            "{ complianceReport { county findings { key status } } }",
            lambda w, r, p: {},
            frozenset({"county"}),
            scoped=False,
        ),
    ]
