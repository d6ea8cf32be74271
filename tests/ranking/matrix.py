"""Ranking operations for the permission matrix (rankings, snapshots, township comparison).

`rankingSnapshot` needs a published snapshot, which the shared world does not hold: it has its
own role × own/other-county matrix in tests/ranking/test_ranking_api.py (SNAPSHOT_MATRIX_FIELDS).
"""

from __future__ import annotations

from tests.permission_matrix import Operation

SNAPSHOT_MATRIX_FIELDS = {"rankingSnapshot"}
GROUP = "municipal:resident:section_chief"  # the world's secretaries


def ranking_ops() -> list[Operation]:
    # The shared world's county has not opened the ranking to townships (the default): a township
    # reads none of it (backend/ranking/access.py); tests/ranking/test_visibility.py opens it.
    managers = frozenset({"county"})
    staff = frozenset({"county", "village"})
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
            "rankingVisibility",
            "{ rankingVisibility { townshipsSee reason } }",
            lambda w, r, p: {},
            frozenset({"county", "township"}),
            scoped=False,
        ),
        Operation(
            "setRankingVisibility",
            'mutation { setRankingVisibility(input: {townshipsSee: false, reason: "县委组织部部务会决定暂不向镇街通报"}) '
            "{ visibility { townshipsSee } errors { code } } }",
            lambda w, r, p: {},
            frozenset({"county"}),
            scoped=False,
        ),
        Operation(
            "publishRanking",
            'mutation { publishRanking(input: {period: "2026"}) { snapshot { id } errors { code } } }',
            lambda w, r, p: {},
            frozenset({"county"}),
            scoped=False,
        ),
    ]
