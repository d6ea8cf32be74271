"""The compliance report and the photo requirements it reports on, in the permission matrix."""

from __future__ import annotations

from tests.permission_matrix import Operation


def compliance_ops() -> list[Operation]:
    return [
        Operation(
            "myPersonalData",
            "{ myPersonalData { name phone rosters { pollTitle } } }",
            lambda w, r, p: {},
            frozenset({"county", "township", "village", "member"}),
            scoped=False,
        ),
        Operation(
            "complianceReport",
            "{ complianceReport { county findings { key status } } }",
            lambda w, r, p: {},
            frozenset({"county"}),
            scoped=False,
        ),
        Operation(
            "photoRequirements",
            "{ photoRequirements { kind reason } }",
            lambda w, r, p: {},
            frozenset({"county", "township", "village"}),
            scoped=False,
        ),
        Operation(
            "setPhotoRequirement",
            "mutation { setPhotoRequirement(input: {kind: TALK, required: false}) { errors { code } } }",
            lambda w, r, p: {},
            frozenset({"county"}),
            scoped=False,
        ),
    ]
