"""duties: filings, media, audit trail, problems, attendance, county settings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 05:46:34.215203
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


APPEND_ONLY = ("audit_events", "problem_notes")


def _append_only_triggers() -> None:
    """The database itself refuses to edit or delete the audit trail."""
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
        "audit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_audit_events_actor_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "county_settings",
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["county_id"], ["org_units.id"], name=op.f("fk_county_settings_county_id_org_units"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_county_settings_updated_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("county_id", name=op.f("pk_county_settings")),
    )
    op.create_table(
        "media",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_key", sa.String(length=200), nullable=False),
        sa.Column("thumb_key", sa.String(length=200), nullable=False),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exif_lat", sa.Float(), nullable=True),
        sa.Column("exif_lng", sa.Float(), nullable=True),
        sa.Column("uploaded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_media_uploaded_by_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_media")),
    )
    op.create_table(
        "roll_calls",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("township_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("started_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["org_units.id"], name=op.f("fk_roll_calls_county_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["started_by"], ["users.id"], name=op.f("fk_roll_calls_started_by_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["township_id"], ["org_units.id"], name=op.f("fk_roll_calls_township_id_org_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roll_calls")),
    )
    with op.batch_alter_table("roll_calls", schema=None) as batch_op:
        batch_op.create_index("ix_roll_calls_township_started", ["township_id", "started_at"], unique=False)

    op.create_table(
        "checkins",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("secretary_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("village_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("township_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lng", sa.Float(), nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("inside_geofence", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["org_units.id"], name=op.f("fk_checkins_county_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretary_profiles.id"],
            name=op.f("fk_checkins_secretary_id_secretary_profiles"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["township_id"], ["org_units.id"], name=op.f("fk_checkins_township_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["org_units.id"], name=op.f("fk_checkins_village_id_org_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index("ix_checkins_secretary_at", ["secretary_id", "at"], unique=False)
        batch_op.create_index("ix_checkins_township_at", ["township_id", "at"], unique=False)

    op.create_table(
        "filings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
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
                name="filing_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "returned",
                name="filing_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("secretary_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("village_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("township_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lng", sa.Float(), nullable=True),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("reviewed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["org_units.id"], name=op.f("fk_filings_county_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_filings_created_by_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_filings_household_id_households"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["users.id"], name=op.f("fk_filings_reviewed_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretary_profiles.id"],
            name=op.f("fk_filings_secretary_id_secretary_profiles"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["township_id"], ["org_units.id"], name=op.f("fk_filings_township_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["org_units.id"], name=op.f("fk_filings_village_id_org_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filings")),
    )
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.create_index("ix_filings_county_kind", ["county_id", "kind"], unique=False)
        batch_op.create_index("ix_filings_household", ["household_id"], unique=False)
        batch_op.create_index("ix_filings_secretary_kind", ["secretary_id", "kind"], unique=False)
        batch_op.create_index("ix_filings_township_status", ["township_id", "status", "submitted_at"], unique=False)

    op.create_table(
        "problems",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("village_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("township_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("secretary_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "villager", "secretary", name="problem_source", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("reporter_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in_progress",
                "resolved",
                "closed",
                name="problem_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["county_id"], ["org_units.id"], name=op.f("fk_problems_county_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_problems_household_id_households"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["reporter_user_id"], ["users.id"], name=op.f("fk_problems_reporter_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretary_profiles.id"],
            name=op.f("fk_problems_secretary_id_secretary_profiles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["township_id"], ["org_units.id"], name=op.f("fk_problems_township_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["org_units.id"], name=op.f("fk_problems_village_id_org_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problems")),
    )
    with op.batch_alter_table("problems", schema=None) as batch_op:
        batch_op.create_index("ix_problems_reporter", ["reporter_user_id"], unique=False)
        batch_op.create_index("ix_problems_village_status", ["village_id", "status"], unique=False)

    op.create_table(
        "service_cards",
        sa.Column("secretary_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("photo_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["photo_sha256"], ["media.sha256"], name=op.f("fk_service_cards_photo_sha256_media"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretary_profiles.id"],
            name=op.f("fk_service_cards_secretary_id_secretary_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("secretary_id", name=op.f("pk_service_cards")),
    )
    op.create_table(
        "filing_photos",
        sa.Column("filing_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("media_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["filing_id"], ["filings.id"], name=op.f("fk_filing_photos_filing_id_filings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["media_sha256"], ["media.sha256"], name=op.f("fk_filing_photos_media_sha256_media"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("filing_id", "position", name=op.f("pk_filing_photos")),
    )
    op.create_table(
        "problem_notes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("problem_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"], ["users.id"], name=op.f("fk_problem_notes_author_user_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"], ["problems.id"], name=op.f("fk_problem_notes_problem_id_problems"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_notes")),
    )
    with op.batch_alter_table("problem_notes", schema=None) as batch_op:
        batch_op.create_index("ix_problem_notes_problem", ["problem_id", "at"], unique=False)

    op.create_table(
        "roll_call_targets",
        sa.Column("roll_call_id", sa.String(length=36), nullable=False),
        sa.Column("secretary_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("checkin_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["checkin_id"], ["checkins.id"], name=op.f("fk_roll_call_targets_checkin_id_checkins"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["roll_call_id"],
            ["roll_calls.id"],
            name=op.f("fk_roll_call_targets_roll_call_id_roll_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretary_profiles.id"],
            name=op.f("fk_roll_call_targets_secretary_id_secretary_profiles"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("roll_call_id", "secretary_id", name=op.f("pk_roll_call_targets")),
    )
    _append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()

    op.drop_table("roll_call_targets")
    with op.batch_alter_table("problem_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_problem_notes_problem")

    op.drop_table("problem_notes")
    op.drop_table("filing_photos")
    op.drop_table("service_cards")
    with op.batch_alter_table("problems", schema=None) as batch_op:
        batch_op.drop_index("ix_problems_village_status")
        batch_op.drop_index("ix_problems_reporter")

    op.drop_table("problems")
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.drop_index("ix_filings_township_status")
        batch_op.drop_index("ix_filings_secretary_kind")
        batch_op.drop_index("ix_filings_household")
        batch_op.drop_index("ix_filings_county_kind")

    op.drop_table("filings")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_checkins_township_at")
        batch_op.drop_index("ix_checkins_secretary_at")

    op.drop_table("checkins")
    with op.batch_alter_table("roll_calls", schema=None) as batch_op:
        batch_op.drop_index("ix_roll_calls_township_started")

    op.drop_table("roll_calls")
    op.drop_table("media")
    op.drop_table("county_settings")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_entity")

    op.drop_table("audit_events")
