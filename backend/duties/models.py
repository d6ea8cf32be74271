"""The county's duty checklist (履职清单, "N个一") as versioned data, and the explicit moves of a
term onto another version (docs/DUTIES.md). Read them through backend/duties/checklist/."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, BigId, UTCDateTime, utcnow


class DutyChecklistVersion(Base):
    """One immutable version of a county's duty checklist. An edit adds a version effective from a
    chosen date; a term uses the latest version effective on its start (unless moved)."""

    __tablename__ = "duty_checklists"
    __table_args__ = (UniqueConstraint("county_id", "version", name="duty_checklist_county_version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(12))
    effective_from: Mapped[date] = mapped_column(Date)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # see backend/duties/checklist/items.py
    sha256: Mapped[str] = mapped_column(String(64))  # of the canonical JSON of name, effective_from, items
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DutyChecklistMove(Base):
    """A term moved explicitly onto another checklist version from the first day of a month on.
    Months before it keep the version they were counted with."""

    __tablename__ = "duty_checklist_moves"
    __table_args__ = (Index("ix_duty_checklist_moves_county", "county_id", "secretary_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    secretary_id: Mapped[int] = mapped_column(ForeignKey("secretary_profiles.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    from_month: Mapped[date] = mapped_column(Date)  # the first day of a month
    moved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
