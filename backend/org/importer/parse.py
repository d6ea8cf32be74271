"""Reading an uploaded .xlsx into typed records plus cell-level row errors."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from backend.org.importer.archive import WorkbookTooLarge, open_workbook
from backend.org.importer.cells import (
    CellError,
    check_range,
    is_blank,
    to_date,
    to_float,
    to_int,
    to_label,
    to_phone,
    to_text,
)
from backend.org.importer.records import ParsedWorkbook, RowError
from backend.org.importer.template import HOUSEHOLDS, SECRETARIES, SHEETS, TOWNSHIPS, VILLAGES, Column, Kind, SheetSpec

logger = logging.getLogger(__name__)

# A guard against sheets inflated with millions of (empty) rows; far above any real county.
MAX_ROWS_PER_SHEET = 300_000
NOT_XLSX = "文件无法读取：请上传 Excel 2007 及以上版本的 .xlsx 文件（可用导入模板填写）"
NO_KNOWN_SHEET = "文件中没有可导入的工作表，工作表名称应为：" + "、".join(s.name for s in SHEETS)

# The column's kind decides the type of the value: str, int, float or date.
_CONVERTERS: dict[Kind, Callable[[Any], Any]] = {
    Kind.TEXT: to_text,
    Kind.PHONE: to_phone,
    Kind.INT: to_int,
    Kind.FLOAT: to_float,
    Kind.DATE: to_date,
}


def parse_workbook(data: bytes) -> tuple[ParsedWorkbook, list[RowError]]:
    """Parse every known sheet. A file openpyxl cannot open gives one error at row 0; one that
    inflates past the archive limits raises WorkbookTooLarge (backend/org/importer/archive.py)."""
    parsed = ParsedWorkbook()
    errors: list[RowError] = []
    with warnings.catch_warnings():
        # openpyxl warns about styles/extensions written by other tools; irrelevant here.
        warnings.simplefilter("ignore")
        try:
            workbook = open_workbook(data)
        except WorkbookTooLarge:
            raise
        except Exception as error:
            logger.info("unreadable workbook: %s", type(error).__name__)
            return parsed, [RowError("", 0, None, NOT_XLSX)]
        try:
            present = [spec for spec in SHEETS if spec.name in workbook.sheetnames]
            if not present:
                return parsed, [RowError("", 0, None, NO_KNOWN_SHEET)]
            for spec in present:
                _parse_sheet(workbook[spec.name].iter_rows(values_only=True), spec, parsed, errors)
        except WorkbookTooLarge:
            raise
        except Exception as error:
            logger.info("unreadable worksheet: %s", type(error).__name__)
            return ParsedWorkbook(), [RowError("", 0, None, NOT_XLSX)]
        finally:
            workbook.close()
    return parsed, errors


def _parse_sheet(
    rows: Iterator[tuple[Any, ...]],
    spec: SheetSpec,
    parsed: ParsedWorkbook,
    errors: list[RowError],
) -> None:
    header = next(rows, None)
    positions = _column_positions(spec, header or ())
    missing = [c for c in spec.columns if c.required and c.field not in positions]
    if missing:
        for column in missing:
            errors.append(RowError(spec.name, 1, column.header, f"缺少必需的列「{column.header}」"))
        return
    records: list[Any] = getattr(parsed, _records_attribute(spec))
    for row_number, row in enumerate(rows, start=2):
        if row_number > MAX_ROWS_PER_SHEET + 1:
            message = f"行数超过上限 {MAX_ROWS_PER_SHEET}，请分批导入"
            errors.append(RowError(spec.name, row_number, None, message))
            return
        cells = {field: row[i] if i < len(row) else None for field, i in positions.items()}
        if all(is_blank(value) for value in cells.values()):
            continue
        _note_code(spec, cells, parsed)
        values, row_errors = _convert_row(spec, cells, row_number)
        if row_errors:
            errors.extend(row_errors)
        else:
            records.append(spec.record_type(row=row_number, **values))


def _column_positions(spec: SheetSpec, header: tuple[Any, ...]) -> dict[str, int]:
    """field → 0-based column index, matching header text (surrounding spaces and a trailing
    required-marker '*' ignored)."""
    by_header = {c.header: c.field for c in spec.columns}
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        if is_blank(value):
            continue
        text = to_text(value).rstrip("*＊").strip()
        field = by_header.get(text)
        if field is not None and field not in positions:
            positions[field] = index
    return positions


def _convert_row(spec: SheetSpec, cells: dict[str, Any], row_number: int) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for column in spec.columns:
        try:
            values[column.field] = _convert_cell(column, cells.get(column.field))
        except CellError as error:
            errors.append(RowError(spec.name, row_number, column.header, str(error)))
    return values, errors


def _convert_cell(column: Column, raw: Any) -> Any:
    if is_blank(raw):
        if column.required:
            raise CellError("必填项为空")
        return column.default
    if column.kind is Kind.LABEL:
        assert column.labels is not None
        return to_label(raw, column.labels)
    value = _CONVERTERS[column.kind](raw)
    if column.bounds is not None:
        check_range(value, column.bounds)
    if column.max_length is not None and len(value) > column.max_length:
        raise CellError(f"内容过长，最多 {column.max_length} 个字")
    if isinstance(value, str) and not value:
        raise CellError("必填项为空")
    return value


def _note_code(spec: SheetSpec, cells: dict[str, Any], parsed: ParsedWorkbook) -> None:
    raw = cells.get("code")
    if is_blank(raw):
        return
    if spec is TOWNSHIPS:
        parsed.township_codes_seen.add(to_text(raw))
    elif spec is VILLAGES:
        parsed.village_codes_seen.add(to_text(raw))


def _records_attribute(spec: SheetSpec) -> str:
    return {
        TOWNSHIPS.name: "townships",
        VILLAGES.name: "villages",
        SECRETARIES.name: "secretaries",
        HOUSEHOLDS.name: "households",
    }[spec.name]
