"""polls.incompetent_below_pct / basic_below_pct: the tier lines frozen with the tier at close

A poll's tier (不称职 / 基本称职 / none) is fixed when the poll closes, from the county's settings
at that moment. The ranking's reason text used to quote the county's CURRENT settings, so after a
county moved its lines a frozen tier was explained with lines that never applied to it. The lines
in force at close are now stored on the poll row, and the ranking reads them.

Backfill of closed polls: each closed poll's tally (polls.result, the payload published on the
board at close) records the thresholds it was computed with, so those are copied — they are the
lines that applied. A closed poll without them in its tally (none are known; the tally has carried
them since 0003) gets its county's CURRENT settings (county_settings overrides, else the defaults
60/70): the best that is known, and possibly not what applied. Open polls stay null until they
close.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 09:00:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

DEFAULT_INCOMPETENT_BELOW_PCT = 60  # backend.org.county_settings.CountyRules, as of this migration
DEFAULT_BASIC_BELOW_PCT = 70

_polls = sa.table(
    "polls",
    sa.column("id", sa.Integer),
    sa.column("county_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("result", sa.JSON),
    sa.column("incompetent_below_pct", sa.Integer),
    sa.column("basic_below_pct", sa.Integer),
)
_county_settings = sa.table("county_settings", sa.column("county_id", sa.Integer), sa.column("values", sa.JSON))


def _current_lines(values: dict[str, Any] | None) -> tuple[int, int]:
    values = values or {}
    return (
        int(values.get("satisfaction_incompetent_below_pct", DEFAULT_INCOMPETENT_BELOW_PCT)),
        int(values.get("satisfaction_basic_below_pct", DEFAULT_BASIC_BELOW_PCT)),
    )


def _lines(result: dict[str, Any] | None, county_values: dict[str, Any] | None) -> tuple[int, int]:
    thresholds = (result or {}).get("thresholds") or {}
    if "incompetent_below_pct" in thresholds and "basic_below_pct" in thresholds:
        return int(thresholds["incompetent_below_pct"]), int(thresholds["basic_below_pct"])
    return _current_lines(county_values)


def _backfill() -> None:
    bind = op.get_bind()
    settings = dict(bind.execute(sa.select(_county_settings.c.county_id, _county_settings.c["values"])).all())
    closed = bind.execute(
        sa.select(_polls.c.id, _polls.c.county_id, _polls.c.result).where(_polls.c.status == "closed")
    ).all()
    for poll_id, county_id, result in closed:
        incompetent, basic = _lines(result, settings.get(county_id))
        bind.execute(
            _polls.update()
            .where(_polls.c.id == poll_id)
            .values(incompetent_below_pct=incompetent, basic_below_pct=basic)
        )


def upgrade() -> None:
    with op.batch_alter_table("polls") as batch:
        batch.add_column(sa.Column("incompetent_below_pct", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("basic_below_pct", sa.Integer(), nullable=True))
    _backfill()


def downgrade() -> None:
    with op.batch_alter_table("polls") as batch:
        batch.drop_column("basic_below_pct")
        batch.drop_column("incompetent_below_pct")
