"""Ranking operations for the permission matrix (rankings, snapshots, township comparison).

`rankingSnapshot` needs a published snapshot, which the shared world does not hold: it has its
own role × own/other-county matrix in tests/ranking/test_ranking_api.py (SNAPSHOT_MATRIX_FIELDS).
"""

from __future__ import annotations

from tests.permission_matrix import Operation

SNAPSHOT_MATRIX_FIELDS = {"rankingSnapshot"}
GROUP = "municipal:resident:section_chief"  # the world's secretaries


def ranking_ops() -> list[Operation]:
    managers = frozenset({"county", "township"})
    staff = frozenset({"county", "township", "village"})
    return [
        Operation(
            "ranking",
            'query($t: ID) { ranking(period: "2026", townshipId: $t) { period groups { groupKey } } }',
            lambda w, r, p: {"t": w.unit_id(p.township)},
            managers,
        ),
        Operation(
            "rankingGroup",
            'query($t: ID, $g: String!) { rankingGroup(period: "2026", groupKey: $g, townshipId: $t) { totalCount } }',
            lambda w, r, p: {"t": w.unit_id(p.township), "g": GROUP},
            managers,
        ),
        Operation("rankingSnapshots", "{ rankingSnapshots { id } }", lambda w, r, p: {}, staff, scoped=False),
        Operation(
            "townshipComparison",
            '{ townshipComparison(period: "2026") { townshipName } }',
            lambda w, r, p: {},
            managers,
            scoped=False,
        ),
        Operation(
            "rankingDistribution",
            '{ rankingDistribution(period: "2026") { notRankable } }',
            lambda w, r, p: {},
            managers,
            scoped=False,
        ),
        Operation("rankingTrend", "{ rankingTrend { period } }", lambda w, r, p: {}, managers, scoped=False),
        Operation(
            "publishRanking",
            'mutation { publishRanking(input: {period: "2026"}) { snapshot { id } errors { code } } }',
            lambda w, r, p: {},
            frozenset({"county"}),
            scoped=False,
        ),
    ]
