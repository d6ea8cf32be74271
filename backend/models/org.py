"""The county → township → village tree."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, BigId, UTCDateTime, str_enum, utcnow
from backend.models.enums import OrgKind


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
