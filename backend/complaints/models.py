"""Complaints and suggestions (投诉建议) to the operating unit — the county organization department —
about the app or how it is used (国办函〔2026〕12号). Read by the county only, and by whoever sent
one with their account; anyone follows one by its tracking number (state and reply only)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, BigId, UTCDateTime, str_enum, utcnow


class ComplaintKind(enum.StrEnum):
    COMPLAINT = "complaint"  # 投诉
    SUGGESTION = "suggestion"  # 建议


class ComplaintTopic(enum.StrEnum):
    FORCED_CHECK_IN = "forced_check_in"  # 强制打卡
    DUPLICATE_REPORTING = "duplicate_reporting"  # 重复填报
    FORCED_PHOTOS = "forced_photos"  # 强制上传照片
    RANKING_NOTICES = "ranking_notices"  # 排名通报
    APP_FAULT = "app_fault"  # 应用故障
    OTHER = "other"  # 其他


class ComplaintState(enum.StrEnum):
    RECEIVED = "received"  # 已受理
    ANSWERED = "answered"  # 已答复
    CLOSED = "closed"  # 已办结


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_county_created", "county_id", "created_at"),
        Index("ix_complaints_sender", "sender_user_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # 12 characters of an alphabet without look-alikes, from `secrets`: to follow it without an account.
    tracking_number: Mapped[str] = mapped_column(String(12), unique=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    # Sent without an account: the village whose public page it came from (for the daily cap).
    public_village_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    kind: Mapped[ComplaintKind] = mapped_column(str_enum(ComplaintKind, "complaint_kind"))
    topic: Mapped[ComplaintTopic] = mapped_column(str_enum(ComplaintTopic, "complaint_topic"))
    # The township or village it concerns, if any (never shown to that township or village).
    about_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    text: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # None when anonymous or sent without an account.
    sender_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Sent without an account and not anonymous: a number to call back on (forgotten
    # CONTACT_KEEP_DAYS after the answer, like a problem report's).
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[ComplaintState] = mapped_column(str_enum(ComplaintState, "complaint_state"))
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
