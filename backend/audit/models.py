"""The audit trail: every state change of filings, problems and roll calls. Append-only, and the
database refuses UPDATE and DELETE on it (triggers made by the migration).

Each county's events form a hash chain: `seq` counts 1, 2, 3... per county, `prev_hash` is the
previous event's `hash`, and `hash` covers the event's content and `prev_hash`
(`backend.audit.chain`), so editing or deleting an event breaks every later link."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, BigId, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity", "entity_id"),
        # One link per position: two writers can never fork a county's chain.
        UniqueConstraint("county_id", "seq"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    county_id: Mapped[int] = mapped_column(BigId)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    version: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Set at flush time by backend.audit.chain, never by callers.
    seq: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
