"""Village household rosters (农户花名册)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, BigId, UTCDateTime, utcnow


class Household(Base):
    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("village_id", "code", name="village_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(40))
    head_name: Mapped[str] = mapped_column(String(50))
    member_count: Mapped[int] = mapped_column(Integer, default=1)
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200), default="")
    is_hardship: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
