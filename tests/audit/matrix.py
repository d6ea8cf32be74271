"""The county's security log (安全审计) in the permission matrix: the county only."""

from __future__ import annotations

from tests.permission_matrix import Operation


def audit_ops() -> list[Operation]:
    return [
        Operation(
            "securityEvents",
            "{ securityEvents(first: 5) { totalCount edges { node { kind summary } } } }",
            lambda w, r, p: {},
            frozenset({"county"}),
            scoped=False,
        ),
    ]
