"""Migration 0017 saves every existing county's checklist as version 1 from the thresholds its
settings held, and takes those eight settings out of county_settings; downgrade puts them back."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update

from backend.core.db import make_engine
from backend.core.migrate import downgrade, upgrade
from backend.core.settings import Settings
from backend.duties.checklist import DEFAULT_ITEMS, Checklist, ChecklistItem
from backend.duties.models import DutyChecklistVersion
from backend.org.models import CountySettings, OrgKind, OrgUnit


async def _county(settings: Settings, code: str, values: dict[str, Any] | None) -> int:
    engine = make_engine(settings)
    try:
        async with engine.begin() as conn:
            unit = await conn.execute(
                insert(OrgUnit.__table__).values(kind=OrgKind.COUNTY, name=f"{code}县", code=code).returning(OrgUnit.id)
            )
            county_id = int(unit.scalar_one())
            await conn.execute(update(OrgUnit.__table__).where(OrgUnit.id == county_id).values(county_id=county_id))
            if values is not None:
                await conn.execute(insert(CountySettings.__table__).values(county_id=county_id, values=values))
        return county_id
    finally:
        await engine.dispose()


async def _read(settings: Settings) -> tuple[dict[int, list[dict[str, Any]]], dict[int, dict[str, Any]]]:
    engine = make_engine(settings)
    try:
        async with engine.connect() as conn:
            versions = {
                county: (version, name, effective_from, items, sha)
                for county, version, name, effective_from, items, sha in await conn.execute(
                    select(
                        DutyChecklistVersion.county_id,
                        DutyChecklistVersion.version,
                        DutyChecklistVersion.name,
                        DutyChecklistVersion.effective_from,
                        DutyChecklistVersion.items,
                        DutyChecklistVersion.sha256,
                    )
                )
            }
            values = dict((await conn.execute(select(CountySettings.county_id, CountySettings.values))).tuples().all())
    finally:
        await engine.dispose()
    for version, name, effective_from, items, sha in versions.values():
        assert (version, name, effective_from) == (1, "八个一", date(2000, 1, 1))
        parsed = tuple(ChecklistItem.from_json(i) for i in items)
        assert Checklist(0, 1, name, effective_from, parsed).sha256 == sha  # the app's digest of the same content
    return {county: v[3] for county, v in versions.items()}, values


def test_settings_thresholds_become_version_1(settings: Settings) -> None:
    downgrade(settings, "0016_security_log")
    try:
        changed = asyncio.run(
            _county(
                settings,
                "M1",
                {"diary_entries_per_month": 2, "problem_min_count": 3, "household_visit_target_pct": 0,
                 "problem_resolution_age_days": 7},
            )
        )  # fmt: skip
        plain = asyncio.run(_county(settings, "M2", None))
        upgrade(settings)
        checklists, values = asyncio.run(_read(settings))
        assert set(checklists) == {changed, plain}
        thresholds = {i["key"]: i["threshold"] for i in checklists[changed]}
        assert thresholds == {i.key: i.threshold for i in DEFAULT_ITEMS} | {
            "work_diary": 2,
            "problem_ledger": 3,
            "household_visits": 1,  # 0 was allowed as a setting; an item's target is at least 1 %
        }
        assert checklists[plain] == [i.to_json() for i in DEFAULT_ITEMS]
        assert values[changed] == {"problem_resolution_age_days": 7}  # the eight settings left
        downgrade(settings, "0016_security_log")
        engine = make_engine(settings)

        async def restored() -> dict[str, Any]:
            try:
                async with engine.connect() as conn:
                    row = await conn.execute(select(CountySettings.values).where(CountySettings.county_id == changed))
                    return dict(row.scalar_one())
            finally:
                await engine.dispose()

        assert asyncio.run(restored()) == {
            "problem_resolution_age_days": 7,
            "diary_entries_per_month": 2,
            "problem_min_count": 3,
            "household_visit_target_pct": 1,
        }
    finally:
        upgrade(settings)
