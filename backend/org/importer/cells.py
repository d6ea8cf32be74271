"""Converting raw openpyxl cell values into typed values; a failure raises CellError."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from openpyxl.utils.datetime import from_excel

from backend.core.validation import is_mobile_phone

_DATE_TEXT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
# Excel serial numbers of 1900-01-01 … 2199-12-31: a plain number in a date column.
_EXCEL_SERIAL_RANGE = (1, 109574)


class CellError(ValueError):
    """A cell whose value cannot be read; the message is shown to the user."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def to_text(value: Any) -> str:
    """Text as typed; whole numbers lose Excel's ".0" (codes and phones are often numeric cells)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def to_phone(value: Any) -> str:
    """An 11-digit mainland mobile number; spaces and hyphens are dropped. The message never
    repeats the number (phones must not end up in logs)."""
    phone = re.sub(r"[\s\-]", "", to_text(value))
    if not is_mobile_phone(phone):
        raise CellError("手机号格式不正确，应为 11 位大陆手机号")
    return phone


def check_range(value: float, bounds: tuple[float, float]) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise CellError(f"数值应在 {low:g}～{high:g} 之间")


def to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("应为整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = to_text(value)
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    raise CellError("应为整数")


def to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise CellError("应为数字")
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(to_text(value))
    except ValueError:
        raise CellError("应为数字") from None


def to_date(value: Any) -> date:
    """An Excel date cell, an Excel serial number, or text YYYY-MM-DD (also YYYY/MM/DD)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = _EXCEL_SERIAL_RANGE
        if low <= value <= high:
            moment: datetime = from_excel(value)
            return moment.date()
        raise CellError("日期格式不正确，应为 YYYY-MM-DD")
    match = _DATE_TEXT.match(to_text(value))
    if match is None:
        raise CellError("日期格式不正确，应为 YYYY-MM-DD")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError("日期不存在") from None


def to_label(value: Any, labels: Mapping[str, Any]) -> Any:
    text = to_text(value)
    if text in labels:
        return labels[text]
    allowed = "、".join(labels)
    raise CellError(f"取值「{text}」无效，只能填写：{allowed}")
