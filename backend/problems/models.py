"""Problems raised by villagers or found on visits, and their notes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, BigId, UTCDateTime, str_enum, utcnow


class ProblemStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"  # closed as not actionable


class ProblemSource(enum.StrEnum):
    VILLAGER = "villager"  # reported by a member with an account
    SECRETARY = "secretary"  # found by the secretary (e.g. on a visit)
    PUBLIC = "public"  # reported without an account from the village's public page (the card's QR)


class Problem(Base):
    __tablename__ = "problems"
    __table_args__ = (
        Index("ix_problems_village_status", "village_id", "status"),
        Index("ix_problems_reporter", "reporter_user_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUID made on the phone
    village_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    township_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("secretary_profiles.id", ondelete="SET NULL"))
    source: Mapped[ProblemSource] = mapped_column(str_enum(ProblemSource, "problem_source"))
    reporter_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id", ondelete="SET NULL"))
    # A public report's call-back number, when the villager left one (never shown to other
    # villagers; masked for staff who need not dial it; forgotten after the problem is settled).
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProblemStatus] = mapped_column(str_enum(ProblemStatus, "problem_status"))
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProblemNote(Base):
    """One step of a problem's life: status change and/or a note. Never edited."""

    __tablename__ = "problem_notes"
    __table_args__ = (Index("ix_problem_notes_problem", "problem_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    problem_id: Mapped[str] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))  # None: no account
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")


class ProblemPhoto(Base):
    """A photo attached to a problem when it was reported (content-addressed, see backend/media)."""

    __tablename__ = "problem_photos"

    problem_id: Mapped[str] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_sha256: Mapped[str] = mapped_column(ForeignKey("media.sha256", ondelete="RESTRICT"), index=True)
