"""polls: satisfaction polls with blind-signed credentials, paper codes, anonymous ballots and a
hash-chained public board

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 06:27:51.897931
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The public board and the counted ballots are written once and never changed.
APPEND_ONLY = ("poll_board_entries", "poll_ballots")


def _append_only_triggers() -> None:
    bind = op.get_bind()
    for table in APPEND_ONLY:
        if bind.dialect.name == "postgresql":
            op.execute(
                f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '{table} is append-only' USING ERRCODE = 'insufficient_privilege'; END $$"""
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )
        else:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def _drop_append_only_triggers() -> None:
    bind = op.get_bind()
    for table in APPEND_ONLY:
        if bind.dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        else:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")


def upgrade() -> None:
    op.create_table(
        "poll_ballot_staging",
        sa.Column("poll_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("receipt", sa.String(length=64), nullable=False),
        sa.Column(
            "choice",
            sa.Enum(
                "very_satisfied",
                "satisfied",
                "basic",
                "dissatisfied",
                name="ballot_choice",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("poll_id", "receipt", name=op.f("pk_poll_ballot_staging")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "polls",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("township_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("village_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("secretary_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "issuing",
                "voting",
                "closed",
                name="poll_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("public_key_der", sa.LargeBinary(), nullable=False),
        sa.Column("encrypted_private_key", sa.LargeBinary(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["org_units.id"], name=op.f("fk_polls_county_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_polls_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretary_profiles.id"],
            name=op.f("fk_polls_secretary_id_secretary_profiles"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["township_id"], ["org_units.id"], name=op.f("fk_polls_township_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["org_units.id"], name=op.f("fk_polls_village_id_org_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
        sa.UniqueConstraint("secretary_id", "period", name="secretary_period"),
    )
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.create_index("ix_polls_county", ["county_id", "status"], unique=False)
        batch_op.create_index("ix_polls_township", ["township_id", "status"], unique=False)
        batch_op.create_index("ix_polls_village", ["village_id", "status"], unique=False)

    op.create_table(
        "poll_ballots",
        sa.Column("poll_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("receipt", sa.String(length=64), nullable=False),
        sa.Column(
            "choice",
            sa.Enum(
                "very_satisfied",
                "satisfied",
                "basic",
                "dissatisfied",
                name="ballot_choice",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_ballots_poll_id_polls"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("poll_id", "receipt", name=op.f("pk_poll_ballots")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "poll_board_entries",
        sa.Column("poll_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_board_entries_poll_id_polls"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("poll_id", "seq", name=op.f("pk_poll_board_entries")),
    )
    op.create_table(
        "poll_paper_codes",
        sa.Column("poll_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_paper_codes_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("poll_id", "code_hash", name=op.f("pk_poll_paper_codes")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "poll_voters",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("poll_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "committee",
                "party_member",
                "representative",
                "retired_cadre",
                "party_applicant",
                name="voter_category",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("credential_issued", sa.Boolean(), nullable=False),
        sa.Column("paper_issued", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_voters_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_poll_voters_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_voters")),
        sa.UniqueConstraint("poll_id", "phone", name="poll_phone"),
        sa.UniqueConstraint("poll_id", "user_id", name="poll_user"),
    )
    with op.batch_alter_table("poll_voters", schema=None) as batch_op:
        batch_op.create_index("ix_poll_voters_poll", ["poll_id", "id"], unique=False)

    _append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table("poll_voters", schema=None) as batch_op:
        batch_op.drop_index("ix_poll_voters_poll")

    op.drop_table("poll_voters")
    op.drop_table("poll_paper_codes")
    op.drop_table("poll_board_entries")
    op.drop_table("poll_ballots")
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_index("ix_polls_village")
        batch_op.drop_index("ix_polls_township")
        batch_op.drop_index("ix_polls_county")

    op.drop_table("polls")
    op.drop_table("poll_ballot_staging")
