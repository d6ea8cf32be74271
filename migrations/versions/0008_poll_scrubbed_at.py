"""polls.scrubbed_at: when the ballot staging and roster tables were rewritten after close

Closing a poll deletes its staging ballots (arrival order) and, with opening voting, leaves old
roster row versions (blinded-message hashes, request order). A DELETE or UPDATE, even followed by
VACUUM, leaves those bytes in the table files; after the closing transaction commits the server
now rewrites the two tables (backend/polls/scrub.py) and stamps this column.

Polls closed before this migration stay null: their tables were never rewritten. Rewriting them
cannot happen here (PostgreSQL's VACUUM FULL does not run inside the migration's transaction);
run `python -m backend.cli scrub-polls` once after upgrading.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("polls") as batch:
        batch.add_column(sa.Column("scrubbed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("polls") as batch:
        batch.drop_column("scrubbed_at")
