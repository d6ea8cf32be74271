"""complaints and suggestions (投诉建议) about the app and how it is used

The 2026 rules for government mobile apps (国办函〔2026〕12号) require a complaints and suggestions
channel to the operating unit (the county organization department). `complaints` holds each one:
kind, topic, the township or village it concerns (optional), the text, whether it is anonymous,
the sender's account (none when anonymous or sent without an account from a village's public
page), a call-back number (without an account only; forgotten after the answer), the tracking
number, the state and the county's reply.

Revision ID: 0011_complaints
Revises: 0010_roll_call_reasons
Create Date: 2026-12-07 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_complaints"
down_revision = "0010_roll_call_reasons"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tracking_number", sa.String(length=12), nullable=False),
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("public_village_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "complaint", "suggestion", name="complaint_kind", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column(
            "topic",
            sa.Enum(
                "forced_check_in",
                "duplicate_reporting",
                "forced_photos",
                "ranking_notices",
                "app_fault",
                "other",
                name="complaint_topic",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("about_unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("sender_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "received",
                "answered",
                "closed",
                name="complaint_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["about_unit_id"], ["org_units.id"], name=op.f("fk_complaints_about_unit_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["county_id"], ["org_units.id"], name=op.f("fk_complaints_county_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["public_village_id"],
            ["org_units.id"],
            name=op.f("fk_complaints_public_village_id_org_units"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["replied_by"], ["users.id"], name=op.f("fk_complaints_replied_by_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["sender_user_id"], ["users.id"], name=op.f("fk_complaints_sender_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("tracking_number", name=op.f("uq_complaints_tracking_number")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index("ix_complaints_county_created", ["county_id", "created_at"], unique=False)
        batch_op.create_index("ix_complaints_sender", ["sender_user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_sender")
        batch_op.drop_index("ix_complaints_county_created")

    op.drop_table("complaints")
