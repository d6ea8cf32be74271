"""external identities: logging in through the province's identity platform (统一身份认证)

`external_identities` binds the platform's account (issuer, subject) to an account here;
`oidc_login_attempts` holds a login sent to the platform until it comes back (state, nonce, PKCE
verifier; single use, minutes long); `login_tickets` hands a finished login to the PWA without
tokens in a URL (single use, a minute long). A county's `staff_password_login` rule lives in
county_settings' JSON values (no column).

Revision ID: 0014_external_identities
Revises: 0013_photo_requirements
Create Date: 2026-12-07 06:07:04.203559
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_external_identities"
down_revision = "0013_photo_requirements"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "oidc_login_attempts",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("next_path", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_oidc_login_attempts")),
    )
    op.create_table(
        "external_identities",
        sa.Column("id", ID, nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column(
            "method",
            sa.Enum("phone", "county", name="bind_method", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_external_identities_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_external_identities_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_identities")),
        sa.UniqueConstraint("issuer", "subject", name="issuer_subject"),
    )
    with op.batch_alter_table("external_identities", schema=None) as batch_op:
        batch_op.create_index("ix_external_identities_user", ["user_id"], unique=False)
    op.create_table(
        "login_tickets",
        sa.Column("ticket_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_login_tickets_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("ticket_hash", name=op.f("pk_login_tickets")),
    )


def downgrade() -> None:
    op.drop_table("login_tickets")
    with op.batch_alter_table("external_identities", schema=None) as batch_op:
        batch_op.drop_index("ix_external_identities_user")
    op.drop_table("external_identities")
    op.drop_table("oidc_login_attempts")
