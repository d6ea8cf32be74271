"""Publishing (晾晒): freezing a county's live ranking into an append-only snapshot.

The snapshot's sha256 is over the canonical JSON (sorted keys, no whitespace, UTF-8; the poll
board's `canonical`) of {county_id, period, rows, rubric_versions, board_heads, rules}: rows as
stored, the rubric versions the assessments were scored with, the hash of the last board entry
of every poll the ranking read, and the county rules used. Anyone holding the published rows
and the boards can recompute it.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.common import parse_period
from backend.assessment.models import RubricVersion
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import InvalidState
from backend.org.access import require_role
from backend.org.county_settings import CountyRules, rules_for
from backend.org.models import Role
from backend.polls.board import canonical
from backend.polls.models import BoardEntry
from backend.ranking.compute import fetch_live, to_row
from backend.ranking.models import RankingSnapshot, RankingSnapshotRow
from backend.ranking.rows import RankingRow
from backend.ranking.sql import Cut

RULE_KEYS = (
    "excellent_quota_pct",
    "good_quota_pct",
    "satisfaction_incompetent_below_pct",
    "satisfaction_basic_below_pct",
)


def stored_row(row: RankingRow) -> dict[str, Any]:
    """A row as it is stored and hashed (Grade is a StrEnum: it hashes as its value)."""
    return asdict(row)


def snapshot_digest(
    county_id: int,
    period: str,
    rows: list[dict[str, Any]],
    rubric_versions: list[dict[str, Any]],
    board_heads: dict[str, str],
    rules: dict[str, int],
) -> str:
    document = {
        "county_id": county_id,
        "period": period,
        "rows": rows,
        "rubric_versions": rubric_versions,
        "board_heads": board_heads,
        "rules": rules,
    }
    return hashlib.sha256(canonical(document).encode("utf-8")).hexdigest()


async def _rubric_versions(session: AsyncSession, ids: set[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    found = await session.execute(
        select(RubricVersion.id, RubricVersion.version, RubricVersion.sha256)
        .where(RubricVersion.id.in_(ids))
        .order_by(RubricVersion.id)
    )
    return [{"id": i, "version": v, "sha256": h} for i, v, h in found.tuples()]


async def _board_heads(session: AsyncSession, poll_ids: set[int]) -> dict[str, str]:
    """The hash of each poll's last board entry, in one query."""
    if not poll_ids:
        return {}
    last = (
        select(BoardEntry.poll_id, func.max(BoardEntry.seq).label("seq"))
        .where(BoardEntry.poll_id.in_(poll_ids))
        .group_by(BoardEntry.poll_id)
        .subquery()
    )
    found = await session.execute(
        select(BoardEntry.poll_id, BoardEntry.hash).join(
            last, (last.c.poll_id == BoardEntry.poll_id) & (last.c.seq == BoardEntry.seq)
        )
    )
    return {str(poll_id): digest for poll_id, digest in sorted(found.tuples())}


def rules_used(rules: CountyRules) -> dict[str, int]:
    return {key: getattr(rules, key) for key in RULE_KEYS}


async def publish_ranking(session: AsyncSession, actor: Actor | None, period: str) -> RankingSnapshot:
    """County only: freeze the live ranking of the whole county (every group) as a new snapshot."""
    actor = require_role(actor, Role.COUNTY)
    parsed = parse_period(period)
    rules = await rules_for(session, actor.county_id)
    records = await fetch_live(session, actor.county_id, parsed, rules, Cut())
    if not records:
        raise InvalidState("本考核周期没有在岗的第一书记，无法发布排名")
    rows = [stored_row(to_row(m, live=True)) for m in records]
    rubric_versions = await _rubric_versions(session, {m["rubric_version_id"] for m in records} - {None})
    board_heads = await _board_heads(session, {m["poll_id"] for m in records} - {None})
    used = rules_used(rules)
    snapshot = RankingSnapshot(
        county_id=actor.county_id,
        period=parsed.text,
        sha256=snapshot_digest(actor.county_id, parsed.text, rows, rubric_versions, board_heads, used),
        rubric_versions=rubric_versions,
        board_heads=board_heads,
        rules=used,
        row_count=len(rows),
        published_by=actor.user_id,
    )
    session.add(snapshot)
    await session.flush()
    await session.execute(insert(RankingSnapshotRow), [{"snapshot_id": snapshot.id, **row} for row in rows])
    audit.record(
        session,
        actor,
        county_id=actor.county_id,
        entity="ranking_snapshot",
        entity_id=snapshot.id,
        action="publish",
        detail={"period": parsed.text, "rows": len(rows), "sha256": snapshot.sha256},
    )
    return snapshot
