"""A secretary's generated service card."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, UTCDateTime, utcnow


class ServiceCard(Base):
    """A generated 便民服务卡; the card itself is rendered on demand from this snapshot."""

    __tablename__ = "service_cards"

    secretary_id: Mapped[int] = mapped_column(ForeignKey("secretary_profiles.id", ondelete="CASCADE"), primary_key=True)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # name, phone, duties, pledge…
    photo_sha256: Mapped[str | None] = mapped_column(ForeignKey("media.sha256", ondelete="SET NULL"))
