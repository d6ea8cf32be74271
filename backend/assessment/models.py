"""Target assessment (组织工作目标考评, DOMAIN.md section 5): the county's rubric as data, the
item-by-item scores of each secretary, village organisation classes and disqualifying events.

Scores are kept in hundredths of a point (`*_centi` integers) so that every database sums and
compares them exactly.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, BigId, UTCDateTime, str_enum, utcnow


class OrgClass(enum.StrEnum):
    """A village party organisation's yearly class; A is the best."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class DisqualificationKind(enum.StrEnum):
    DISCIPLINE = "discipline"  # serious discipline violation 严重违纪
    PETITION = "petition"  # mass petition caused by improper methods 群体上访
    INCIDENT = "incident"  # mass incident caused by late reporting 群体性事件


class RubricVersion(Base):
    """One immutable version of a county's rubric for an assessment period. Editing the rubric
    adds a version; a score keeps the version it was made with."""

    __tablename__ = "rubric_versions"
    __table_args__ = (UniqueConstraint("county_id", "period", "version", name="rubric_county_period_version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # see backend/assessment/rubric/items.py
    sha256: Mapped[str] = mapped_column(String(64))  # of the canonical JSON of `items`
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assessment(Base):
    """A secretary's target assessment for one period: the part sums are kept up to date by the
    service whenever an item is scored, so that rankings read one row per secretary."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("secretary_id", "period", name="assessment_secretary_period"),
        Index("ix_assessments_county_period", "county_id", "period"),
        Index("ix_assessments_township_period", "township_id", "period"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    township_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    village_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    secretary_id: Mapped[int] = mapped_column(ForeignKey("secretary_profiles.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(20))
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_versions.id", ondelete="RESTRICT"))
    basic_centi: Mapped[int] = mapped_column(Integer, default=0)  # 基本工作目标
    discipline_centi: Mapped[int] = mapped_column(Integer, default=0)  # 工作规范与纪律
    results_centi: Mapped[int] = mapped_column(Integer, default=0)  # 工作实绩 (bonus only)
    org_upgrade_centi: Mapped[int] = mapped_column(Integer, default=0)  # 组织晋位升级
    target_centi: Mapped[int] = mapped_column(Integer, default=0)  # max(0, the four parts)
    items_scored: Mapped[int] = mapped_column(Integer, default=0)
    items_total: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class AssessmentItemScore(Base):
    """One rubric item of one assessment, as the assessor confirmed or overrode it."""

    __tablename__ = "assessment_item_scores"
    __table_args__ = (PrimaryKeyConstraint("assessment_id", "item_key"),)

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(64))
    occurrences: Mapped[int] = mapped_column(Integer, default=0)
    points_centi: Mapped[int] = mapped_column(Integer)
    proposed_centi: Mapped[int | None] = mapped_column(Integer)  # what the evidence proposed, if any
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"summary": ..., "filing_ids": [...]}
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    scored_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrgClassRecord(Base):
    """The yearly class of a village party organisation, recorded by the county."""

    __tablename__ = "org_class_records"
    __table_args__ = (
        PrimaryKeyConstraint("village_id", "period"),
        Index("ix_org_class_records_county", "county_id", "period"),
    )

    village_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(20))
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    org_class: Mapped[OrgClass] = mapped_column(str_enum(OrgClass, "org_class"))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Disqualification(Base):
    """A disqualifying event (ranking override 1): the secretary is 不称职 for the period.
    Withdrawn events are kept with who withdrew them and why."""

    __tablename__ = "disqualifications"
    __table_args__ = (
        Index("ix_disqualifications_secretary", "secretary_id", "period"),
        Index("ix_disqualifications_county", "county_id", "period"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    secretary_id: Mapped[int] = mapped_column(ForeignKey("secretary_profiles.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(20))
    kind: Mapped[DisqualificationKind] = mapped_column(str_enum(DisqualificationKind, "disqualification_kind"))
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
