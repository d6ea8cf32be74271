"""Rankings and grades (排名定档, DOMAIN.md section 6) computed set-based in SQL, published snapshots
and the leaders' comparisons."""

from backend.services.ranking.compute import (
    GroupPage,
    RankingView,
    RowsPage,
    iter_ranking,
    ranking_first_pages,
    ranking_group_page,
)
from backend.services.ranking.publish import publish_ranking
from backend.services.ranking.rows import RankingRow
from backend.services.ranking.snapshots import SnapshotView, iter_snapshot_rows, list_snapshots, snapshot_view

__all__ = [
    "GroupPage",
    "RankingRow",
    "RankingView",
    "RowsPage",
    "SnapshotView",
    "iter_ranking",
    "iter_snapshot_rows",
    "list_snapshots",
    "publish_ranking",
    "ranking_first_pages",
    "ranking_group_page",
    "snapshot_view",
]
