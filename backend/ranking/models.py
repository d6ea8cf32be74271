"""Published rankings (晾晒排名, DOMAIN.md section 6): a frozen copy of a county's ranking for a
period, with the hash of its rows, the rubric versions and the poll board heads it used.
Both tables are append-only (the database refuses UPDATE and DELETE)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, BigId, UTCDateTime, str_enum, utcnow


class Grade(enum.StrEnum):
    EXCELLENT = "excellent"  # 优秀
    GOOD = "good"  # 良好
    COMPETENT = "competent"  # 称职
    BASIC_COMPETENT = "basic_competent"  # 基本称职
    INCOMPETENT = "incompetent"  # 不称职


class RankingSnapshot(Base):
    __tablename__ = "ranking_snapshots"
    __table_args__ = (Index("ix_ranking_snapshots_county_period", "county_id", "period", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))  # of the canonical JSON of the rows and sources
    rubric_versions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{"id", "version", "sha256"}]
    board_heads: Mapped[dict[str, str]] = mapped_column(JSON)  # poll id -> hash of the board's last entry
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)  # the quota and tier settings used
    row_count: Mapped[int] = mapped_column(Integer)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RankingSnapshotRow(Base):
    __tablename__ = "ranking_snapshot_rows"
    __table_args__ = (
        PrimaryKeyConstraint("snapshot_id", "secretary_id"),
        Index("ix_ranking_snapshot_rows_group", "snapshot_id", "group_key", "position"),
        Index("ix_ranking_snapshot_rows_township", "snapshot_id", "township_id"),
    )

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("ranking_snapshots.id", ondelete="RESTRICT"))
    secretary_id: Mapped[int] = mapped_column(BigId)
    group_key: Mapped[str] = mapped_column(String(80))  # unit_type:mode:cadre_class
    position: Mapped[int] = mapped_column(Integer)  # order in the group: ranked first, then not rankable
    rank: Mapped[int | None] = mapped_column(Integer)  # null when not rankable
    name: Mapped[str] = mapped_column(String(50))
    township_id: Mapped[int] = mapped_column(BigId)
    township_name: Mapped[str] = mapped_column(String(100))
    village_id: Mapped[int] = mapped_column(BigId)
    village_name: Mapped[str] = mapped_column(String(100))
    target_centi: Mapped[int | None] = mapped_column(Integer)
    satisfaction_num: Mapped[int | None] = mapped_column(Integer)
    satisfaction_den: Mapped[int | None] = mapped_column(Integer)
    total_centi: Mapped[int | None] = mapped_column(Integer)
    rankable: Mapped[bool] = mapped_column(Boolean)
    grade: Mapped[Grade | None] = mapped_column(str_enum(Grade, "grade"))
    reason: Mapped[str | None] = mapped_column(Text)  # why an override applied, or why not rankable
    reason_code: Mapped[str | None] = mapped_column(String(40))
