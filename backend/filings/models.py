"""Filings: what a first secretary records for the eight duties and related work, and the photos attached to them. The phone makes each filing's id, so a retry can never duplicate it."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, UTCDateTime, str_enum, utcnow


class FilingKind(enum.StrEnum):
    """What a first secretary files: the eight duties (八个一) and the related records."""

    HOUSEHOLD_VISIT = "household_visit"  # 走访农户
    WORK_DIARY = "work_diary"  # 工作日志 / 民情日记
    SERVICE_CARD = "service_card"  # 便民服务卡发放 (one household)
    RESEARCH_REPORT = "research_report"  # 调研报告
    PARTY_LECTURE = "party_lecture"  # 主题党课
    TECH_TRAINING = "tech_training"  # 农技培训
    STARTUP_PROJECT = "startup_project"  # 领办创业项目
    TERM_GOALS = "term_goals"  # 任期目标
    PLEDGE = "pledge"  # 履职承诺
    PAIRING = "pairing"  # 结对帮扶 (one hardship household)
    PAIRING_VISIT = "pairing_visit"  # 结对帮扶走访
    COMMITTEE_MEETING = "committee_meeting"  # 村工作例会
    SELF_REPORT = "self_report"  # 年终述职报告
    TALK = "talk"  # 谈心谈话 (two-way talks, scored in the target assessment)


class FilingStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class Filing(Base):
    __tablename__ = "filings"
    __table_args__ = (
        Index("ix_filings_secretary_kind", "secretary_id", "kind"),
        Index("ix_filings_township_status", "township_id", "status", "submitted_at"),
        Index("ix_filings_county_kind", "county_id", "kind"),
        Index("ix_filings_household", "household_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUID made on the phone
    kind: Mapped[FilingKind] = mapped_column(str_enum(FilingKind, "filing_kind"))
    status: Mapped[FilingStatus] = mapped_column(str_enum(FilingStatus, "filing_status"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    secretary_id: Mapped[int] = mapped_column(ForeignKey("secretary_profiles.id", ondelete="RESTRICT"))
    village_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    township_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    occurred_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the phone's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Optimistic locking: every UPDATE checks and bumps `version`, so a stale edit or a second
    # reviewer changes nothing (SQLAlchemy raises StaleDataError).
    __mapper_args__ = {"version_id_col": version}


class FilingPhoto(Base):
    __tablename__ = "filing_photos"

    filing_id: Mapped[str] = mapped_column(ForeignKey("filings.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_sha256: Mapped[str] = mapped_column(ForeignKey("media.sha256", ondelete="RESTRICT"))


class PhotoRequirement(Base):
    """A county's decision that one kind of filing must carry a photo. The 2026 rules forbid forced
    uploads of work photos where not necessary, so the decision records why it is necessary."""

    __tablename__ = "photo_requirements"

    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"), primary_key=True)
    kind: Mapped[FilingKind] = mapped_column(str_enum(FilingKind, "photo_requirement_kind"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(500))
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
