"""The org tree, accounts, first-secretary records, household rosters and county settings."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, BigId, UTCDateTime, str_enum, utcnow


class Role(enum.StrEnum):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    MEMBER = "member"


class OrgKind(enum.StrEnum):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class UnitType(enum.StrEnum):
    """派出单位类型: 镇街 or 市直部门/单位."""

    TOWNSHIP = "township"
    MUNICIPAL = "municipal"


class StationMode(enum.StrEnum):
    """脱产驻村 (resident, 1-year term) or 非脱产联村 (liaison, 2-year term)."""

    RESIDENT = "resident"
    LIAISON = "liaison"


class CadreClass(enum.StrEnum):
    PARTY_GOV_CHIEF = "party_gov_chief"  # 党政正职
    OTHER_LEADER = "other_leader"  # 非党政正职领导干部
    SECTION_CHIEF = "section_chief"  # 正股级
    DEPUTY_SECTION_AND_BELOW = "deputy_section_and_below"  # 副股级及以下


class OrgUnit(Base):
    """A county, township or village. `county_id` / `township_id` denormalise the path so that
    jurisdiction filters are one indexed equality (and the table can be distributed by county)."""

    __tablename__ = "org_units"
    __table_args__ = (
        UniqueConstraint("county_id", "code", name="county_code"),
        Index("ix_org_units_county_kind", "county_id", "kind"),
        Index("ix_org_units_township", "township_id"),
        Index("ix_org_units_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, "org_kind"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    is_community: Mapped[bool] = mapped_column(Boolean, default=False)
    center_lat: Mapped[float | None] = mapped_column(Float)
    center_lng: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (Index("ix_users_org_unit_role", "org_unit_id", "role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


class CountySettings(Base):
    __tablename__ = "county_settings"

    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # overrides of the defaults
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
