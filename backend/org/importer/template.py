"""The import template: sheet and column definitions (Chinese headers), label vocabularies,
and building the blank template workbook. docs/IMPORT.md documents the same thing for people."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from backend.org.importer.records import HouseholdRecord, RowError, SecretaryRecord, TownshipRecord, VillageRecord
from backend.org.models import CadreClass, Gender, StationMode, UnitType

VILLAGE_TYPE_LABELS: Mapping[str, bool] = {"村": False, "社区": True}
GENDER_LABELS: Mapping[str, Gender] = {"男": Gender.MALE, "女": Gender.FEMALE}
UNIT_TYPE_LABELS: Mapping[str, UnitType] = {"镇街": UnitType.TOWNSHIP, "市直": UnitType.MUNICIPAL}
MODE_LABELS: Mapping[str, StationMode] = {
    "脱产驻村": StationMode.RESIDENT,
    "非脱产联村": StationMode.LIAISON,
}
CADRE_CLASS_LABELS: Mapping[str, CadreClass] = {
    "党政正职": CadreClass.PARTY_GOV_CHIEF,
    "非党政正职领导干部": CadreClass.OTHER_LEADER,
    "正股级": CadreClass.SECTION_CHIEF,
    "副股级及以下": CadreClass.DEPUTY_SECTION_AND_BELOW,
}
YES_NO_LABELS: Mapping[str, bool] = {"是": True, "否": False}

# Mainland China with a margin: catches swapped or mistyped coordinates.
LATITUDE_RANGE = (3.0, 54.0)
LONGITUDE_RANGE = (73.0, 136.0)
MEMBER_COUNT_RANGE = (1, 50)


class Kind(enum.Enum):
    TEXT = "text"
    PHONE = "phone"
    INT = "int"
    FLOAT = "float"
    DATE = "date"
    LABEL = "label"


@dataclass(frozen=True, slots=True)
class Column:
    field: str  # the record attribute it fills
    header: str
    kind: Kind = Kind.TEXT
    required: bool = True
    max_length: int | None = None
    labels: Mapping[str, Any] | None = None
    default: Any = None  # used when an optional cell is blank
    bounds: tuple[float, float] | None = None  # inclusive range of a number
    note: str = ""


@dataclass(frozen=True, slots=True)
class SheetSpec:
    name: str
    record_type: type
    columns: tuple[Column, ...]
    note: str = ""

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)


TOWNSHIPS = SheetSpec(
    name="乡镇",
    record_type=TownshipRecord,
    note="本县的镇/街道，每行一个。",
    columns=(
        Column("code", "乡镇代码", max_length=40, note="本县内唯一，如 370281101"),
        Column("name", "乡镇名称", max_length=100, note="如 柳泉镇、青禾街道"),
    ),
)

VILLAGES = SheetSpec(
    name="村社区",
    record_type=VillageRecord,
    note="行政村和社区，每行一个。",
    columns=(
        Column("code", "村代码", max_length=40, note="本县内唯一，不能与乡镇代码相同"),
        Column("name", "村名称", max_length=100),
        Column(
            "township_code",
            "所属乡镇代码",
            max_length=40,
            note="「乡镇」表中或系统中已有的乡镇代码",
        ),
        Column("is_community", "类型", Kind.LABEL, labels=VILLAGE_TYPE_LABELS),
        Column(
            "center_lat",
            "中心纬度",
            Kind.FLOAT,
            required=False,
            bounds=LATITUDE_RANGE,
            note="小数度数，如 36.30；与中心经度同填或同空",
        ),
        Column(
            "center_lng",
            "中心经度",
            Kind.FLOAT,
            required=False,
            bounds=LONGITUDE_RANGE,
            note="小数度数，如 120.00",
        ),
    ),
)

SECRETARIES = SheetSpec(
    name="第一书记",
    record_type=SecretaryRecord,
    note="驻村第一书记，每人每村一行。",
    columns=(
        Column("name", "姓名", max_length=50),
        Column("gender", "性别", Kind.LABEL, labels=GENDER_LABELS),
        Column("phone", "手机号", Kind.PHONE, max_length=20, note="11 位大陆手机号"),
        Column("dispatch_unit", "派出单位", max_length=100),
        Column("unit_type", "单位类型", Kind.LABEL, labels=UNIT_TYPE_LABELS),
        Column("mode", "驻村方式", Kind.LABEL, labels=MODE_LABELS),
        Column("cadre_class", "干部类别", Kind.LABEL, labels=CADRE_CLASS_LABELS),
        Column("village_code", "所在村代码", max_length=40),
        Column("term_start", "任期开始", Kind.DATE, note="Excel 日期或 YYYY-MM-DD 文本"),
        Column("term_end", "任期结束", Kind.DATE, note="不得早于任期开始"),
    ),
)

HOUSEHOLDS = SheetSpec(
    name="农户",
    record_type=HouseholdRecord,
    note="各村农户花名册，每户一行。",
    columns=(
        Column("village_code", "村代码", max_length=40),
        Column("code", "户编号", max_length=40, note="村内唯一"),
        Column("head_name", "户主姓名", max_length=50),
        Column("member_count", "家庭人口", Kind.INT, bounds=MEMBER_COUNT_RANGE, note="1～50 的整数"),
        Column("phone", "联系电话", Kind.PHONE, required=False, max_length=20, note="可空；11 位手机号"),
        Column("address", "住址", max_length=200),
        Column(
            "is_hardship",
            "是否困难户",
            Kind.LABEL,
            required=False,
            labels=YES_NO_LABELS,
            default=False,
            note="是/否，空按「否」",
        ),
    ),
)

SHEETS: tuple[SheetSpec, ...] = (TOWNSHIPS, VILLAGES, SECRETARIES, HOUSEHOLDS)
INSTRUCTIONS_SHEET = "说明"

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="B22222")
_VALIDATED_ROWS = 20000


def sort_errors(errors: list[RowError]) -> list[RowError]:
    """Sheet order of the template, then row, then column order."""
    sheet_order = {spec.name: i for i, spec in enumerate(SHEETS)}
    column_order = {(spec.name, column.header): i for spec in SHEETS for i, column in enumerate(spec.columns)}

    def key(error: RowError) -> tuple[int, int, int]:
        return (
            sheet_order.get(error.sheet, -1),
            error.row,
            column_order.get((error.sheet, error.column or ""), -1),
        )

    return sorted(errors, key=key)


def label_of(labels: Mapping[str, Any], value: Any) -> str:
    """The Chinese label for a stored value (the inverse of the label mapping)."""
    return next(label for label, candidate in labels.items() if candidate == value)


def build_template_workbook() -> Workbook:
    """The blank template: an instructions sheet, then one sheet per data sheet with headers,
    drop-down lists for labelled columns and date formatting for date columns."""
    workbook = Workbook()
    instructions = workbook.worksheets[0]  # the one sheet of a new workbook (its active one)
    instructions.title = INSTRUCTIONS_SHEET
    _fill_instructions(instructions)
    for spec in SHEETS:
        sheet = workbook.create_sheet(spec.name)
        write_header(sheet, spec)
        _add_validations(sheet, spec)
    return workbook


def write_header(sheet: Any, spec: SheetSpec) -> None:
    sheet.append([column.header for column in spec.columns])
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 3)
    sheet.freeze_panes = "A2"


def _add_validations(sheet: Any, spec: SheetSpec) -> None:
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cells = f"{letter}2:{letter}{_VALIDATED_ROWS}"
        if column.labels is not None:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.labels) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="取值无效",
                error="只能填写：" + "、".join(column.labels),
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
        elif column.kind is Kind.DATE:
            for row in range(2, 202):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        elif column.kind in (Kind.PHONE, Kind.TEXT) and column.field.endswith(("code", "phone")):
            for row in range(2, 202):
                sheet.cell(row=row, column=index).number_format = "@"


def _fill_instructions(sheet: Any) -> None:
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 70
    lines: list[tuple[str, str, str]] = [
        ("驻村通 数据导入模板", "", ""),
        ("", "", "第一行为表头，按表头文字识别列（列顺序可调整，多余的列忽略，空行跳过）。"),
        ("", "", "不需要的工作表可以删除；但引用的乡镇/村代码必须在本文件或系统中存在。"),
        ("", "", "重复导入同一文件不会产生重复数据：按代码匹配并更新。"),
        ("", "", "任何一行有错误时整个文件都不会导入，请按错误报告修改后重新上传。"),
        ("", "", ""),
        ("工作表", "列", "说明"),
    ]
    for spec in SHEETS:
        lines.append((spec.name, "", spec.note))
        for column in spec.columns:
            lines.append(("", column.header, _describe(column)))
    for line in lines:
        sheet.append(list(line))
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[7]:
        cell.font = Font(bold=True)


def _describe(column: Column) -> str:
    parts = ["必填" if column.required else "选填"]
    if column.labels is not None:
        parts.append("可选值：" + "/".join(column.labels))
    if column.kind is Kind.DATE:
        parts.append("日期")
    if column.note:
        parts.append(column.note)
    return "；".join(parts)
