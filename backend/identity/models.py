"""External identities bound to accounts, logins in progress, and one-time login tickets."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, BigId, UTCDateTime, str_enum, utcnow


class BindMethod(enum.StrEnum):
    PHONE = "phone"  # at the first login, by the platform's verified mobile number
    COUNTY = "county"  # by the county (县委组织部), naming the platform's subject


class ExternalIdentity(Base):
    """The platform's account (issuer, subject) → an account here."""

    __tablename__ = "external_identities"
    __table_args__ = (
        UniqueConstraint("issuer", "subject", name="issuer_subject"),
        Index("ix_external_identities_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    issuer: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    method: Mapped[BindMethod] = mapped_column(str_enum(BindMethod, "bind_method"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # None: at login


class OidcLoginAttempt(Base):
    """A login sent to the platform and not back yet: found by its state (stored as a hash), used once."""

    __tablename__ = "oidc_login_attempts"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    browser_hash: Mapped[str] = mapped_column(String(64))  # the hash of the cookie that ties it to the browser
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_path: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginTicket(Base):
    """Hands a finished login to the PWA without tokens in a URL: single use, a minute long."""

    __tablename__ = "login_tickets"

    ticket_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
