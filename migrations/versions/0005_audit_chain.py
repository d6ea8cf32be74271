"""audit chain: per-county seq, prev_hash and hash on audit_events

Existing events are linked here, in id order per county. The append-only triggers are lifted
for the backfill only (and re-created: SQLite's batch mode rebuilds the table, dropping them).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 09:45:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from backend.audit.chain import GENESIS, link_hash
from backend.core.orm import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _create_append_only_triggers() -> None:
    """The same triggers as 0002 made on audit_events."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )


def _drop_append_only_triggers() -> None:
    """Drops the triggers only; the PostgreSQL trigger function (made by 0002) stays."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{verb}")


_events = sa.table(
    "audit_events",
    sa.column("id", sa.BigInteger()),
    sa.column("at", UTCDateTime()),
    sa.column("actor_user_id", sa.BigInteger()),
    sa.column("county_id", sa.BigInteger()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.String()),
    sa.column("action", sa.String()),
    sa.column("version", sa.Integer()),
    sa.column("detail", sa.JSON()),
    sa.column("seq", sa.BigInteger()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def _link_existing_events() -> None:
    bind = op.get_bind()
    heads: dict[int, tuple[int, str]] = {}
    links: list[dict[str, Any]] = []
    for row in bind.execute(sa.select(_events).order_by(_events.c.county_id, _events.c.id)):
        seq, prev_hash = heads.get(row.county_id, (0, GENESIS))
        seq += 1
        digest = link_hash(
            county_id=row.county_id,
            seq=seq,
            at=row.at,
            actor_user_id=row.actor_user_id,
            entity=row.entity,
            entity_id=row.entity_id,
            action=row.action,
            version=row.version,
            detail=row.detail,
            prev_hash=prev_hash,
        )
        heads[row.county_id] = (seq, digest)
        links.append({"event_id": row.id, "seq": seq, "prev_hash": prev_hash, "hash": digest})
    if links:
        bind.execute(
            _events.update()
            .where(_events.c.id == sa.bindparam("event_id"))
            .values(seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash")),
            links,
        )


def upgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _link_existing_events()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_audit_events_county_id"), ["county_id", "seq"])
    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_audit_events_county_id"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
    _create_append_only_triggers()
