"""The role homes in the permission matrix: each home is its own role's only; none names a place
(the caller's own is implied), so "other" does not apply. The problem-list filters the homes link
to are checked against a township of the caller's own and of another place."""

from __future__ import annotations

from tests.permission_matrix import Operation


def home_ops() -> list[Operation]:
    return [
        Operation(
            "secretaryHome",
            "{ secretaryHome { villageName diary { count } nextDuty { key } } }",
            lambda w, r, p: {},
            frozenset({"village"}),
            scoped=False,
        ),
        Operation(
            "townshipToday",
            "{ townshipToday { review { total } rollCalls { id } polls { id } problems { overdue } } }",
            lambda w, r, p: {},
            frozenset({"township"}),
            scoped=False,
        ),
        Operation(
            "countyOverview",
            "{ countyOverview { completedShare behind { secretaryId } attendance { fewDaysCount } "
            "polls { voting } problems { overdue } ranking { published } } }",
            lambda w, r, p: {},
            frozenset({"county"}),
            scoped=False,
        ),
        Operation(
            "problems",
            "query($t: ID) { problems(townshipId: $t, overdue: true) { totalCount } }",
            lambda w, r, p: {"t": w.unit_id(p.township)},
            frozenset({"county", "township"}),
        ),
    ]
