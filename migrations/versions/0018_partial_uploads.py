"""partial uploads: photo uploads under way, resumable after a cut (tus, backend/media/resumable.py)

`partial_uploads` names an account's upload by the SHA-256 of the whole file and says how many
bytes have arrived; `partial_upload_parts` holds those bytes, one row per stretch saved. Deleted when
the upload completes, or after a day without progress by the daily retention.

Revision ID: 0018_partial_uploads
Revises: 0017_duty_checklists
Create Date: 2026-12-07 09:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_partial_uploads"
down_revision = "0017_duty_checklists"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "partial_uploads",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_partial_uploads_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "sha256", name=op.f("pk_partial_uploads")),
    )
    op.create_table(
        "partial_upload_parts",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id", "sha256"],
            ["partial_uploads.user_id", "partial_uploads.sha256"],
            name=op.f("fk_partial_upload_parts_user_id_partial_uploads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "sha256", "offset", name=op.f("pk_partial_upload_parts")),
    )


def downgrade() -> None:
    op.drop_table("partial_upload_parts")
    op.drop_table("partial_uploads")
