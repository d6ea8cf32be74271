"""roll call reasons and phone/video verification: roll calls as exceptional spot checks

Under the 2026 rules for government mobile apps (国办函〔2026〕12号) a forced check-in is allowed
only for security or emergencies. A roll call therefore states why it is made:
`roll_calls.reason` (spot_check 督查抽查, emergency 应急, security 安全, other 其他), explained in the
existing `note`. A named secretary may also be answered by the township recording a phone or video
call: `roll_call_targets.verified_mode` / `verified_note` / `verified_by` / `verified_at`.

Roll calls made before this migration had no reason: they become spot checks (督查抽查, what the
form suggested), and their note is prefixed with "（迁移前发起）" so that nobody reads the reason
as stated at the time. The downgrade removes the prefix again.

On SQLite, making `reason` NOT NULL copies the table (batch mode): foreign keys must be off (the
migration engine never turns them on).

Revision ID: 0010_roll_call_reasons
Revises: 0009_public_reports
Create Date: 2026-12-07 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_roll_call_reasons"
down_revision = "0009_public_reports"
branch_labels = None
depends_on = None

CARRIED_OVER = "（迁移前发起）"  # 7 characters

_roll_calls = sa.table("roll_calls", sa.column("reason", sa.String), sa.column("note", sa.Text))


REASONS = ("spot_check", "emergency", "security", "other")
MODES = ("phone", "video")


def _in(column: str, values: tuple[str, ...]) -> sa.TextClause:
    return sa.text(f"{column} IN ({', '.join(repr(v) for v in values)})")


def _sqlite() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("run this migration with SQLite foreign keys off (PRAGMA foreign_keys=OFF)")
    return True


def upgrade() -> None:
    sqlite = _sqlite()
    with op.batch_alter_table("roll_calls") as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=32), nullable=True))
    op.execute(_roll_calls.update().values(reason="spot_check", note=sa.literal(CARRIED_OVER) + _roll_calls.c.note))
    with op.batch_alter_table("roll_calls", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.alter_column("reason", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_check_constraint(op.f("ck_roll_calls_roll_call_reason"), _in("reason", REASONS))
    with op.batch_alter_table("roll_call_targets", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.add_column(sa.Column("verified_mode", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("verified_note", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("verified_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_roll_call_targets_roll_call_verification_mode"), _in("verified_mode", MODES)
        )
        batch_op.create_foreign_key(
            op.f("fk_roll_call_targets_verified_by_users"), "users", ["verified_by"], ["id"], ondelete="RESTRICT"
        )


def downgrade() -> None:
    """Verifications by phone or video cannot be kept by the older schema: such targets become
    unanswered again. Reasons are dropped; the carried-over prefix is removed from the notes."""
    sqlite = _sqlite()
    with op.batch_alter_table("roll_call_targets", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.drop_constraint(op.f("fk_roll_call_targets_verified_by_users"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_roll_call_targets_roll_call_verification_mode"), type_="check")
        batch_op.drop_column("verified_at")
        batch_op.drop_column("verified_by")
        batch_op.drop_column("verified_note")
        batch_op.drop_column("verified_mode")
    op.execute(
        _roll_calls.update()
        .where(_roll_calls.c.note.like(CARRIED_OVER + "%"))
        .values(note=sa.func.substr(_roll_calls.c.note, len(CARRIED_OVER) + 1))
    )
    with op.batch_alter_table("roll_calls", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.drop_constraint(op.f("ck_roll_calls_roll_call_reason"), type_="check")
        batch_op.drop_column("reason")
