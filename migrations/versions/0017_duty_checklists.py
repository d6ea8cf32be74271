"""duty checklists: the county's own "N个一" as versioned data, and explicit moves of terms

Every existing county gets version 1 of its checklist: the eight duties (八个一) with the
thresholds its settings held (household_visit_target_pct, diary_entries_per_month, …), effective
from 2000-01-01 so every term uses it. Those eight settings then leave county_settings: the
checklist is the one place for them (problem_resolution_age_days stays a setting). Downgrade puts
the newest version's thresholds of the eight items back into the settings.

Revision ID: 0017_duty_checklists
Revises: 0016_security_log
Create Date: 2026-12-07 09:30:00.000000
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0017_duty_checklists"
down_revision = "0016_security_log"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
EFFECTIVE_FROM = date(2000, 1, 1)
NAME = "八个一"
# (key, label, kinds, rule, the setting that held its threshold, its default) as of this migration.
EIGHT: tuple[tuple[str, str, list[str], str, str, int], ...] = (
    ("household_visits", "走访一遍全村农户", ["household_visit"], "roster_coverage", "household_visit_target_pct", 100),
    ("work_diary", "记好一本工作日志", ["work_diary"], "monthly_count", "diary_entries_per_month", 4),
    ("service_card", "发放一张便民服务卡", ["service_card"], "service_card", "card_coverage_target_pct", 100),
    ("problem_ledger", "建立一本问题台账", ["problem"], "ledger", "problem_min_count", 1),
    ("research_report", "形成一篇调研报告", ["research_report"], "approved_count", "research_reports_required", 1),
    ("party_lecture", "讲好一堂主题党课", ["party_lecture"], "approved_count", "party_lectures_required", 1),
    ("tech_training", "开展一次农技培训", ["tech_training"], "approved_count", "tech_trainings_required", 1),
    ("startup_project", "领办一个创业项目", ["startup_project"], "approved_count", "startup_projects_required", 1),
)
SETTINGS = {setting for *_, setting, _ in EIGHT}
# The bounds the checklist accepts; a setting outside them (0 was allowed before) is clamped.
LOW_HIGH = {"roster_coverage": (1, 100), "monthly_count": (1, 31), "approved_count": (1, 100),
            "service_card": (1, 100), "ledger": (1, 1000)}  # fmt: skip


def _items(values: dict[str, Any]) -> list[dict[str, Any]]:
    items = []
    for key, label, kinds, rule, setting, default in EIGHT:
        raw = values.get(setting, default)
        low, high = LOW_HIGH[rule]
        threshold = min(high, max(low, int(raw))) if isinstance(raw, int) and not isinstance(raw, bool) else default
        items.append({"key": key, "label": label, "kinds": kinds, "rule": rule, "threshold": threshold})
    return items


def _digest(items: list[dict[str, Any]]) -> str:
    body = {"name": NAME, "effective_from": EFFECTIVE_FROM.isoformat(), "items": items}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def upgrade() -> None:
    op.create_table(
        "duty_checklists",
        sa.Column("id", ID, nullable=False),
        sa.Column("county_id", ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=12), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["org_units.id"], name=op.f("fk_duty_checklists_county_id_org_units"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_duty_checklists_created_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_checklists")),
        sa.UniqueConstraint("county_id", "version", name="duty_checklist_county_version"),
    )
    op.create_table(
        "duty_checklist_moves",
        sa.Column("id", ID, nullable=False),
        sa.Column("county_id", ID, nullable=False),
        sa.Column("secretary_id", ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("moved_by", ID, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"],
            ["org_units.id"],
            name=op.f("fk_duty_checklist_moves_county_id_org_units"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"],
            ["secretary_profiles.id"],
            name=op.f("fk_duty_checklist_moves_secretary_id_secretary_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["moved_by"], ["users.id"], name=op.f("fk_duty_checklist_moves_moved_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_checklist_moves")),
    )
    op.create_index("ix_duty_checklist_moves_county", "duty_checklist_moves", ["county_id", "secretary_id"])

    bind = op.get_bind()
    units = sa.table("org_units", sa.column("id", ID), sa.column("kind", sa.String()))
    settings = sa.table("county_settings", sa.column("county_id", ID), sa.column("values", sa.JSON()))
    checklists = sa.table(
        "duty_checklists",
        sa.column("county_id", ID),
        sa.column("version", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("effective_from", sa.Date()),
        sa.column("items", sa.JSON()),
        sa.column("sha256", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    saved = {
        cid: dict(values or {}) for cid, values in bind.execute(sa.select(settings.c.county_id, settings.c["values"]))
    }
    now = datetime.now(UTC)
    rows = []
    for (county_id,) in bind.execute(sa.select(units.c.id).where(units.c.kind == "county").order_by(units.c.id)):
        items = _items(saved.get(county_id, {}))
        rows.append(
            {
                "county_id": county_id,
                "version": 1,
                "name": NAME,
                "effective_from": EFFECTIVE_FROM,
                "items": items,
                "sha256": _digest(items),
                "created_at": now,
            }
        )
    if rows:
        op.bulk_insert(checklists, rows)
    for county_id, values in saved.items():
        if SETTINGS & values.keys():
            kept = {k: v for k, v in values.items() if k not in SETTINGS}
            bind.execute(settings.update().where(settings.c.county_id == county_id).values({"values": kept}))


def downgrade() -> None:
    bind = op.get_bind()
    settings = sa.table(
        "county_settings",
        sa.column("county_id", ID),
        sa.column("values", sa.JSON()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    checklists = sa.table(
        "duty_checklists", sa.column("county_id", ID), sa.column("version", sa.Integer()), sa.column("items", sa.JSON())
    )
    newest: dict[int, list[dict[str, Any]]] = {}
    for county_id, _, items in bind.execute(
        sa.select(checklists.c.county_id, checklists.c.version, checklists.c["items"]).order_by(checklists.c.version)
    ):
        newest[county_id] = items
    saved = {
        cid: dict(values or {}) for cid, values in bind.execute(sa.select(settings.c.county_id, settings.c["values"]))
    }
    defaults = {key: (setting, rule, default) for key, _, _, rule, setting, default in EIGHT}
    for county_id, items in newest.items():
        restored = {
            defaults[i["key"]][0]: i["threshold"]
            for i in items
            if i["key"] in defaults and i["rule"] == defaults[i["key"]][1] and i["threshold"] != defaults[i["key"]][2]
        }
        if not restored:
            continue
        values = {**saved.get(county_id, {}), **restored}
        if county_id in saved:
            bind.execute(settings.update().where(settings.c.county_id == county_id).values({"values": values}))
        else:
            bind.execute(
                settings.insert().values({"county_id": county_id, "values": values, "updated_at": datetime.now(UTC)})
            )
    op.drop_index("ix_duty_checklist_moves_county", table_name="duty_checklist_moves")
    op.drop_table("duty_checklist_moves")
    op.drop_table("duty_checklists")
