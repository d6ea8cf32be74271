"""Attendance (考勤): GPS check-ins against the village geofence, and township roll calls."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, UTCDateTime, str_enum, utcnow


class RollCallReason(enum.StrEnum):
    """Why a roll call is made. Under the 2026 rules for government apps (国办函〔2026〕12号) a
    forced check-in is allowed only as an exception: a spot check, an emergency, security."""

    SPOT_CHECK = "spot_check"  # 督查抽查
    EMERGENCY = "emergency"  # 应急
    SECURITY = "security"  # 安全
    OTHER = "other"  # 其他 (the note says what)


class VerificationMode(enum.StrEnum):
    """How the township verified a named secretary instead of a check-in (电话/视频核实)."""

    PHONE = "phone"
    VIDEO = "video"


class CheckIn(Base):
    __tablename__ = "checkins"
    __table_args__ = (
        Index("ix_checkins_secretary_at", "secretary_id", "at"),
        Index("ix_checkins_township_at", "township_id", "at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUID made on the phone
    secretary_id: Mapped[int] = mapped_column(ForeignKey("secretary_profiles.id", ondelete="RESTRICT"))
    village_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    township_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # the phone's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)  # to the village centre
    inside_geofence: Mapped[bool] = mapped_column(Boolean)
    content_hash: Mapped[str] = mapped_column(String(64))


class RollCall(Base):
    __tablename__ = "roll_calls"
    __table_args__ = (Index("ix_roll_calls_township_started", "township_id", "started_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    started_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[RollCallReason] = mapped_column(str_enum(RollCallReason, "roll_call_reason"))
    note: Mapped[str] = mapped_column(Text, default="")  # the reason's explanation (事由说明)


class RollCallTarget(Base):
    __tablename__ = "roll_call_targets"

    roll_call_id: Mapped[str] = mapped_column(ForeignKey("roll_calls.id", ondelete="CASCADE"), primary_key=True)
    secretary_id: Mapped[int] = mapped_column(
        ForeignKey("secretary_profiles.id", ondelete="RESTRICT"), primary_key=True
    )
    checkin_id: Mapped[str | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
    # Or answered by the township recording a phone or video call (电话/视频核实).
    verified_mode: Mapped[VerificationMode | None] = mapped_column(
        str_enum(VerificationMode, "roll_call_verification_mode")
    )
    verified_note: Mapped[str | None] = mapped_column(String(200))
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
