"""public problem reports: reports without an account, call-back numbers, problem photos

The service card's QR opens the village's public page for anyone; a villager without an account
may report a problem there, anonymously or with a phone number to be called back on, and with a
photo. So: `problems.source` gains `public`, `problems.contact_phone` holds the number,
`problem_notes.author_user_id` may be null (the opening note of a report made without an
account), `media.uploaded_by` may be null (a photo uploaded without an account), and
`problem_photos` attaches photos to problems as `filing_photos` does to filings.

On SQLite, changing a constraint or nullability copies the table (batch mode): foreign keys must
be off (the migration engine never turns them on), and the append-only triggers of
`problem_notes` (0002) are made again on the copy.

Revision ID: 0009_public_reports
Revises: 0008
Create Date: 2026-11-26 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_public_reports"
down_revision = "0008"
branch_labels = None
depends_on = None

SOURCES_0002 = ("villager", "secretary")
SOURCES_0009 = (*SOURCES_0002, "public")


def _sqlite() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("run this migration with SQLite foreign keys off (PRAGMA foreign_keys=OFF)")
    return True


def _set_sources(sources: tuple[str, ...], sqlite: bool) -> None:
    allowed = ", ".join(f"'{source}'" for source in sources)
    with op.batch_alter_table("problems", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.drop_constraint(op.f("ck_problems_problem_source"), type_="check")
        batch_op.create_check_constraint(op.f("ck_problems_problem_source"), sa.text(f"source IN ({allowed})"))


def _sqlite_note_triggers(create: bool) -> None:
    """The append-only triggers of problem_notes (0002), dropped with the table's copy on SQLite."""
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS problem_notes_no_{verb.lower()}")
        if create:
            op.execute(
                f"CREATE TRIGGER problem_notes_no_{verb.lower()} BEFORE {verb} ON problem_notes "
                "BEGIN SELECT RAISE(ABORT, 'problem_notes is append-only'); END"
            )


def _note_author_nullable(nullable: bool, sqlite: bool) -> None:
    if sqlite:
        _sqlite_note_triggers(create=False)
    with op.batch_alter_table("problem_notes") as batch_op:
        batch_op.alter_column(
            "author_user_id", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=nullable
        )
    if sqlite:
        _sqlite_note_triggers(create=True)


def upgrade() -> None:
    sqlite = _sqlite()
    _set_sources(SOURCES_0009, sqlite)
    with op.batch_alter_table("problems") as batch_op:
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=20), nullable=True))
    _note_author_nullable(True, sqlite)
    with op.batch_alter_table("media") as batch_op:
        batch_op.alter_column(
            "uploaded_by", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        )
    op.create_table(
        "problem_photos",
        sa.Column("problem_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("media_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["problem_id"], ["problems.id"], name=op.f("fk_problem_photos_problem_id_problems"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["media_sha256"], ["media.sha256"], name=op.f("fk_problem_photos_media_sha256_media"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("problem_id", "position", name=op.f("pk_problem_photos")),
    )
    with op.batch_alter_table("problem_photos") as batch_op:
        batch_op.create_index(batch_op.f("ix_problem_photos_media_sha256"), ["media_sha256"], unique=False)


def downgrade() -> None:
    """Reports made without an account, and photos uploaded without one, cannot be kept by the
    older schema: they are deleted (their notes too, with the append-only triggers lifted)."""
    sqlite = _sqlite()
    with op.batch_alter_table("problem_photos") as batch_op:
        batch_op.drop_index(batch_op.f("ix_problem_photos_media_sha256"))
    op.drop_table("problem_photos")
    if sqlite:
        _sqlite_note_triggers(create=False)
    else:
        op.execute("ALTER TABLE problem_notes DISABLE TRIGGER problem_notes_no_change")
    op.execute("DELETE FROM problem_notes WHERE author_user_id IS NULL")
    op.execute("DELETE FROM problem_notes WHERE problem_id IN (SELECT id FROM problems WHERE source = 'public')")
    if not sqlite:
        op.execute("ALTER TABLE problem_notes ENABLE TRIGGER problem_notes_no_change")
    op.execute("DELETE FROM problems WHERE source = 'public'")
    op.execute(
        "UPDATE service_cards SET photo_sha256 = NULL"
        " WHERE photo_sha256 IN (SELECT sha256 FROM media WHERE uploaded_by IS NULL)"
    )
    op.execute(
        "DELETE FROM media WHERE uploaded_by IS NULL AND sha256 NOT IN (SELECT media_sha256 FROM filing_photos)"
    )
    with op.batch_alter_table("media") as batch_op:
        batch_op.alter_column(
            "uploaded_by", existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        )
    _note_author_nullable(False, sqlite)
    with op.batch_alter_table("problems") as batch_op:
        batch_op.drop_column("contact_phone")
    _set_sources(SOURCES_0002, sqlite)
