"""poll_voters.credential_request: SHA-256 of the blinded message a credential was signed for

A member whose phone lost the answer to a credential request (connection cut, server killed after
the commit) sends the same blinded message again and gets the same blind signature back: RSA
signing is deterministic, so it is still one credential. Cleared when voting opens.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("poll_voters") as batch:
        batch.add_column(sa.Column("credential_request", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("poll_voters") as batch:
        batch.drop_column("credential_request")
