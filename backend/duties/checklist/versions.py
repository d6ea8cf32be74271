"""A county's checklist versions, which version each term uses, and the explicit moves of terms
(docs/DUTIES.md "Versions").

Versions are immutable: the first edit saves the built-in default as version 1 (so terms that
started under it keep it) and the edit as version 2. A term uses the latest version effective on
its start (else the county's earliest); a county may move terms onto another version from a month
not yet counted on (`move_terms`). `load_configuration` reads all of it for any number of
secretaries in one query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput, NotFound, StaleVersion
from backend.duties.checklist.default import DEFAULT_EFFECTIVE_FROM, DEFAULT_ITEMS, DEFAULT_KEYS, DEFAULT_NAME
from backend.duties.checklist.items import (
    EVIDENCE_KINDS,
    Checklist,
    ChecklistItem,
    ChecklistRule,
    kind_label,
    rules_for_kind,
)
from backend.duties.checklist.validation import ChecklistItemDraft, check_name, validate_checklist
from backend.duties.models import DutyChecklistMove, DutyChecklistVersion
from backend.duties.rules import month_of
from backend.org.access import STAFF_ROLES, require_role, scope_secretaries
from backend.org.models import Role, SecretaryProfile

MAX_NOTE = 500


def default_checklist(county_id: int) -> Checklist:
    """The built-in 八个一 as the county's version 1, not saved yet."""
    return Checklist(county_id, 1, DEFAULT_NAME, DEFAULT_EFFECTIVE_FROM, DEFAULT_ITEMS, saved=False)


@dataclass(frozen=True)
class _Move:
    version: int
    from_month: date


@dataclass
class ChecklistConfiguration:
    """Every checklist version of the counties concerned and the moves of the secretaries concerned,
    loaded once per request; answers which version a term uses in a month without more queries."""

    versions: dict[int, list[Checklist]] = field(default_factory=dict)  # county id → by version, oldest first
    moves: dict[int, list[_Move]] = field(default_factory=dict)  # secretary id → by month, then as made

    _by_number: dict[int, dict[int, Checklist]] = field(default_factory=dict)

    def versions_of(self, county_id: int) -> list[Checklist]:
        return self.versions.get(county_id) or [default_checklist(county_id)]

    def _numbered(self, county_id: int) -> dict[int, Checklist]:
        found = self._by_number.get(county_id)
        if found is None:
            found = self._by_number[county_id] = {v.version: v for v in self.versions_of(county_id)}
        return found

    def start_version(self, secretary: SecretaryProfile) -> Checklist:
        """The latest version effective on the term's start, else the county's earliest."""
        versions = self.versions_of(secretary.county_id)
        effective = [v for v in versions if v.effective_from <= secretary.term_start]
        return effective[-1] if effective else versions[0]

    def version_at(self, secretary: SecretaryProfile, month: date) -> Checklist:
        """The version the term uses in the month starting on `month`: its start version, or the
        last move made from that month or an earlier one."""
        by_number = self._numbered(secretary.county_id)
        chosen = self.start_version(secretary)
        for move in self.moves.get(secretary.id, []):
            if move.from_month <= month and move.version in by_number:
                chosen = by_number[move.version]
        return chosen

    def current(self, secretary: SecretaryProfile, today: date) -> Checklist:
        """The version the term uses now (every rule but the monthly count is judged by it)."""
        return self.version_at(secretary, month_of(today))


async def load_configuration(
    session: AsyncSession, county_ids: Iterable[int], secretary_ids: Iterable[int]
) -> ChecklistConfiguration:
    """Versions of the counties with the moves of the secretaries, in one query."""
    counties, secretaries = set(county_ids), set(secretary_ids)
    config = ChecklistConfiguration()
    if not counties:
        return config
    move_on = and_(
        DutyChecklistMove.county_id == DutyChecklistVersion.county_id,
        DutyChecklistMove.version == DutyChecklistVersion.version,
        DutyChecklistMove.secretary_id.in_(secretaries or {0}),
    )
    rows = await session.execute(
        select(
            DutyChecklistVersion,
            DutyChecklistMove.secretary_id,
            DutyChecklistMove.from_month,
            DutyChecklistMove.id,
        )
        .outerjoin(DutyChecklistMove, move_on)
        .where(DutyChecklistVersion.county_id.in_(counties))
        .order_by(DutyChecklistVersion.county_id, DutyChecklistVersion.version)
    )
    seen: set[int] = set()
    moves: dict[int, list[tuple[date, int, _Move]]] = defaultdict(list)
    for row, secretary_id, from_month, move_id in rows.tuples():
        if row.id not in seen:
            seen.add(row.id)
            config.versions.setdefault(row.county_id, []).append(Checklist.from_row(row))
        if secretary_id is not None:
            moves[secretary_id].append((from_month, move_id, _Move(row.version, from_month)))
    config.moves = {sid: [m for _, _, m in sorted(found)] for sid, found in moves.items()}
    return config


