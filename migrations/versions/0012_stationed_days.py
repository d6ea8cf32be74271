"""stationed days from work evidence: declared days and the township's monthly confirmation

Since 25 January 2026 (国办函〔2026〕12号) no check-in may be forced: stationed days are derived from
the secretary's own work in the village (backend/attendance/stationed.py). This adds
`day_declarations` (镇街会议/培训/公务外出 count; 请假 never counts and needs the township's approval)
and `attendance_confirmations` (the township's confirmed month: frozen days, rate and allowance).

So that the allowance of past months does not change, every secretary-month before the current
month (Beijing time, when the migration runs) that has check-ins is frozen as a confirmation with
source `carried_over`: the stationed days the old check-in-only rule gave (resident: distinct
Monday–Friday days in the term with an inside check-in; liaison: distinct days in the term with
an inside check-in, allowance 0), at the county's rate then. Roll calls need no carrying over:
their answers are check-ins, and their phone/video verifications are kept as they are.

The downgrade drops both tables (declarations and confirmations are lost; the old rule counts
check-ins again).

NOTE: chained after 0010 for now; the main branch re-chains it after 0011 (complaints).

Revision ID: 0012_stationed_days
Revises: 0011_complaints
Create Date: 2026-12-07 12:00:00.000000
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012_stationed_days"
down_revision = "0011_complaints"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SHANGHAI = timezone(timedelta(hours=8))
DEFAULT_RATE = 40  # DEFAULT_RULES.allowance_yuan_per_day when the county never changed it

REASONS = ("township_meeting", "training", "official_trip", "leave")
STATUSES = ("declared", "pending", "approved", "rejected")
SOURCES = ("township", "carried_over")


def _in(column: str, values: tuple[str, ...]) -> sa.TextClause:
    return sa.text(f"{column} IN ({', '.join(repr(v) for v in values)})")


def _fk(table: str, column: str, target: str, ondelete: str = "RESTRICT") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "day_declarations",
        sa.Column("id", BigId, nullable=False),
        sa.Column("secretary_id", BigId, nullable=False),
        sa.Column("village_id", BigId, nullable=False),
        sa.Column("township_id", BigId, nullable=False),
        sa.Column("county_id", BigId, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_by", BigId, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", BigId, nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=200), nullable=True),
        sa.CheckConstraint(_in("reason", REASONS), name=op.f("ck_day_declarations_declaration_reason")),
        sa.CheckConstraint(_in("status", STATUSES), name=op.f("ck_day_declarations_declaration_status")),
        _fk("day_declarations", "secretary_id", "secretary_profiles"),
        _fk("day_declarations", "village_id", "org_units"),
        _fk("day_declarations", "township_id", "org_units"),
        _fk("day_declarations", "county_id", "org_units"),
        _fk("day_declarations", "created_by", "users"),
        _fk("day_declarations", "decided_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_declarations")),
        sa.UniqueConstraint("secretary_id", "day", name=op.f("uq_day_declarations_secretary_id")),
    )
    with op.batch_alter_table("day_declarations") as batch_op:
        batch_op.create_index("ix_day_declarations_township_day", ["township_id", "day"], unique=False)
        batch_op.create_index("ix_day_declarations_county_day", ["county_id", "day"], unique=False)
    op.create_table(
        "attendance_confirmations",
        sa.Column("secretary_id", BigId, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("township_id", BigId, nullable=False),
        sa.Column("county_id", BigId, nullable=False),
        sa.Column("derived_days", sa.Integer(), nullable=False),
        sa.Column("stationed_days", sa.Integer(), nullable=False),
        sa.Column("rate_yuan_per_day", sa.Integer(), nullable=False),
        sa.Column("allowance_yuan", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("confirmed_by", BigId, nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in("source", SOURCES), name=op.f("ck_attendance_confirmations_confirmation_source")),
        _fk("attendance_confirmations", "secretary_id", "secretary_profiles"),
        _fk("attendance_confirmations", "township_id", "org_units"),
        _fk("attendance_confirmations", "county_id", "org_units"),
        _fk("attendance_confirmations", "confirmed_by", "users"),
        sa.PrimaryKeyConstraint("secretary_id", "month", name=op.f("pk_attendance_confirmations")),
    )
    with op.batch_alter_table("attendance_confirmations") as batch_op:
        batch_op.create_index("ix_attendance_confirmations_township_month", ["township_id", "month"], unique=False)
    _carry_over()


def _utc(value: Any) -> datetime:
    stamp: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _carry_over() -> None:
    """Freeze every past secretary-month with check-ins at the old check-in-only count."""
    bind = op.get_bind()
    now = datetime.now(UTC)
    this_month = now.astimezone(SHANGHAI).strftime("%Y-%m")
    rates: dict[int, int] = {}
    for county_id, values in bind.execute(sa.text('SELECT county_id, "values" FROM county_settings')):
        data = json.loads(values) if isinstance(values, str) else (values or {})
        rates[int(county_id)] = int(data.get("allowance_yuan_per_day", DEFAULT_RATE))
    profiles: dict[int, tuple[str, date, date, int, int]] = {}
    for sid, mode, start, end, township_id, county_id in bind.execute(
        sa.text(
            "SELECT s.id, s.mode, s.term_start, s.term_end, v.township_id, s.county_id "
            "FROM secretary_profiles s JOIN org_units v ON v.id = s.village_id"
        )
    ):
        profiles[int(sid)] = (str(mode), _date(start), _date(end), int(township_id), int(county_id))
    inside_days: dict[tuple[int, str], set[date]] = defaultdict(set)
    months: set[tuple[int, str]] = set()
    for sid, at, inside in bind.execute(sa.text("SELECT secretary_id, at, inside_geofence FROM checkins")):
        day = _utc(at).astimezone(SHANGHAI).date()
        key = (int(sid), f"{day.year:04d}-{day.month:02d}")
        if key[1] >= this_month or key[0] not in profiles:
            continue
        months.add(key)
        if inside:
            inside_days[key].add(day)
    table = sa.table(
        "attendance_confirmations",
        *(sa.column(c) for c in ("secretary_id", "month", "township_id", "county_id", "derived_days")),
        *(sa.column(c) for c in ("stationed_days", "rate_yuan_per_day", "allowance_yuan", "note", "source")),
        sa.column("confirmed_by"),
        sa.column("confirmed_at", sa.DateTime(timezone=True)),
    )
    rows = []
    for sid, month in sorted(months):
        mode, start, end, township_id, county_id = profiles[sid]
        in_term = {d for d in inside_days.get((sid, month), ()) if start <= d <= end}
        resident = mode == "resident"
        days = sum(1 for d in in_term if d.weekday() < 5) if resident else len(in_term)
        rate = rates.get(county_id, DEFAULT_RATE) if resident else 0
        rows.append(
            {
                "secretary_id": sid,
                "month": month,
                "township_id": township_id,
                "county_id": county_id,
                "derived_days": days,
                "stationed_days": days,
                "rate_yuan_per_day": rate,
                "allowance_yuan": days * rate,
                "note": "",
                "source": "carried_over",
                "confirmed_by": None,
                "confirmed_at": now,
            }
        )
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    with op.batch_alter_table("attendance_confirmations") as batch_op:
        batch_op.drop_index("ix_attendance_confirmations_township_month")
    op.drop_table("attendance_confirmations")
    with op.batch_alter_table("day_declarations") as batch_op:
        batch_op.drop_index("ix_day_declarations_county_day")
        batch_op.drop_index("ix_day_declarations_township_day")
    op.drop_table("day_declarations")
