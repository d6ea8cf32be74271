"""First-secretary records (DOMAIN.md section 1)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, BigId, UTCDateTime, str_enum, utcnow
from backend.models.enums import CadreClass, Gender, StationMode, UnitType


class SecretaryProfile(Base):
    __tablename__ = "secretary_profiles"
    __table_args__ = (
        Index("ix_secretary_profiles_village", "village_id", "term_start"),
        Index("ix_secretary_profiles_county", "county_id"),
        Index("ix_secretary_profiles_phone", "phone"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[Gender] = mapped_column(str_enum(Gender, "gender"))
    phone: Mapped[str] = mapped_column(String(20))
    dispatch_unit: Mapped[str] = mapped_column(String(100))
    unit_type: Mapped[UnitType] = mapped_column(str_enum(UnitType, "unit_type"))
    mode: Mapped[StationMode] = mapped_column(str_enum(StationMode, "station_mode"))
    cadre_class: Mapped[CadreClass] = mapped_column(str_enum(CadreClass, "cadre_class"))
    village_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
