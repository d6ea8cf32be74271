"""The audit trail: every state change of filings, problems and roll calls, and (in a county's
second chain) its security log: logins, lockouts, account changes, exports and bulk reads of
personal data. Append-only: the database refuses UPDATE and DELETE on it (triggers made by the
migrations); the one DELETE it lets through is the retention prune of old security events behind
an anchor (`backend.audit.prune`).

Each county has two hash chains, told apart by `chain`: TRAIL (the business trail, kept for
good) and SECURITY (the security log, kept for the county's `security_log_retention_days`).
In each, `seq` counts 1, 2, 3... per county and chain, `prev_hash` is the previous event's
`hash`, and `hash` covers the event's content and `prev_hash` (`backend.audit.chain`), so
editing or deleting an event breaks every later link."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, BigId, UTCDateTime, utcnow

TRAIL = "trail"
SECURITY = "security"
# The entity of every security-log event; it alone decides that an event joins the SECURITY chain.
SECURITY_ENTITY = "security"


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity", "entity_id"),
        # One link per position: two writers can never fork a county's chain.
        UniqueConstraint("county_id", "chain", "seq"),
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
    chain: Mapped[str] = mapped_column(String(16), default=TRAIL, server_default=TRAIL)
    seq: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditAnchor(Base):
    """Where a pruned chain now starts: the last pruned event's seq and hash. Written by the
    retention prune before it deletes (the DELETE trigger lets through only events an anchor
    covers); append-only like the events."""

    __tablename__ = "audit_anchors"
    __table_args__ = (UniqueConstraint("county_id", "chain", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(BigId)
    chain: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    # Events at or after `cutoff` are never deleted under this anchor (the trigger checks it too).
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime)
    pruned: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
