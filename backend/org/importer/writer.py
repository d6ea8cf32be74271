"""Bulk upsert of parsed records into one county, inside the caller's transaction.

Existing rows are loaded once per table and matched by natural key (township/village code
within the county, household by (village, 户编号), secretary by (phone, village)); new rows go
in with executemany INSERTs, matched rows with executemany UPDATEs by primary key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.org.importer.existing import load_org_index
from backend.org.importer.records import (
    HouseholdRecord,
    ImportCounts,
    ParsedWorkbook,
    SecretaryRecord,
    TownshipRecord,
    VillageRecord,
)
from backend.org.models import Household, OrgKind, OrgUnit, SecretaryProfile

CHUNK_SIZE = 2000


async def write_workbook(session: AsyncSession, county_id: int, parsed: ParsedWorkbook) -> ImportCounts:
    """Write validated records. Does not commit; flushes nothing it does not need to."""
    await _upsert_townships(session, county_id, parsed.townships)
    await _upsert_villages(session, county_id, parsed.villages)
    village_ids = (await load_org_index(session, county_id)).ids_of(OrgKind.VILLAGE)
    await _upsert_secretaries(session, county_id, village_ids, parsed.secretaries)
    await _upsert_households(session, village_ids, parsed.households)
    return parsed.counts()


async def _upsert_townships(session: AsyncSession, county_id: int, records: list[TownshipRecord]) -> None:
    if not records:
        return
    existing = (await load_org_index(session, county_id)).ids_of(OrgKind.TOWNSHIP)
    rows = [
        {
            "kind": OrgKind.TOWNSHIP,
            "code": record.code,
            "name": record.name,
            "parent_id": county_id,
            "county_id": county_id,
        }
        for record in records
    ]
    await _insert_or_update(session, OrgUnit, rows, [existing.get(r.code) for r in records])
    # A township's township_id is its own id, known only after the insert.
    await session.execute(
        update(OrgUnit)
        .where(
            OrgUnit.county_id == county_id,
            OrgUnit.kind == OrgKind.TOWNSHIP,
            OrgUnit.township_id.is_(None),
        )
        .values(township_id=OrgUnit.id)
        .execution_options(synchronize_session=False)
    )


async def _upsert_villages(session: AsyncSession, county_id: int, records: list[VillageRecord]) -> None:
    if not records:
        return
    index = await load_org_index(session, county_id)
    township_ids = index.ids_of(OrgKind.TOWNSHIP)
    existing = index.ids_of(OrgKind.VILLAGE)
    rows = [
        {
            "kind": OrgKind.VILLAGE,
            "code": record.code,
            "name": record.name,
            "parent_id": township_ids[record.township_code],
            "county_id": county_id,
            "township_id": township_ids[record.township_code],
            "is_community": record.is_community,
            "center_lat": record.center_lat,
            "center_lng": record.center_lng,
        }
        for record in records
    ]
    await _insert_or_update(session, OrgUnit, rows, [existing.get(r.code) for r in records])


async def _upsert_secretaries(
    session: AsyncSession,
    county_id: int,
    village_ids: dict[str, int],
    records: list[SecretaryRecord],
) -> None:
    if not records:
        return
    result = await session.execute(
        select(SecretaryProfile.id, SecretaryProfile.phone, SecretaryProfile.village_id).where(
            SecretaryProfile.county_id == county_id
        )
    )
    existing = {(phone, village_id): id for id, phone, village_id in result}
    rows = [
        {
            "name": record.name,
            "gender": record.gender,
            "phone": record.phone,
            "dispatch_unit": record.dispatch_unit,
            "unit_type": record.unit_type,
            "mode": record.mode,
            "cadre_class": record.cadre_class,
            "village_id": village_ids[record.village_code],
            "county_id": county_id,
            "term_start": record.term_start,
            "term_end": record.term_end,
        }
        for record in records
    ]
    ids = [existing.get((row["phone"], row["village_id"])) for row in rows]
    await _insert_or_update(session, SecretaryProfile, rows, ids)


async def _upsert_households(
    session: AsyncSession, village_ids: dict[str, int], records: list[HouseholdRecord]
) -> None:
    if not records:
        return
    touched_villages = {village_ids[record.village_code] for record in records}
    result = await session.execute(
        select(Household.id, Household.village_id, Household.code).where(Household.village_id.in_(touched_villages))
    )
    existing = {(village_id, code): id for id, village_id, code in result}
    rows = [
        {
            "village_id": village_ids[record.village_code],
            "code": record.code,
            "head_name": record.head_name,
            "member_count": record.member_count,
            "phone": record.phone,
            "address": record.address,
            "is_hardship": record.is_hardship,
        }
        for record in records
    ]
    ids = [existing.get((row["village_id"], row["code"])) for row in rows]
    await _insert_or_update(session, Household, rows, ids)


async def _insert_or_update(
    session: AsyncSession,
    model: type[Any],
    rows: Sequence[dict[str, Any]],
    existing_ids: Sequence[int | None],
) -> None:
    """Insert rows whose id is None; update the others by primary key."""
    new_rows = [row for row, id in zip(rows, existing_ids, strict=True) if id is None]
    changed_rows = [{"id": id, **row} for row, id in zip(rows, existing_ids, strict=True) if id is not None]
    # render_nulls: otherwise the ORM drops None values and splits the batch by key set.
    statement = insert(model).execution_options(render_nulls=True)
    for chunk in _chunks(new_rows):
        await session.execute(statement, chunk)
    for chunk in _chunks(changed_rows):
        await session.execute(update(model), chunk)


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK_SIZE):
        yield list(rows[start : start + CHUNK_SIZE])
