"""security log: a second hash chain per county for security events, and anchors for its prune

Security events (logins, lockouts, account changes, exports, bulk reads of personal data) get
their own chain per county (`chain` = 'security'), so the retention prune can remove the oldest
of them as a prefix without touching the business trail. The DELETE trigger now lets through
exactly one kind of row: a security event older than 183 days (the Cybersecurity Law's six
months, a floor no setting can lower) that an anchor written beforehand covers. UPDATE stays
refused for every row, and the anchors themselves are append-only.

Revision ID: 0016_security_log
Revises: 0015_second_factor
Create Date: 2026-12-07 06:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_security_log"
down_revision = "0015_second_factor"
branch_labels = None
depends_on = None

FLOOR_DAYS = 183  # backend.audit.prune.FLOOR_DAYS

_PG_EVENTS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.chain = 'security' AND OLD.at < now() - interval '{FLOOR_DAYS} days'
     AND EXISTS (SELECT 1 FROM audit_anchors a WHERE a.county_id = OLD.county_id AND a.chain = OLD.chain
                 AND a.seq >= OLD.seq AND a.cutoff > OLD.at) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$"""

_PG_EVENTS_FUNCTION_BEFORE = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege'; END $$"""

_SQLITE_DELETE_WHEN = f"""NOT (OLD.chain = 'security' AND OLD.at < datetime('now', '-{FLOOR_DAYS} days')
  AND EXISTS (SELECT 1 FROM audit_anchors a WHERE a.county_id = OLD.county_id AND a.chain = OLD.chain
              AND a.seq >= OLD.seq AND a.cutoff > OLD.at))"""


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _drop_event_triggers() -> None:
    if _postgres():
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{verb}")


def _create_event_triggers(*, prunable: bool) -> None:
    if _postgres():
        op.execute(_PG_EVENTS_FUNCTION if prunable else _PG_EVENTS_FUNCTION_BEFORE)
        op.execute(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        return
    op.execute(
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
    )
    when = f"WHEN {_SQLITE_DELETE_WHEN} " if prunable else ""
    op.execute(
        f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events {when}"
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
    )


def _anchor_triggers() -> None:
    if _postgres():
        op.execute(
            """CREATE FUNCTION audit_anchors_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_anchors is append-only' USING ERRCODE = 'insufficient_privilege'; END $$"""
        )
        op.execute(
            "CREATE TRIGGER audit_anchors_no_change BEFORE UPDATE OR DELETE ON audit_anchors "
            "FOR EACH ROW EXECUTE FUNCTION audit_anchors_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_anchors_no_{verb.lower()} BEFORE {verb} ON audit_anchors "
                "BEGIN SELECT RAISE(ABORT, 'audit_anchors is append-only'); END"
            )


def upgrade() -> None:
    op.create_table(
        "audit_anchors",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("county_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("cutoff", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pruned", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_anchors")),
        sa.UniqueConstraint("county_id", "chain", "seq", name=op.f("uq_audit_anchors_county_id")),
    )
    _anchor_triggers()
    _drop_event_triggers()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", sa.String(length=16), server_default="trail", nullable=False))
        batch_op.drop_constraint(op.f("uq_audit_events_county_id"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_audit_events_county_id"), ["county_id", "chain", "seq"])
    _create_event_triggers(prunable=True)


def downgrade() -> None:
    _drop_event_triggers()
    # Before 0016 a county had one chain: the security log (a second seq 1, 2, 3…) cannot stay.
    op.execute("DELETE FROM audit_events WHERE chain = 'security'")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_audit_events_county_id"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_audit_events_county_id"), ["county_id", "seq"])
        batch_op.drop_column("chain")
    _create_event_triggers(prunable=False)
    if _postgres():
        op.execute("DROP TRIGGER IF EXISTS audit_anchors_no_change ON audit_anchors")
        op.execute("DROP FUNCTION IF EXISTS audit_anchors_append_only()")
    op.drop_table("audit_anchors")