async def _saved_rows(session: AsyncSession, county_id: int) -> list[DutyChecklistVersion]:
    rows = await session.scalars(
        select(DutyChecklistVersion)
        .where(DutyChecklistVersion.county_id == county_id)
        .order_by(DutyChecklistVersion.version.desc())
    )
    return list(rows)


async def county_checklist(session: AsyncSession, county_id: int) -> Checklist:
    """The county's newest version; the built-in default (not saved) when it has none. One query."""
    row = (
        await session.scalars(
            select(DutyChecklistVersion)
            .where(DutyChecklistVersion.county_id == county_id)
            .order_by(DutyChecklistVersion.version.desc())
            .limit(1)
        )
    ).first()
    return Checklist.from_row(row) if row else default_checklist(county_id)


async def current_terms(session: AsyncSession, county_id: int, today: date) -> list[SecretaryProfile]:
    """The county's secretaries whose term includes today."""
    rows = await session.scalars(
        select(SecretaryProfile).where(
            SecretaryProfile.county_id == county_id,
            SecretaryProfile.term_start <= today,
            SecretaryProfile.term_end >= today,
        )
    )
    return list(rows)


async def terms_using(session: AsyncSession, county_id: int, today: date) -> dict[int, int]:
    """Version → current secretaries of the county whose term uses it now."""
    terms = await current_terms(session, county_id, today)
    config = await load_configuration(session, [county_id], [s.id for s in terms])
    counts: dict[int, int] = defaultdict(int)
    for secretary in terms:
        counts[config.current(secretary, today).version] += 1
    return dict(counts)


async def checklist_for(session: AsyncSession, actor: Actor | None) -> Checklist:
    """Staff and village: the caller's county's newest version (the default when none is saved)."""
    actor = require_role(actor, *STAFF_ROLES)
    return await county_checklist(session, actor.county_id)


async def checklist_versions(session: AsyncSession, actor: Actor | None) -> list[Checklist]:
    """County: every version, newest first (the default alone, not saved, when none is)."""
    actor = require_role(actor, Role.COUNTY)
    rows = await _saved_rows(session, actor.county_id)
    return [Checklist.from_row(row) for row in rows] or [default_checklist(actor.county_id)]


async def ensure_saved(session: AsyncSession, actor: Actor | None, county_id: int) -> Checklist:
    """The newest version, saved: the first write saves the built-in default as version 1."""
    current = await county_checklist(session, county_id)
    if current.saved:
        return current
    saved = await _insert_version(session, actor, county_id, 1, current, action="created")
    if saved is None:  # another request saved version 1 first
        return await county_checklist(session, county_id)
    return saved


async def _insert_version(
    session: AsyncSession,
    actor: Actor | None,
    county_id: int,
    version: int,
    checklist: Checklist,
    *,
    action: str,
    detail: dict[str, Any] | None = None,
) -> Checklist | None:
    """Insert a version in a savepoint; None when that version number is already taken."""
    row = DutyChecklistVersion(
        county_id=county_id,
        version=version,
        name=checklist.name,
        effective_from=checklist.effective_from,
        items=[i.to_json() for i in checklist.items],
        sha256=checklist.sha256,
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
        entity="duty_checklist",
        entity_id=row.id,
        action=action,
        version=version,
        detail={
            "name": row.name,
            "effective_from": row.effective_from.isoformat(),
            "sha256": row.sha256,
            **(detail or {}),
        },
    )
    await session.flush()
    return Checklist.from_row(row)


async def save_checklist(
    session: AsyncSession,
    actor: Actor | None,
    *,
    based_on_version: int,
    name: str,
    effective_from: date,
    drafts: Sequence[ChecklistItemDraft],
    today: date,
) -> Checklist:
    """County: save an edited checklist as a new version effective from `effective_from`. Terms that
    started before it keep their version; STALE_VERSION when `based_on_version` is not the newest."""
    actor = require_role(actor, Role.COUNTY)
    name = check_name(name)
    rows = await _saved_rows(session, actor.county_id)
    known = set(DEFAULT_KEYS) | {item["key"] for row in rows for item in row.items}
    items = validate_checklist(drafts, known)
    await _check_effective_from(session, actor.county_id, effective_from, today)
    current = await ensure_saved(session, actor, actor.county_id)
    if based_on_version != current.version:
        raise _stale(current.version)
    edited = Checklist(actor.county_id, current.version + 1, name, effective_from, items)
    if edited.sha256 == current.sha256:
        return current  # nothing changed: no new version
    before, after = current.by_key, {i.key: i for i in items}
    changes = {
        "added": [k for k in after if k not in before],
        "removed": [k for k in before if k not in after],
        "changed": [k for k in after if k in before and _differs(before[k], after[k])],
    }
    saved = await _insert_version(
        session, actor, actor.county_id, current.version + 1, edited, action="updated", detail=changes
    )
    if saved is None:
        latest = await session.scalar(
            select(func.max(DutyChecklistVersion.version)).where(DutyChecklistVersion.county_id == actor.county_id)
        )
        raise _stale(int(latest or current.version))
    return saved


