"""photo requirements: a county may require a photo for a kind of filing, only with a reason

The 2026 rules for government apps (国办函〔2026〕12号) forbid forced uploads of work photos where
not necessary: no kind requires a photo by default; a county's decision that one does is a row
here with its reason, shown in the compliance report as a justified exception.

Revision ID: 0013_photo_requirements
Revises: 0012_stationed_days
Create Date: 2026-12-07 03:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_photo_requirements"
down_revision = "0012_stationed_days"
branch_labels = None
depends_on = None

KINDS = (
    "household_visit",
    "work_diary",
    "service_card",
    "research_report",
    "party_lecture",
    "tech_training",
    "startup_project",
    "term_goals",
    "pledge",
    "pairing",
    "pairing_visit",
    "committee_meeting",
    "self_report",
    "talk",
)


def upgrade() -> None:
    op.create_table(
        "photo_requirements",
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="photo_requirement_kind", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("decided_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["org_units.id"], name=op.f("fk_photo_requirements_county_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_photo_requirements_decided_by_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("county_id", "kind", name=op.f("pk_photo_requirements")),
    )


def downgrade() -> None:
    op.drop_table("photo_requirements")
