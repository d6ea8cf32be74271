"""Attendance (考勤): stationed days derived from work evidence (以事管人), optional GPS check-ins
against the village geofence, township roll calls, declared days and the township's monthly
confirmation of the sheet (docs/ATTENDANCE.md)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, BigId, UTCDateTime, str_enum, utcnow


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


class DeclarationReason(enum.StrEnum):
    """Why a secretary declares a workday: official business elsewhere counts as stationed; leave
    never counts and needs the township's approval."""

    TOWNSHIP_MEETING = "township_meeting"  # 镇街会议
    TRAINING = "training"  # 培训
    OFFICIAL_TRIP = "official_trip"  # 公务外出
    LEAVE = "leave"  # 请假


class DeclarationStatus(enum.StrEnum):
    DECLARED = "declared"  # official business: counts as declared (the township sees it on the sheet)
    PENDING = "pending"  # leave awaiting the township
    APPROVED = "approved"  # leave approved
    REJECTED = "rejected"  # leave rejected


class DayDeclaration(Base):
    """A workday the secretary declares (申报): official business away from the village, or leave."""

    __tablename__ = "day_declarations"
    __table_args__ = (
        UniqueConstraint("secretary_id", "day"),
        Index("ix_day_declarations_township_day", "township_id", "day"),
        Index("ix_day_declarations_county_day", "county_id", "day"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    secretary_id: Mapped[int] = mapped_column(ForeignKey("secretary_profiles.id", ondelete="RESTRICT"))
    village_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    township_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[DeclarationReason] = mapped_column(str_enum(DeclarationReason, "declaration_reason"))
    note: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[DeclarationStatus] = mapped_column(str_enum(DeclarationStatus, "declaration_status"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(String(200))


class ConfirmationSource(enum.StrEnum):
    TOWNSHIP = "township"  # confirmed (and perhaps corrected) by the township
    CARRIED_OVER = "carried_over"  # frozen by migration 0012 from the old check-in-only rule


class MonthConfirmation(Base):
    """The township's confirmation of one secretary's month (考勤确认): the frozen numbers the
    allowance uses from then on."""

    __tablename__ = "attendance_confirmations"
    __table_args__ = (Index("ix_attendance_confirmations_township_month", "township_id", "month"),)

    secretary_id: Mapped[int] = mapped_column(
        ForeignKey("secretary_profiles.id", ondelete="RESTRICT"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    township_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    derived_days: Mapped[int] = mapped_column(Integer)  # what the rule gave when confirmed
    stationed_days: Mapped[int] = mapped_column(Integer)  # confirmed (or corrected) days
    rate_yuan_per_day: Mapped[int] = mapped_column(Integer)
    allowance_yuan: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")  # the correction's reason, required when corrected
    source: Mapped[ConfirmationSource] = mapped_column(str_enum(ConfirmationSource, "confirmation_source"))
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
