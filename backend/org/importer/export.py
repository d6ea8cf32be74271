"""Records → a filled-in template workbook (for the example file, tests and benchmarks)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook

from backend.org.importer.records import ParsedWorkbook
from backend.org.importer.template import (
    HOUSEHOLDS,
    SECRETARIES,
    TOWNSHIPS,
    VILLAGES,
    SheetSpec,
    build_template_workbook,
    label_of,
)


def workbook_from_records(parsed: ParsedWorkbook) -> Workbook:
    workbook = build_template_workbook()
    _append(workbook, TOWNSHIPS, parsed.townships)
    _append(workbook, VILLAGES, parsed.villages)
    _append(workbook, SECRETARIES, parsed.secretaries)
    _append(workbook, HOUSEHOLDS, parsed.households)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append(workbook: Workbook, spec: SheetSpec, records: list[Any]) -> None:
    sheet = workbook[spec.name]
    for row_number, record in enumerate(records, start=2):
        for column_number, column in enumerate(spec.columns, start=1):
            value = getattr(record, column.field)
            if column.labels is not None:
                value = label_of(column.labels, value)
            sheet.cell(row=row_number, column=column_number, value=value)
