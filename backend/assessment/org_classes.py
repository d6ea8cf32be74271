"""Village party organisations' yearly classes (A–D), recorded by the county per period; they feed
the org-upgrade items (classes gained or lost against the latest earlier period) and ranking
override 3 ("the village organisation lost a class")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.access import access_org_class_record
from backend.assessment.common import Period, clean_note, parse_period
from backend.assessment.evidence import class_change
from backend.assessment.models import OrgClass, OrgClassRecord
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.org.access import access_org_unit, require_role, scope_org_units
from backend.org.models import OrgKind, OrgUnit, Role


@dataclass(frozen=True)
class OrgClassEntry:
    """One village in one period: its class (None until recorded) and the latest earlier one."""

    village: OrgUnit
    period: str
    record: OrgClassRecord | None
    previous_period: str | None
    previous_class: OrgClass | None

    @property
    def org_class(self) -> OrgClass | None:
        return self.record.org_class if self.record else None

    @property
    def change(self) -> int | None:
        """Classes gained (positive) or lost (negative) against the previous record."""
        if self.org_class is None or self.previous_class is None:
            return None
        return class_change(self.previous_class, self.org_class)


async def list_org_classes(
    session: AsyncSession, actor: Actor | None, period: str, township_id: int | None = None
) -> list[OrgClassEntry]:
    """Every village in the caller's scope (county: the county; township: its own), in code order."""
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    parsed = parse_period(period)
    stmt = select(OrgUnit).where(OrgUnit.kind == OrgKind.VILLAGE, scope_org_units(actor))
    if township_id is not None:
        township = await access_org_unit(session, actor, township_id)
        if township.kind is not OrgKind.TOWNSHIP:
            raise InvalidInput("该组织不是乡镇", field="townshipId")
        stmt = stmt.where(OrgUnit.township_id == township_id)
    villages = list(await session.scalars(stmt.order_by(OrgUnit.township_id, OrgUnit.code, OrgUnit.id)))
    return await _entries(session, villages, parsed)


async def _entries(session: AsyncSession, villages: list[OrgUnit], period: Period) -> list[OrgClassEntry]:
    if not villages:
        return []
    rows = await session.scalars(
        select(OrgClassRecord)
        .where(OrgClassRecord.village_id.in_([v.id for v in villages]), OrgClassRecord.period <= period.text)
        .order_by(OrgClassRecord.village_id, OrgClassRecord.period.desc())
    )
    current: dict[int, OrgClassRecord] = {}
    earlier: dict[int, OrgClassRecord] = {}
    for row in rows:
        if row.period == period.text:
            current[row.village_id] = row
        else:
            earlier.setdefault(row.village_id, row)
    return [
        OrgClassEntry(
            village=v,
            period=period.text,
            record=current.get(v.id),
            previous_period=earlier[v.id].period if v.id in earlier else None,
            previous_class=earlier[v.id].org_class if v.id in earlier else None,
        )
        for v in villages
    ]


async def record_org_class(
    session: AsyncSession,
    actor: Actor | None,
    *,
    village_id: int,
    period: str,
    org_class: OrgClass,
    note: str | None = None,
    now: datetime | None = None,
) -> OrgClassEntry:
    """County: set a village's class for the period (recording again replaces it); audited."""
    actor = require_role(actor, Role.COUNTY)
    village, record = await access_org_class_record(session, actor, village_id, period)
    parsed = parse_period(period)
    text = clean_note(note, "note")
    now = now or datetime.now(UTC)
    before = record.org_class if record else None
    if record is None:
        record = OrgClassRecord(
            village_id=village.id,
            period=parsed.text,
            county_id=actor.county_id,
            org_class=org_class,
            note=text,
            recorded_by=actor.user_id,
            recorded_at=now,
        )
        try:
            async with session.begin_nested():
                session.add(record)
                await session.flush()
        except IntegrityError:  # recorded at the same moment by someone else: this one replaces it
            record = await session.get(OrgClassRecord, (village.id, parsed.text), populate_existing=True)
            assert record is not None
            before = record.org_class
    if record.org_class != org_class or record.note != text or before is None:
        record.org_class = org_class
        record.note = text
        record.recorded_by = actor.user_id
        record.recorded_at = now
        audit.record(
            session,
            actor,
            county_id=actor.county_id,
            entity="org_class",
            entity_id=f"{village.id}:{parsed.text}",
            action="recorded",
            detail={
                "village_id": village.id,
                "period": parsed.text,
                "from": before.value if before else None,
                "to": org_class.value,
                "note": text,
            },
        )
    await session.flush()
    (entry,) = await _entries(session, [village], parsed)
    return entry
