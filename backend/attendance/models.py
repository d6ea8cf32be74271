"""Attendance (考勤): GPS check-ins against the village geofence, and township roll calls."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, UTCDateTime, utcnow


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
    note: Mapped[str] = mapped_column(Text, default="")


class RollCallTarget(Base):
    __tablename__ = "roll_call_targets"

    roll_call_id: Mapped[str] = mapped_column(ForeignKey("roll_calls.id", ondelete="CASCADE"), primary_key=True)
    secretary_id: Mapped[int] = mapped_column(
        ForeignKey("secretary_profiles.id", ondelete="RESTRICT"), primary_key=True
    )
    checkin_id: Mapped[str | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
