"""Row and cross-sheet checks on parsed records against each other and the county's org units."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from backend.org.importer.existing import OrgIndex
from backend.org.importer.records import (
    HouseholdRecord,
    ParsedWorkbook,
    RowError,
    SecretaryRecord,
    TownshipRecord,
    VillageRecord,
)
from backend.org.importer.template import HOUSEHOLDS, SECRETARIES, TOWNSHIPS, VILLAGES
from backend.org.models import OrgKind

_KIND_LABELS: dict[OrgKind | None, str] = {
    OrgKind.COUNTY: "本县",
    OrgKind.TOWNSHIP: "乡镇",
    OrgKind.VILLAGE: "村/社区",
}

R = TypeVar("R", TownshipRecord, VillageRecord, SecretaryRecord, HouseholdRecord)


def validate_workbook(parsed: ParsedWorkbook, existing: OrgIndex) -> list[RowError]:
    file_township_codes = parsed.township_codes_seen | {r.code for r in parsed.townships}
    file_village_codes = parsed.village_codes_seen | {r.code for r in parsed.villages}
    township_codes = file_township_codes | existing.ids_of(OrgKind.TOWNSHIP).keys()
    village_codes = file_village_codes | existing.ids_of(OrgKind.VILLAGE).keys()
    return [
        *_check_townships(parsed.townships, existing),
        *_check_villages(parsed.villages, existing, file_township_codes, township_codes),
        *_check_secretaries(parsed.secretaries, village_codes),
        *_check_households(parsed.households, village_codes),
    ]


def _check_townships(records: list[TownshipRecord], existing: OrgIndex) -> Iterable[RowError]:
    sheet, column = TOWNSHIPS.name, TOWNSHIPS.column("code").header
    yield from _duplicates(records, lambda r: r.code, sheet, column, "乡镇代码")
    for record in records:
        kind = existing.kind_of(record.code)
        if kind not in (None, OrgKind.TOWNSHIP):
            yield RowError(sheet, record.row, column, _code_taken(record.code, kind))


def _check_villages(
    records: list[VillageRecord],
    existing: OrgIndex,
    file_township_codes: set[str],
    township_codes: set[str],
) -> Iterable[RowError]:
    sheet = VILLAGES.name
    code_column = VILLAGES.column("code").header
    yield from _duplicates(records, lambda r: r.code, sheet, code_column, "村代码")
    for record in records:
        kind = existing.kind_of(record.code)
        if record.code in file_township_codes:
            kind = OrgKind.TOWNSHIP
        if kind not in (None, OrgKind.VILLAGE):
            yield RowError(sheet, record.row, code_column, _code_taken(record.code, kind))
        if record.township_code not in township_codes:
            yield RowError(
                sheet,
                record.row,
                VILLAGES.column("township_code").header,
                f"乡镇代码「{record.township_code}」不存在（「乡镇」表和系统中均未找到）",
            )
        yield from _check_coordinates(record)


def _check_coordinates(record: VillageRecord) -> Iterable[RowError]:
    lat_header = VILLAGES.column("center_lat").header
    lng_header = VILLAGES.column("center_lng").header
    if (record.center_lat is None) != (record.center_lng is None):
        missing = lat_header if record.center_lat is None else lng_header
        yield RowError(VILLAGES.name, record.row, missing, "中心纬度和中心经度须同时填写或同时留空")


def _check_secretaries(records: list[SecretaryRecord], village_codes: set[str]) -> Iterable[RowError]:
    sheet = SECRETARIES.name
    yield from _duplicates(
        records,
        lambda r: (r.phone, r.village_code),
        sheet,
        SECRETARIES.column("phone").header,
        "同一手机号在同一村",
    )
    for record in records:
        if record.village_code not in village_codes:
            yield _unknown_village(sheet, record.row, "village_code", record.village_code)
        if record.term_end < record.term_start:
            yield RowError(sheet, record.row, SECRETARIES.column("term_end").header, "任期结束早于任期开始")


def _check_households(records: list[HouseholdRecord], village_codes: set[str]) -> Iterable[RowError]:
    sheet = HOUSEHOLDS.name
    yield from _duplicates(
        records,
        lambda r: (r.village_code, r.code),
        sheet,
        HOUSEHOLDS.column("code").header,
        "同一村的户编号",
    )
    for record in records:
        if record.village_code not in village_codes:
            yield _unknown_village(sheet, record.row, "village_code", record.village_code)


def _duplicates(
    records: list[R],
    key: Callable[[R], Hashable],
    sheet: str,
    column: str,
    what: str,
) -> Iterable[RowError]:
    first_seen: dict[Hashable, R] = {}
    for record in records:
        first = first_seen.setdefault(key(record), record)
        if first is not record:
            yield RowError(sheet, record.row, column, f"{what}重复（与第 {first.row} 行相同）")


def _unknown_village(sheet: str, row: int, field: str, code: str) -> RowError:
    spec = SECRETARIES if sheet == SECRETARIES.name else HOUSEHOLDS
    message = f"村代码「{code}」不存在（「村社区」表和系统中均未找到）"
    return RowError(sheet, row, spec.column(field).header, message)


def _code_taken(code: str, kind: OrgKind | None) -> str:
    return f"代码「{code}」已被{_KIND_LABELS.get(kind, '其他组织')}使用"
