"""foundation: org tree, users, secretaries, households, auth

Revision ID: 0001
Revises:
Create Date: 2026-11-22 05:24:17.580586
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "login_failures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_phone_at", ["phone", "failed_at"], unique=False)

    op.create_table(
        "org_units",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "county", "township", "village", name="org_kind", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("township_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("is_community", sa.Boolean(), nullable=False),
        sa.Column("center_lat", sa.Float(), nullable=True),
        sa.Column("center_lng", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["org_units.id"], name=op.f("fk_org_units_county_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["org_units.id"], name=op.f("fk_org_units_parent_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["township_id"], ["org_units.id"], name=op.f("fk_org_units_township_id_org_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_units")),
        sa.UniqueConstraint("county_id", "code", name="county_code"),
    )
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.create_index("ix_org_units_county_kind", ["county_id", "kind"], unique=False)
        batch_op.create_index("ix_org_units_parent", ["parent_id"], unique=False)
        batch_op.create_index("ix_org_units_township", ["township_id"], unique=False)

    op.create_table(
        "households",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("village_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("head_name", sa.String(length=50), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("is_hardship", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_id"], ["org_units.id"], name=op.f("fk_households_village_id_org_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
        sa.UniqueConstraint("village_id", "code", name="village_code"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "county",
                "township",
                "village",
                "member",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("org_unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_users_org_unit_id_org_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("phone", name=op.f("uq_users_phone")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_org_unit_role", ["org_unit_id", "role"], unique=False)

    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refresh_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_refresh_tokens_token_hash")),
    )
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_refresh_tokens_family", ["family_id"], unique=False)

    op.create_table(
        "secretary_profiles",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column(
            "gender",
            sa.Enum("male", "female", name="gender", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("dispatch_unit", sa.String(length=100), nullable=False),
        sa.Column(
            "unit_type",
            sa.Enum("township", "municipal", name="unit_type", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column(
            "mode",
            sa.Enum("resident", "liaison", name="station_mode", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column(
            "cadre_class",
            sa.Enum(
                "party_gov_chief",
                "other_leader",
                "section_chief",
                "deputy_section_and_below",
                name="cadre_class",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("village_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["org_units.id"], name=op.f("fk_secretary_profiles_county_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_secretary_profiles_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"],
            ["org_units.id"],
            name=op.f("fk_secretary_profiles_village_id_org_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secretary_profiles")),
        sa.UniqueConstraint("user_id", name=op.f("uq_secretary_profiles_user_id")),
    )
    with op.batch_alter_table("secretary_profiles", schema=None) as batch_op:
        batch_op.create_index("ix_secretary_profiles_county", ["county_id"], unique=False)
        batch_op.create_index("ix_secretary_profiles_phone", ["phone"], unique=False)
        batch_op.create_index("ix_secretary_profiles_village", ["village_id", "term_start"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("secretary_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_secretary_profiles_village")
        batch_op.drop_index("ix_secretary_profiles_phone")
        batch_op.drop_index("ix_secretary_profiles_county")

    op.drop_table("secretary_profiles")
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_refresh_tokens_family")

    op.drop_table("refresh_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_org_unit_role")

    op.drop_table("users")
    op.drop_table("households")
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.drop_index("ix_org_units_township")
        batch_op.drop_index("ix_org_units_parent")
        batch_op.drop_index("ix_org_units_county_kind")

    op.drop_table("org_units")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_phone_at")

    op.drop_table("login_failures")