def _differs(a: ChecklistItem, b: ChecklistItem) -> bool:
    return a.to_json() != b.to_json()


async def _check_effective_from(session: AsyncSession, county_id: int, effective_from: date, today: date) -> None:
    """A new version may not take over a term that has already started (its months were counted
    under the version it started with): such terms change only by an explicit move."""
    started = await session.scalar(
        select(func.max(SecretaryProfile.term_start)).where(
            SecretaryProfile.county_id == county_id,
            SecretaryProfile.term_start >= effective_from,
            SecretaryProfile.term_start <= today,
        )
    )
    if started is not None:
        raise InvalidInput(
            f"已有任期于 {started.isoformat()} 开始并按原清单计数，生效日期须晚于该日；"
            "已开始的任期如需改用新清单，请保存后使用“调整任期所用清单”",
            field="effectiveFrom",
        )


def _stale(current: int) -> StaleVersion:
    exc = StaleVersion(f"履职清单已被他人修改（当前版本 {current}），请刷新后再改", current_version=current)
    exc.field = "basedOnVersion"
    return exc


async def move_terms(
    session: AsyncSession,
    actor: Actor | None,
    *,
    version: int,
    from_month: date,
    secretary_ids: Sequence[int] | None,
    note: str,
    today: date,
) -> int:
    """County: from `from_month` on (the first day of a month no earlier than this one), the terms
    named (None: every current term of the county) use `version`. Months before it keep the
    version they were counted with. Returns how many terms were moved."""
    actor = require_role(actor, Role.COUNTY)
    note = (note or "").strip()
    if not 1 <= len(note) <= MAX_NOTE:
        raise InvalidInput(f"请填写调整依据（不超过 {MAX_NOTE} 字）", field="note")
    if from_month.day != 1:
        raise InvalidInput("起始月份须为某月的第一天", field="fromMonth")
    if from_month < month_of(today):
        raise InvalidInput("已计数的月份不能改用其他清单：起始月份不能早于本月", field="fromMonth")
    target = await ensure_saved(session, actor, actor.county_id) if version == 1 else None
    if target is None or target.version != version:
        exists = await session.scalar(
            select(DutyChecklistVersion.id).where(
                DutyChecklistVersion.county_id == actor.county_id, DutyChecklistVersion.version == version
            )
        )
        if exists is None:
            raise InvalidInput(f"本县没有第 {version} 版履职清单", field="version")
    if secretary_ids is None:
        terms = [s for s in await current_terms(session, actor.county_id, today) if _within(s, from_month)]
    else:
        wanted = set(secretary_ids)
        found = list(
            await session.scalars(
                select(SecretaryProfile).where(SecretaryProfile.id.in_(wanted), scope_secretaries(actor))
            )
        )
        if len(found) != len(wanted):
            raise NotFound("找不到所选的第一书记")
        outside = [s.name for s in found if not _within(s, from_month)]
        if outside:
            raise InvalidInput(f"起始月份不在{'、'.join(outside[:5])}的任期内", field="secretaryIds")
        terms = found
    session.add_all(
        DutyChecklistMove(
            county_id=actor.county_id,
            secretary_id=s.id,
            version=version,
            from_month=from_month,
            moved_by=actor.user_id,
            note=note,
        )
        for s in terms
    )
    if terms:
        audit.record(
            session,
            actor,
            county_id=actor.county_id,
            entity="duty_checklist",
            entity_id=version,
            action="terms_moved",
            version=version,
            detail={
                "from_month": from_month.isoformat(),
                "secretary_ids": sorted(s.id for s in terms),
                "note": note,
            },
        )
    await session.flush()
    return len(terms)


def _within(secretary: SecretaryProfile, month: date) -> bool:
    return month_of(secretary.term_start) <= month <= secretary.term_end


def evidence_kind_options(actor: Actor | None) -> list[tuple[str, str, list[ChecklistRule]]]:
    """County: (kind, label, rules that can count it) for every evidence kind an item may count."""
    require_role(actor, Role.COUNTY)
    return [(kind, kind_label(kind), rules_for_kind(kind)) for kind in EVIDENCE_KINDS]
