"""Uploaded photos, content-addressed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, ForeignKeyConstraint, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, BigId, UTCDateTime, utcnow


class Media(Base):
    """A stored photo, content-addressed by the SHA-256 of the bytes the phone uploaded."""

    __tablename__ = "media"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    stored_key: Mapped[str] = mapped_column(String(200))  # key of the re-encoded image in storage
    thumb_key: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # from EXIF, before stripping
    exif_lat: Mapped[float | None] = mapped_column(Float)
    exif_lng: Mapped[float | None] = mapped_column(Float)
    # None: uploaded without an account from a village's public page (visible only once attached)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    county_id: Mapped[int] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PartialUpload(Base):
    """A photo upload under way (tus, backend/media/resumable.py), named by the SHA-256 the phone
    declares for the whole file: the bytes received so far are its parts, in order."""

    __tablename__ = "partial_uploads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    length: Mapped[int] = mapped_column(Integer)  # the whole file, as declared when it was created
    received: Mapped[int] = mapped_column(Integer, default=0)  # the parts' bytes: the next offset
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PartialUploadPart(Base):
    """Bytes of a partial upload from `offset`, as one request delivered them."""

    __tablename__ = "partial_upload_parts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["user_id", "sha256"], ["partial_uploads.user_id", "partial_uploads.sha256"], ondelete="CASCADE"
        ),
    )

    user_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
