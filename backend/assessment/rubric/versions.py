"""A county's rubric versions per period (docs/ASSESSMENT.md "Versions").

Versions are immutable: an edit saves `version + 1`, the first write of a period (an edit or a
score) saves the template as version 1, and an assessment keeps the version it was made with. The
template for a period with no version yet is the county's latest version of the latest earlier
period, else the default rubric (default.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.common import Period, parse_period
from backend.assessment.models import RubricVersion
from backend.assessment.rubric.default import DEFAULT_ITEMS
from backend.assessment.rubric.items import Rubric, RubricItem, digest
from backend.assessment.rubric.validation import RubricItemDraft, validate_items
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import StaleVersion
from backend.org.access import STAFF_ROLES, require_role
from backend.org.models import Role


async def latest_saved(session: AsyncSession, county_id: int, period: str) -> Rubric | None:
    row = (
        await session.scalars(
            select(RubricVersion)
            .where(RubricVersion.county_id == county_id, RubricVersion.period == period)
            .order_by(RubricVersion.version.desc())
            .limit(1)
        )
    ).first()
    return Rubric.from_row(row) if row else None


async def county_rubric(session: AsyncSession, county_id: int, period: Period) -> Rubric:
    """The latest saved version for the period; else the template the first write will save as
    version 1: the county's latest version of the latest earlier period, else the default. One query."""
    row = (
        await session.scalars(
            select(RubricVersion)
            .where(RubricVersion.county_id == county_id, RubricVersion.period <= period.text)
            .order_by(RubricVersion.period.desc(), RubricVersion.version.desc())
            .limit(1)
        )
    ).first()
    if row is not None and row.period == period.text:
        return Rubric.from_row(row)
    items = tuple(RubricItem.from_json(i) for i in row.items) if row else DEFAULT_ITEMS
    return Rubric(county_id=county_id, period=period.text, version=1, items=items, saved=False)


async def rubrics_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, Rubric]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.scalars(select(RubricVersion).where(RubricVersion.id.in_(wanted)))
    return {row.id: Rubric.from_row(row) for row in rows}


async def ensure_saved(session: AsyncSession, actor: Actor | None, county_id: int, period: Period) -> Rubric:
    """The current rubric, saved: the first write of a period saves the template as version 1."""
    current = await county_rubric(session, county_id, period)
    if current.saved:
        return current
    saved = await _insert_version(session, actor, county_id, period, 1, current.items, action="created")
    if saved is None:  # another request saved version 1 first
        raced = await latest_saved(session, county_id, period.text)
        assert raced is not None
        return raced
    return saved


async def _insert_version(
    session: AsyncSession,
    actor: Actor | None,
    county_id: int,
    period: Period,
    version: int,
    items: Sequence[RubricItem],
    *,
    action: str,
    detail: dict[str, Any] | None = None,
) -> Rubric | None:
    """Insert a version in a savepoint; None when that version number is already taken."""
    row = RubricVersion(
        county_id=county_id,
        period=period.text,
        version=version,
        items=[i.to_json() for i in items],
        sha256=digest(items),
        created_by=actor.user_id if actor else None,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return None
    audit.record(
        session,
        actor,
        county_id=county_id,
        entity="rubric",
        entity_id=row.id,
        action=action,
        version=version,
        detail={"period": period.text, "sha256": row.sha256, **(detail or {})},
    )
    await session.flush()
    return Rubric.from_row(row)


async def rubric_for(session: AsyncSession, actor: Actor | None, period: str) -> Rubric:
    """Staff: the caller's county's rubric for the period (the template when none is saved)."""
    actor = require_role(actor, *STAFF_ROLES)
    return await county_rubric(session, actor.county_id, parse_period(period))


async def rubric_versions(session: AsyncSession, actor: Actor | None, period: str) -> list[Rubric]:
    """County: every saved version for the period, newest first."""
    actor = require_role(actor, Role.COUNTY)
    parsed = parse_period(period)
    rows = await session.scalars(
        select(RubricVersion)
        .where(RubricVersion.county_id == actor.county_id, RubricVersion.period == parsed.text)
        .order_by(RubricVersion.version.desc())
    )
    return [Rubric.from_row(row) for row in rows]


async def update_rubric(
    session: AsyncSession,
    actor: Actor | None,
    period: str,
    based_on_version: int,
    drafts: Sequence[RubricItemDraft],
) -> Rubric:
    """County: save an edited rubric as a new version. Assessments already made keep the version
    they were made with. STALE_VERSION when `based_on_version` is not the latest."""
    actor = require_role(actor, Role.COUNTY)
    parsed = parse_period(period)
    items = validate_items(drafts)
    current = await ensure_saved(session, actor, actor.county_id, parsed)
    if based_on_version != current.version:
        raise _stale(current.version)
    if digest(items) == current.sha256:
        return current  # nothing changed: no new version
    before, after = current.by_key, {i.key: i for i in items}
    changes = {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": sorted(k for k in after.keys() & before.keys() if after[k] != before[k]),
    }
    saved = await _insert_version(
        session, actor, actor.county_id, parsed, current.version + 1, items, action="updated", detail=changes
    )
    if saved is None:
        latest = await session.scalar(
            select(func.max(RubricVersion.version)).where(
                RubricVersion.county_id == actor.county_id, RubricVersion.period == parsed.text
            )
        )
        raise _stale(int(latest or current.version))
    return saved


def _stale(current: int) -> StaleVersion:
    exc = StaleVersion(f"考评细则已被他人修改（当前版本 {current}），请刷新后再改", current_version=current)
    exc.field = "basedOnVersion"
    return exc
