"""Satisfaction polls (群众满意度测评, DOMAIN.md section 4): a secret ballot nobody can
de-anonymise, with a public hash-chained board anyone can re-check.

What links to what, on purpose (docs/SECURITY.md, "Polls"):
- `poll_voters` (the roster) records that a person received a credential or a paper slip —
  a flag, never the token, the code, or a time.
- `poll_paper_codes` holds SHA-256 hashes of the paper codes, with no link to a person.
- `poll_ballot_staging` / `poll_ballots` hold (poll, receipt, choice) and nothing else: no
  user id, no timestamp, no sequence number, no address; the primary key is the receipt (a hash
  of the spent token or code). Staging rows lie in arrival order and exist only while voting;
  at close they are copied into `poll_ballots` in receipt order and deleted. No foreign key
  points at either ballot table.
- `poll_board_entries` is the public append-only log (the database refuses UPDATE/DELETE).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.orm import Base, BigId, UTCDateTime, str_enum, utcnow


class PollStatus(enum.StrEnum):
    DRAFT = "draft"  # roster being prepared
    ISSUING = "issuing"  # roster locked; credentials and paper slips handed out
    VOTING = "voting"  # ballots cast; no more credentials
    CLOSED = "closed"  # tallied; the board is complete


class VoterCategory(enum.StrEnum):
    COMMITTEE = "committee"  # 村两委成员
    PARTY_MEMBER = "party_member"  # 党员
    REPRESENTATIVE = "representative"  # 村民代表
    RETIRED_CADRE = "retired_cadre"  # 离退职老干部
    PARTY_APPLICANT = "party_applicant"  # 入党积极分子


class BallotChoice(enum.StrEnum):
    VERY_SATISFIED = "very_satisfied"  # 很满意
    SATISFIED = "satisfied"  # 满意
    BASIC = "basic"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意


class Poll(Base):
    __tablename__ = "polls"
    __table_args__ = (
        UniqueConstraint("secretary_id", "period", name="secretary_period"),
        Index("ix_polls_county", "county_id", "status"),
        Index("ix_polls_township", "township_id", "status"),
        Index("ix_polls_village", "village_id", "status"),
        Index("ix_polls_county_period", "county_id", "period"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    township_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    village_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"))
    secretary_id: Mapped[int] = mapped_column(ForeignKey("secretary_profiles.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(100))
    status: Mapped[PollStatus] = mapped_column(str_enum(PollStatus, "poll_status"), default=PollStatus.DRAFT)
    key_fingerprint: Mapped[str] = mapped_column(String(64))
    public_key_der: Mapped[bytes] = mapped_column(LargeBinary)
    # AES-256-GCM under a key derived from the app secret; erased when voting opens.
    encrypted_private_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The tally payload published on the board at close (a copy, for cheap listing).
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The outcome the ranking reads, copied from the tally at close (null while open).
    valid: Mapped[bool | None] = mapped_column(Boolean)
    satisfaction_num: Mapped[int | None] = mapped_column(Integer)  # null when invalid or suppressed
    satisfaction_den: Mapped[int | None] = mapped_column(Integer)
    tier: Mapped[str | None] = mapped_column(String(20))  # "incompetent" | "basic_competent" | "none"
    # The county's tier lines when the poll closed, frozen with the tier (the county may move its
    # lines later; a reason must quote the line that applied). Null while open.
    incompetent_below_pct: Mapped[int | None] = mapped_column(Integer)
    basic_below_pct: Mapped[int | None] = mapped_column(Integer)
    # When the staging and roster tables were rewritten after the close, so that the rows it deleted
    # or superseded are gone from the files, not just marked free (services/polls/scrub.py).
    scrubbed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PollVoter(Base):
    """One person on the eligible roster. No timestamps: when a flag flipped is nobody's business."""

    __tablename__ = "poll_voters"
    __table_args__ = (
        UniqueConstraint("poll_id", "user_id", name="poll_user"),
        UniqueConstraint("poll_id", "phone", name="poll_phone"),
        Index("ix_poll_voters_poll", "poll_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    category: Mapped[VoterCategory] = mapped_column(str_enum(VoterCategory, "voter_category"))
    phone: Mapped[str | None] = mapped_column(String(20))  # only to match an account; never exported
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    credential_issued: Mapped[bool] = mapped_column(Boolean, default=False)
    # SHA-256 of the blinded message signed, so a lost answer can be fetched again; NULL once voting opens.
    credential_request: Mapped[str | None] = mapped_column(String(64))
    paper_issued: Mapped[bool] = mapped_column(Boolean, default=False)


class PaperCode(Base):
    """SHA-256 of a one-time paper code (domain-separated; see services/polls/paper.py)."""

    __tablename__ = "poll_paper_codes"
    __table_args__ = (PrimaryKeyConstraint("poll_id", "code_hash"), {"sqlite_with_rowid": False})

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))


class StagedBallot(Base):
    """A ballot while voting runs. No foreign key on purpose: the casting transaction checks
    the poll under a lock, and a per-insert FK check would lock the hot poll row."""

    __tablename__ = "poll_ballot_staging"
    __table_args__ = (PrimaryKeyConstraint("poll_id", "receipt"), {"sqlite_with_rowid": False})

    poll_id: Mapped[int] = mapped_column(BigId)
    receipt: Mapped[str] = mapped_column(String(64))
    choice: Mapped[BallotChoice] = mapped_column(str_enum(BallotChoice, "ballot_choice"))


class Ballot(Base):
    """A counted ballot, written once at close in receipt order. Append-only."""

    __tablename__ = "poll_ballots"
    __table_args__ = (PrimaryKeyConstraint("poll_id", "receipt"), {"sqlite_with_rowid": False})

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="RESTRICT"))
    receipt: Mapped[str] = mapped_column(String(64))
    choice: Mapped[BallotChoice] = mapped_column(str_enum(BallotChoice, "ballot_choice"))


class BoardEntry(Base):
    """One entry of a poll's public, hash-chained board. Append-only."""

    __tablename__ = "poll_board_entries"
    __table_args__ = (PrimaryKeyConstraint("poll_id", "seq"),)

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="RESTRICT"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
